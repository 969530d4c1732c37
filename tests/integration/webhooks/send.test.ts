/**
 * The signed webhook (issue 12) against real receivers on this machine (node:http): each verifies what
 * arrives with the Standard Webhooks reference library, as a partner's case system would. A correct message
 * verifies; a replay after the tolerance, a changed body and another partner's secret do not; redirects are
 * not followed; a receiver that never answers costs the configured deadline, no more; the receiver's answer
 * never comes back to the caller; and an address the policy refuses is never connected to, also when the
 * name resolves to it only at the moment of connecting.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { webhookPolicyFrom } from '@/lib/webhooks/policy';
import { newWebhookSecret } from '@/lib/webhooks/secret';
import { postWebhook, type PostWebhookInput } from '@/lib/webhooks/send';

type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string; verified: unknown };

type Receiver = { url: string; port: number; requests: Received[] };

const servers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/**
 * A partner's receiver: verifies each request with `secret` (the library throws on a bad signature or an old
 * timestamp) and answers with what `answer` does; by default 204 when verified, 400 when not.
 */
async function receiver(
  secret: string,
  answer: (res: ServerResponse, received: Received) => void = (res, received) => {
    res.statusCode = received.verified instanceof Error ? 400 : 204;
    res.end();
  },
): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: unknown;
      try {
        verified = new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch (error) {
        verified = error;
      }
      const received = { method: req.method!, path: req.url!, headers: req.headers, body, verified };
      requests.push(received);
      answer(res, received);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/vermittlung?token=partner-token`, port, requests };
}

const PAYLOAD = { referralId: '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5d', track: 'VICTIM', person: { name: 'Marie Test' } };

function message(url: string, secret: string, overrides: Partial<PostWebhookInput> = {}): PostWebhookInput {
  return { url, secret, msgId: 'msg_0197a1b2', type: 'referral.dispatched', payload: PAYLOAD, ...overrides };
}

describe('a signed webhook', () => {
  it('arrives as the specification describes it and verifies with the partner’s secret', async () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const partner = await receiver(secret);
    const at = new Date();

    expect(await postWebhook(message(partner.url, secret, { timestamp: at }))).toEqual({ ok: true, status: 204 });

    expect(partner.requests).toHaveLength(1);
    const [received] = partner.requests as [Received];
    expect(received.verified).toEqual({ type: 'referral.dispatched', timestamp: at.toISOString(), data: PAYLOAD });
    expect(received).toMatchObject({ method: 'POST', path: '/hooks/vermittlung?token=partner-token' });
    expect(received.headers).toMatchObject({
      'webhook-id': 'msg_0197a1b2',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Vermittlung-HG-Webhooks\//),
      'content-length': String(Buffer.byteLength(received.body)),
    });
  });

  it('cannot be replayed once the tolerance has passed, nor changed, nor signed with another secret', async () => {
    const secret = newWebhookSecret();
    const partner = await receiver(secret);
    expect(await postWebhook(message(partner.url, secret))).toEqual({ ok: true, status: 204 });
    const [original] = partner.requests as [Received];
    const headers = original.headers as Record<string, string>;
    const verify =
      (body: string, h: Record<string, string>, s = secret) =>
      () =>
        new Webhook(s).verify(body, h);
    expect(verify(original.body, headers)).not.toThrow();

    // The same request, captured and sent again six minutes later (the library allows five).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    expect(verify(original.body, headers)).toThrow('Message timestamp too old');
    vi.useRealTimers();

    // A changed body, another message's id, a forged or missing signature, another partner's secret.
    expect(verify(original.body.replace('Marie', 'Maria'), headers)).toThrow('No matching signature found');
    expect(verify(original.body, { ...headers, 'webhook-id': 'msg_other' })).toThrow('No matching signature found');
    expect(verify(original.body, { ...headers, 'webhook-signature': `v1,${'A'.repeat(43)}=` })).toThrow(
      'No matching signature found',
    );
    expect(verify(original.body, { ...headers, 'webhook-signature': '' })).toThrow('Missing required headers');
    expect(verify(original.body, headers, newWebhookSecret())).toThrow('No matching signature found');

    // Sent with an old timestamp or with the wrong secret, the receiver refuses it.
    const old = new Date(Date.now() - 10 * 60_000);
    expect(await postWebhook(message(partner.url, secret, { timestamp: old }))).toEqual({
      ok: false,
      reason: 'HTTP',
      status: 400,
    });
    expect(await postWebhook(message(partner.url, newWebhookSecret()))).toEqual({
      ok: false,
      reason: 'HTTP',
      status: 400,
    });
    expect(partner.requests.slice(1).map((r) => (r.verified as Error).message)).toEqual([
      'Message timestamp too old',
      'No matching signature found',
    ]);
  });

  it('does not follow a redirect: the target is never asked', async () => {
    const secret = newWebhookSecret();
    const target = await receiver(secret);
    const partner = await receiver(secret, (res) => {
      res.writeHead(302, { location: target.url }).end();
    });
    expect(await postWebhook(message(partner.url, secret))).toEqual({ ok: false, reason: 'REDIRECT', status: 302 });
    expect(partner.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('gives up on a receiver that never answers after the configured time', async () => {
    const secret = newWebhookSecret();
    const partner = await receiver(secret, () => {});
    const started = performance.now();
    expect(await postWebhook(message(partner.url, secret, { timeoutMs: 300 }))).toEqual({
      ok: false,
      reason: 'TIMEOUT',
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(partner.requests).toHaveLength(1);
  });

  it('reports an error answer with its status', async () => {
    const secret = newWebhookSecret();
    const unavailable = await receiver(secret, (res) => {
      res.writeHead(503, { 'retry-after': '120' }).end('Wartung');
    });
    expect(await postWebhook(message(unavailable.url, secret))).toEqual({ ok: false, reason: 'HTTP', status: 503 });
    const gone = await receiver(secret, (res) => res.writeHead(410).end());
    expect(await postWebhook(message(gone.url, secret))).toEqual({ ok: false, reason: 'HTTP', status: 410 });
  });

  it('never hands the receiver’s answer back, and reads a huge one only up to a bound', async () => {
    const secret = newWebhookSecret();
    const chatty = await receiver(secret, (res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"caseFile":"ANTWORT-DER-STELLE"}');
    });
    const result = await postWebhook(message(chatty.url, secret));
    expect(result).toEqual({ ok: true, status: 200 });
    expect(JSON.stringify(result)).not.toContain('ANTWORT');

    const endless = await receiver(secret, (res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const started = performance.now();
    expect(await postWebhook(message(endless.url, secret, { timeoutMs: 3_000 }))).toEqual({ ok: true, status: 200 });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('reports a refused connection as a network failure with its code', async () => {
    const secret = newWebhookSecret();
    const closed = await receiver(secret);
    const server = servers.pop()!;
    server.close();
    await once(server, 'close');
    expect(await postWebhook(message(closed.url, secret))).toEqual({
      ok: false,
      reason: 'NETWORK',
      code: 'ECONNREFUSED',
    });
  });
});

describe('the guard against requests to internal addresses', () => {
  const development = webhookPolicyFrom({ production: false, allowedHosts: [] });
  /** Development without loopback: what production refuses, over plain http so that a local receiver can answer. */
  const noLoopback = { ...development, allowLoopback: false };

  it('refuses an internal address in the URL without connecting', async () => {
    const secret = newWebhookSecret();
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:169.254.169.254]/',
      'http://10.0.0.1/hooks',
      'http://0.0.0.0:9/hooks',
      'not a url',
    ]) {
      expect(await postWebhook(message(url, secret, { policy: development })), url).toEqual({
        ok: false,
        reason: 'REFUSED_ADDRESS',
      });
    }
  });

  it('sends nothing over http in production', async () => {
    const secret = newWebhookSecret();
    const partner = await receiver(secret);
    const production = webhookPolicyFrom({ production: true, allowedHosts: ['127.0.0.1', 'localhost'] });
    expect(await postWebhook(message(partner.url, secret, { policy: production }))).toEqual({
      ok: false,
      reason: 'REFUSED_ADDRESS',
    });
    expect(partner.requests).toHaveLength(0);
  });

  it('checks the addresses a name resolves to when connecting, and refuses the name if any is internal', async () => {
    const secret = newWebhookSecret();
    const partner = await receiver(secret);
    const viaName = partner.url.replace('127.0.0.1', 'fallsystem.partner.example');
    const resolveTo = (...addresses: string[]) => {
      const resolve = vi.fn(async (_hostname: string) =>
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
      return resolve;
    };

    const toLoopback = resolveTo('127.0.0.1');
    expect(await postWebhook(message(viaName, secret, { policy: noLoopback, resolve: toLoopback }))).toEqual({
      ok: false,
      reason: 'REFUSED_ADDRESS',
    });
    expect(toLoopback).toHaveBeenCalledWith('fallsystem.partner.example');
    const mixed = resolveTo('93.184.215.14', '127.0.0.1');
    expect(await postWebhook(message(viaName, secret, { policy: noLoopback, resolve: mixed }))).toEqual({
      ok: false,
      reason: 'REFUSED_ADDRESS',
    });
    expect(partner.requests).toHaveLength(0);

    // Where loopback is allowed, the same name reaches the receiver, named as the partner's host.
    expect(
      await postWebhook(message(viaName, secret, { policy: development, resolve: resolveTo('127.0.0.1') })),
    ).toEqual({ ok: true, status: 204 });
    expect(partner.requests.map((r) => r.headers.host)).toEqual([`fallsystem.partner.example:${partner.port}`]);
  });

  it('connects to the very address it checked: a name that turns internal after the check gains nothing', async () => {
    const secret = newWebhookSecret();
    const partner = await receiver(secret);
    const viaName = partner.url.replace('127.0.0.1', 'rebind.partner.example');
    // DNS rebinding: an allowed address at the first lookup (the name is allowed a private network), this host
    // at every later one. A sender that looked the name up once to check it and again to connect would reach
    // the receiver here.
    const policy = { ...noLoopback, allowedHosts: ['rebind.partner.example'] };
    let lookups = 0;
    const rebinding = async () => [{ address: lookups++ === 0 ? '10.255.255.1' : '127.0.0.1', family: 4 }];
    const result = await postWebhook(message(viaName, secret, { policy, resolve: rebinding, timeoutMs: 300 }));
    // The private address does not answer here: whether it times out or is unreachable depends on the network.
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^(TIMEOUT|NETWORK)$/) });
    expect(lookups).toBe(1);
    expect(partner.requests).toHaveLength(0);
  });
});
