import 'server-only';

import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

import { Webhook } from 'standardwebhooks';

import { env } from '@/lib/env';
import { mayConnect, urlRefusal, webhookPolicyFrom, type WebhookPolicy } from '@/lib/webhooks/policy';

/**
 * One signed webhook to a partner's own case system (issue 12, DESIGN.md section 6), as the Standard Webhooks
 * specification describes it (https://www.standardwebhooks.com): the body `{ type, timestamp, data }`, and the
 * headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 over id, timestamp and body,
 * made by the specification's reference library `standardwebhooks`). The partner verifies with the same
 * library and its `whsec_` secret; the timestamp lets it refuse replays (the library allows 5 minutes).
 *
 * One attempt, no retries (the delivery job retries with backoff and audits each disclosure). Guarded against
 * server-side request forgery (lib/webhooks/policy.ts): every address the partner's host name resolves to is
 * checked when the connection is made, by the connection's own `lookup`, so what was checked is what is
 * connected to (no DNS rebinding); an IP address in the URL is checked before. Redirects are never followed;
 * one deadline covers the name lookup, connecting, TLS, sending and the answer. The answer's body is read (at
 * most MAX_RESPONSE_BYTES) and dropped: it is never stored, returned or logged. Nothing here logs: the URL's
 * path and query, the secret and the payload would have no place in a log.
 */
export const WEBHOOK_EVENT_TYPES = ['referral.dispatched', 'referral.withdrawn'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type WebhookFailureReason =
  /** The URL or an address its host resolved to is not allowed (scheme, private network, ...), or no URL. */
  | 'REFUSED_ADDRESS'
  /** No complete answer within the deadline. */
  | 'TIMEOUT'
  /** No connection or TLS failed (refused, unknown host, certificate); `code` is Node's error code. */
  | 'NETWORK'
  /** The partner answered 3xx: not followed, the partner's URL needs fixing. */
  | 'REDIRECT'
  /** Any other answer outside 2xx; `status` says which. */
  | 'HTTP';

export type WebhookResult =
  { ok: true; status: number } | { ok: false; reason: WebhookFailureReason; status?: number; code?: string };

export type PostWebhookInput = {
  url: string;
  /** The partner's secret, `whsec_…` (lib/webhooks/secret.ts). */
  secret: string;
  /** `webhook-id`: one per event, the same in every retry, so that the partner can drop duplicates. */
  msgId: string;
  type: WebhookEventType;
  /** The partner's projection (JSON-serialisable); becomes `data`. */
  payload: unknown;
  /** When the message is signed; default now. A retry signs again with a new timestamp, the same msgId. */
  timestamp?: Date;
  /** The deadline for the whole exchange; default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default: from the configuration (webhookPolicy()). */
  policy?: WebhookPolicy;
  /** How host names are resolved; default the system's resolver (as any connection would). For tests. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
};

export const DEFAULT_TIMEOUT_MS = 5_000;
/** How much of an answer's body is read (and dropped) before the connection is closed. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const USER_AGENT = 'Vermittlung-HG-Webhooks/1.0';

/** The policy of this configuration: NODE_ENV and WEBHOOK_ALLOWED_HOSTS. */
export function webhookPolicy(): WebhookPolicy {
  const { NODE_ENV, WEBHOOK_ALLOWED_HOSTS } = env();
  return webhookPolicyFrom({ production: NODE_ENV === 'production', allowedHosts: WEBHOOK_ALLOWED_HOSTS });
}

/** The request body and signature headers of one message, as postWebhook sends them. */
export function signedWebhook({
  secret,
  msgId,
  type,
  payload,
  timestamp = new Date(),
}: Pick<PostWebhookInput, 'secret' | 'msgId' | 'type' | 'payload' | 'timestamp'>): {
  body: string;
  headers: Record<string, string>;
} {
  const body = JSON.stringify({ type, timestamp: timestamp.toISOString(), data: payload });
  return {
    body,
    headers: {
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(msgId, timestamp, body),
    },
  };
}

const systemResolve = (hostname: string) => dns.lookup(hostname, { all: true, order: 'verbatim' });

/** Marks the refusal of the lookup below, to tell it from the network's own errors. */
class RefusedAddress extends Error {
  code = 'REFUSED_ADDRESS';
}

/**
 * The connection's name lookup: resolves, and refuses unless the policy allows every address the name
 * resolves to (a name with one public and one internal address is refused whole).
 */
function guardedLookup(
  hostname: string,
  policy: WebhookPolicy,
  resolve: (hostname: string) => Promise<LookupAddress[]>,
): LookupFunction {
  return (host, options, callback) => {
    resolve(host).then(
      (resolved) => {
        const addresses = options.family ? resolved.filter((a) => a.family === options.family) : resolved;
        if (addresses.length === 0) {
          callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
        } else if (!addresses.every((a) => mayConnect(hostname, a.address, policy))) {
          callback(new RefusedAddress('address refused'), '', 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

const outcomeOf = (status: number): WebhookResult =>
  status >= 200 && status < 300
    ? { ok: true, status }
    : { ok: false, reason: status >= 300 && status < 400 ? 'REDIRECT' : 'HTTP', status };

/**
 * Sends one signed message to a partner's webhook. Never throws for what the network or the partner does;
 * throws only for a malformed secret (not `whsec_` and base64) or a msgId that is no valid header value.
 */
export async function postWebhook(input: PostWebhookInput): Promise<WebhookResult> {
  const policy = input.policy ?? webhookPolicy();
  const url = URL.canParse(input.url) ? new URL(input.url) : null;
  if (!url || urlRefusal(url, policy)) return { ok: false, reason: 'REFUSED_ADDRESS' };
  const { body, headers } = signedWebhook(input);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RequestOptions = {
    method: 'POST',
    hostname,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': USER_AGENT,
    },
    // A connection of its own for every message: no pooled socket skips the lookup's check, and no proxy from
    // the environment (NODE_USE_ENV_PROXY) stands between the check and the partner.
    agent: false,
    lookup: guardedLookup(hostname, policy, input.resolve ?? systemResolve),
  };
  return exchange(url.protocol === 'https:' ? httpsRequest : httpRequest, options, body, input.timeoutMs);
}

function exchange(
  request: typeof httpRequest,
  options: RequestOptions,
  body: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<WebhookResult> {
  return new Promise((resolve) => {
    /** Set once the status line has arrived: from then on the outcome is known, whatever follows. */
    let answered: WebhookResult | null = null;
    let settled = false;
    const settle = (result: WebhookResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve(result);
    };
    const req = request(options, (res: IncomingMessage) => {
      answered = outcomeOf(res.statusCode ?? 0);
      const outcome = answered;
      // Read and drop the body, up to a bound; its content never leaves this function.
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) settle(outcome);
      });
      res.on('end', () => settle(outcome));
      res.on('error', () => settle(outcome));
      res.on('close', () => settle(outcome));
    });
    const deadline = setTimeout(() => settle(answered ?? { ok: false, reason: 'TIMEOUT' }), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return settle(answered);
      if (error instanceof RefusedAddress) return settle({ ok: false, reason: 'REFUSED_ADDRESS' });
      settle({ ok: false, reason: 'NETWORK', ...(typeof error.code === 'string' && { code: error.code }) });
    });
    req.end(body);
  });
}
