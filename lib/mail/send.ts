import 'server-only';

import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';

import { env } from '@/lib/env';

import { composePartnerNotice, type PartnerNotice } from './partner-notice';

/**
 * Sends the notification e-mails over real SMTP (SMTP_URL, MAIL_FROM). The delivery jobs call this and retry
 * on failure, so errors say only what kind of failure it was: never an address, a subject or the server's
 * reply text (it quotes the recipient), because job errors are stored and printed (DESIGN.md section 7).
 */

/** Waits short enough that a job fails and is retried rather than holding its worker for minutes. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

/** One mailbox, no display name, no list: what the partner's notification address may be. */
const PLAIN_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

let cached: { url: string; transporter: Transporter } | undefined;

/**
 * The transport, made on first use from SMTP_URL (and anew when the setting changed: tests). Without SMTP_URL
 * there is nothing to send through: `npm run dev` always sets one, production refuses to start without it.
 */
function transport(): Transporter {
  const { SMTP_URL } = env();
  if (!SMTP_URL) throw new MailDeliveryError('not sent: SMTP_URL is not configured', { code: 'ECONFIG' });
  if (cached?.url === SMTP_URL) return cached.transporter;
  cached?.transporter.close();
  const { protocol, hostname } = new URL(SMTP_URL);
  const transporter = nodemailer.createTransport({
    url: SMTP_URL,
    ...TIMEOUTS,
    // A relay on another machine must offer STARTTLS: the URL's password never crosses the network in
    // clear. Options in the URL win (`?requireTLS=false` for a relay that cannot).
    requireTLS: protocol === 'smtp:' && !LOOPBACK.has(hostname),
    // Nothing in a notice is read from a file or a URL; refuse it outright.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  cached = { url: SMTP_URL, transporter };
  return transporter;
}

/**
 * A notice that did not go out. `permanent`: the server refused it for good (a 5xx reply, or an address that
 * cannot be one), so sending it again as it is will fail again; otherwise (no connection, a timeout, a 4xx
 * reply) a later attempt may succeed. The message holds the failure's kind and the reply's class only.
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
  /** nodemailer's code of the failing step (ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE, EMESSAGE, …). */
  readonly code: string | undefined;
  /** The class of the SMTP reply that refused it, if there was one. */
  readonly replyClass: '4xx' | '5xx' | undefined;
  readonly permanent: boolean;

  constructor(detail: string, options: { code?: string; replyClass?: '4xx' | '5xx'; permanent?: boolean } = {}) {
    super(`Notification e-mail ${detail}`);
    this.code = options.code;
    this.replyClass = options.replyClass;
    this.permanent = options.permanent ?? false;
  }
}

/** The caller's view of a nodemailer failure, with nothing of its message (it quotes addresses and replies). */
function deliveryError(error: unknown): MailDeliveryError {
  const failure = (error ?? {}) as NodemailerError;
  const code = typeof failure.code === 'string' && /^[A-Z_]{2,32}$/.test(failure.code) ? failure.code : undefined;
  const reply = typeof failure.responseCode === 'number' ? Math.floor(failure.responseCode / 100) : undefined;
  const replyClass = reply === 4 ? '4xx' : reply === 5 ? '5xx' : undefined;
  const parts = [code ?? 'unknown error', replyClass && `SMTP reply ${replyClass}`].filter(Boolean);
  return new MailDeliveryError(`not sent (${parts.join(', ')})`, {
    code,
    replyClass,
    permanent: failure.permanent === true,
  });
}

/**
 * Tells the partner organisation at `to` (its notification address) that something is waiting in its inbox,
 * or that a referral was withdrawn. Resolves once the relay has accepted the mail; throws MailDeliveryError.
 */
export async function sendPartnerNotice(to: string, notice: PartnerNotice): Promise<void> {
  if (to.length > 254 || !PLAIN_ADDRESS.test(to)) {
    throw new MailDeliveryError('not sent: the recipient is not a single e-mail address', {
      code: 'EENVELOPE',
      permanent: true,
    });
  }
  const config = env();
  const { subject, text } = composePartnerNotice(notice, config.APP_URL);
  const transporter = transport();
  try {
    // CRLF, as on the wire: nodemailer's quoted-printable wrapping then keeps each line whole (with bare LFs it
    // may break the link's line in the raw message).
    await transporter.sendMail({ from: config.MAIL_FROM, to, subject, text: text.replace(/\r?\n/g, '\r\n') });
  } catch (error) {
    throw deliveryError(error);
  }
}

/** Closes the transport's connection (tests, shutdown); the next notice opens a new one. */
export function closeMailTransport(): void {
  cached?.transporter.close();
  cached = undefined;
}
