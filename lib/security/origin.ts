import 'server-only';

import { headers } from 'next/headers';

import { env } from '@/lib/env';

/**
 * Cross-site request forgery defence for state-changing requests (ASVS 3.5): the request's Origin must be
 * exactly the configured public origin, `APP_URL` (scheme, host and port). Next.js compares an action's
 * Origin with the Host or X-Forwarded-Host header and lets requests without an Origin through; both headers
 * are whatever the client sends, so neither decides here, and a request without an Origin is refused.
 */
export async function isTrustedOrigin(): Promise<boolean> {
  const origin = (await headers()).get('origin');
  if (!origin || !URL.canParse(origin)) return false;
  return new URL(origin).origin === new URL(env().APP_URL).origin;
}
