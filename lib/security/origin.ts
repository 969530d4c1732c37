import 'server-only';

import { headers } from 'next/headers';

import { env } from '@/lib/env';

/**
 * Cross-site request forgery defence for state-changing requests (ASVS 3.5): Next.js compares a server
 * action's Origin with its Host, but lets requests without an Origin through; we refuse those, and accept
 * only the configured public origin or the origin of the host the request was sent to.
 */
export async function isTrustedOrigin(): Promise<boolean> {
  const h = await headers();
  const origin = h.get('origin');
  if (!origin) return false;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return false;
  }
  if (originUrl.origin === new URL(env().APP_URL).origin) return true;
  const host = h.get('x-forwarded-host') ?? h.get('host');
  return host !== null && originUrl.host === host;
}
