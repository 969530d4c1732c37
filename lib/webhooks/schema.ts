import { z } from 'zod/mini';

/**
 * A partner's webhook URL as the admin enters it (issue 12), for the form and the server action alike:
 * an absolute http(s) URL without user name or password (a secret in a URL ends up in logs and screenshots;
 * the webhook's secret is the signature's) and without a fragment (never sent anyway). The server adds what
 * depends on the configuration: https only in production, no internal address (lib/webhooks/policy.ts).
 * Normalised to the URL's canonical form (lower-case host, punycode).
 */
export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** Controls, spaces and invisible characters: the URL parser would silently drop some of them. */
const UNSAFE_CHARACTERS = /[\s\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

const parsed = (s: string): URL | null => (URL.canParse(s) ? new URL(s) : null);

export const webhookUrl = () =>
  z.string({ error: 'errors.required' }).check(
    z.trim(),
    z.minLength(1, { error: 'errors.required', abort: true }),
    z.maxLength(WEBHOOK_URL_MAX_LENGTH, { error: 'errors.tooLong', abort: true }),
    z.refine((s: string) => !UNSAFE_CHARACTERS.test(s), { error: 'partners.errors.webhookUrlFormat', abort: true }),
    z.refine(
      (s: string) => {
        const url = parsed(s);
        return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
      },
      { error: 'partners.errors.webhookUrlFormat', abort: true },
    ),
    z.refine((s: string) => !parsed(s)!.username && !parsed(s)!.password, {
      error: 'partners.errors.webhookUrlCredentials',
      abort: true,
    }),
    // `new URL('https://a.example/#')` has an empty hash: the "#" alone counts too.
    z.refine((s: string) => !s.includes('#'), { error: 'partners.errors.webhookUrlFragment', abort: true }),
    z.overwrite((s: string) => parsed(s)!.href),
    z.maxLength(WEBHOOK_URL_MAX_LENGTH, { error: 'errors.tooLong' }),
  );
