/**
 * The production HTTP server (`npm start`; the launcher runs it as its child): Next.js' request handler
 * behind a plain Node server, so that the socket's peer address is known. For every request it decides
 * who the client is, as far as TRUSTED_PROXIES allows (lib/security/client-address.ts), and drops the
 * forwarded headers that no trusted proxy vouches for, so that neither the throttle nor Next.js' own
 * Origin check believes what a client wrote about itself. Plain node.
 *
 *   next-server.ts start --port N --hostname H --trusted-proxies N   (`next start`'s, plus the proxies)
 */
import http from 'node:http';

import next from 'next';

// Relative and with its extension: this file runs on Node.js' own TypeScript support, without tsx (whose
// loader would cost the server some 30 MB of its 300 MB budget), so only erasable syntax and no "@/" paths.
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  FORWARDED_HEADERS,
  markClientAddressServer,
} from '../security/client-address.ts';

function option(name: string): string {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (!value) throw new Error(`next-server.ts needs ${name}`);
  return value;
}

const port = Number(option('--port'));
const hostname = option('--hostname');
// TRUSTED_PROXIES, validated by the launcher (lib/env.ts) and passed on.
const trustedProxies = Number(option('--trusted-proxies'));

markClientAddressServer();
const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  const address = clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for'], trustedProxies);
  if (trustedProxies === 0) for (const name of FORWARDED_HEADERS) delete request.headers[name];
  if (address) request.headers[CLIENT_ADDRESS_HEADER] = address;
  else delete request.headers[CLIENT_ADDRESS_HEADER];
  void handle(request, response);
});

server.listen(port, hostname, () => {
  process.stdout.write(`next-server listening on ${hostname}:${port} (${trustedProxies} trusted proxies)\n`);
});

// What the app registered to do before exit (the in-process job worker's graceful stop, lib/jobs/in-app.ts).
const BEFORE_EXIT = Symbol.for('vermittlung.beforeExit');
function beforeExit(): Promise<unknown> {
  const steps = (globalThis as { [BEFORE_EXIT]?: (() => Promise<void>)[] })[BEFORE_EXIT] ?? [];
  return Promise.allSettled(steps.map((step) => step()));
}

// The launcher stops us with SIGTERM: finish the requests in flight and the running jobs, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    const requests = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    void Promise.all([requests, beforeExit()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 9_000).unref(); // the launcher kills after 10 s
  });
}
