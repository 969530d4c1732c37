import 'server-only';

import { headers } from 'next/headers';

import { env } from '@/lib/env';

/**
 * Cross-site request forgery defence for state-changing requests (ASVS 3.5): the request's Origin must be
 * exactly the configured public origin, `APP_URL` (scheme, host and port). Next.js compares an action's
 * Origin with the Host or X-Forwarded-Host header and lets requests without an Origin through; both headers
 * are whatever the client sends, so neither decides here, and a request without an Origin is refused unless
 * the browser's Fetch Metadata (Sec-Fetch-Site, set by the browser alone) says it is our own page's.
 */
export async function isTrustedOrigin(): Promise<boolean> {
  const request = await headers();
  const origin = request.get('origin');
  if (sameOrigin(origin, env().APP_URL)) return true;
  // A plain form posted by our own page (sign-out) carries "Origin: null": the app's Referrer-Policy is
  // no-referrer. The browser's Fetch Metadata, which no page can set, says where it came from.
  return (origin === null || origin === 'null') && request.get('sec-fetch-site') === 'same-origin';
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `origin` is the app's own. One allowance: when the app itself is on this machine (`APP_URL`
 * http://localhost:3000, development and tests), any loopback name for it counts, with the same scheme and
 * port: `next dev` announces http://127.0.0.1:3000, and a page opened there must work. No other site can
 * send a loopback Origin from a browser.
 */
export function sameOrigin(origin: string | null, appUrl: string): boolean {
  if (!origin || !URL.canParse(origin)) return false;
  const [from, app] = [new URL(origin), new URL(appUrl)];
  if (from.origin === app.origin) return true;
  return (
    LOOPBACK.has(app.hostname) &&
    LOOPBACK.has(from.hostname) &&
    from.protocol === app.protocol &&
    from.port === app.port
  );
}
