/**
 * A real SMTP server on this machine for development and tests, so that `npm run dev` sends its notification
 * e-mails through the same code as production without any outside server (issue 12). `npm run dev` (and the
 * test harness `serve.ts start --ephemeral`) starts one when SMTP_URL is unset and keeps every mail as a raw
 * `.eml` file (lib/mail/dev-store.ts), shown at /entwicklung/post; the tests collect them in memory
 * (tests/integration/support/test-smtp.ts). Loopback only, no TLS, no authentication: it accepts whatever
 * this machine sends and delivers nothing onwards. Plain Node, no server-only.
 */
import fsp from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { SMTPServer } from 'smtp-server';

import { storeMail } from './dev-store';

/** What arrived: the message as sent, and the envelope (MAIL FROM, RCPT TO), which the headers need not match. */
export interface ReceivedMail {
  raw: Buffer;
  envelopeFrom: string;
  envelopeTo: string[];
}

/** An error whose `responseCode` (e.g. 451, 550) the server sends as its reply, to refuse a message. */
export type SmtpRefusal = Error & { responseCode: number };

export interface LocalSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  port: number;
  /** Stops accepting and closes open connections; safe to call more than once. */
  stop: () => Promise<void>;
}

/** Larger than any notice, small enough that nothing else is kept by accident. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Starts an SMTP server on 127.0.0.1 (`port` 0, the default: a free one). Each message is handed to
 * `onMessage` before the server answers: resolving accepts it (250), throwing an SmtpRefusal refuses it with
 * that reply code, any other error with 451.
 */
export async function startSmtpServer(options: {
  port?: number;
  onMessage: (mail: ReceivedMail) => Promise<void> | void;
}): Promise<LocalSmtpServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    logger: false,
    // Connections still open at stop are closed after this long (nodemailer closes its own after each mail).
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        const mail: ReceivedMail = {
          raw: Buffer.concat(chunks),
          envelopeFrom: mailFrom ? mailFrom.address : '',
          envelopeTo: rcptTo.map((recipient) => recipient.address),
        };
        Promise.resolve()
          .then(() => options.onMessage(mail))
          .then(
            () => callback(null),
            (error: unknown) => {
              const code = (error as Partial<SmtpRefusal>).responseCode;
              const refusal = new Error('message refused') as SmtpRefusal;
              refusal.responseCode = typeof code === 'number' ? code : 451;
              callback(refusal);
            },
          );
      });
    },
  });
  // Errors on a connection (a client that hangs up) are the client's problem; a listening error rejects below.
  server.on('error', () => {});
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    stop: () => (stopping ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

export interface MailCatcher extends LocalSmtpServer {
  /** Where the mails are kept. */
  dir: string;
}

/**
 * The development mail server: keeps each message in `dir` (lib/mail/dev-store.ts). Without `dir`, in a
 * fresh temporary directory that `stop` removes (the throwaway test harness).
 */
export async function startMailCatcher(options: { dir?: string } = {}): Promise<MailCatcher> {
  const temporary = options.dir === undefined;
  const dir = options.dir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'vermittlung-mail-')));
  const server = await startSmtpServer({ onMessage: ({ raw }) => storeMail(dir, raw).then(() => undefined) });
  return {
    ...server,
    dir,
    stop: async () => {
      await server.stop();
      if (temporary) await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
