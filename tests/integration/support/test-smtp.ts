/**
 * A real SMTP server for a test (the app's own, lib/mail/dev-server.ts) on a free loopback port: what the
 * app sends arrives over a real connection and is kept in memory, raw and parsed. Point the app at it with
 * `vi.stubEnv('SMTP_URL', smtp.url)` and `resetEnvCache()`; stop it in `afterAll`.
 *
 *   const smtp = await startTestSmtp();
 *   … the code under test sends …
 *   const [mail] = await smtp.waitFor(1);
 *   expect(mail.to).toEqual(['beratung@partner.example']);
 */
import { startSmtpServer, type SmtpRefusal } from '@/lib/mail/dev-server';
import { parseRawMail, type ParsedMail } from '@/lib/mail/parse';

export interface RawMail {
  /** The message exactly as it went over SMTP (CRLF line ends). */
  raw: string;
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** Headers and decoded text (lib/mail/parse.ts). */
  parsed: ParsedMail;
}

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Everything accepted so far, in order of arrival. */
  messages: () => RawMail[];
  /** Resolves with all messages once at least `count` have arrived; rejects after `timeoutMs` (default 5 s). */
  waitFor: (count: number, timeoutMs?: number) => Promise<RawMail[]>;
  /** Refuse every following message with this SMTP reply code (e.g. 451 transient, 550 permanent); null: accept again. */
  refuseWith: (code: number | null) => void;
  /** Forgets the messages received so far. */
  clear: () => void;
  stop: () => Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  let received: RawMail[] = [];
  let refusal: number | null = null;
  const waiting = new Set<() => void>();

  const server = await startSmtpServer({
    onMessage: ({ raw, envelopeFrom, envelopeTo }) => {
      if (refusal !== null) {
        throw Object.assign(new Error(`refused with ${refusal}`), { responseCode: refusal }) satisfies SmtpRefusal;
      }
      const text = raw.toString('utf8');
      received.push({ raw: text, from: envelopeFrom, to: envelopeTo, parsed: parseRawMail(text) });
      for (const wake of waiting) wake();
    },
  });

  return {
    url: server.url,
    messages: () => [...received],
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise<RawMail[]>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanUp();
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(new Error(`expected ${count} mail(s) within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        const cleanUp = () => {
          clearTimeout(timer);
          waiting.delete(check);
        };
        waiting.add(check);
        check();
      }),
    refuseWith: (code) => {
      refusal = code;
    },
    clear: () => {
      received = [];
    },
    stop: server.stop,
  };
}
