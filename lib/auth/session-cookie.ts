import 'server-only';

import { decode, encode } from 'next-auth/jwt';
import { cookies } from 'next/headers';

import { sessionLimits } from '@/lib/auth/session-store';
import { env } from '@/lib/env';

/** next-auth's session cookie: the `__Secure-` name when the app is served over https. */
function sessionCookieName(): string {
  return env().APP_URL.startsWith('https://') ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

/**
 * The claims of the request's session cookie (decrypted and its expiry checked, as next-auth does), or null.
 * Read directly instead of through next-auth's `getServerSession`, which runs its whole session endpoint
 * for each request (and encrypts a renewed token a page cannot set anyway): the same answer for a third of
 * the time a signed-in page takes. The token is small (ids only), so next-auth never splits it into chunks.
 */
export async function readSessionCookie(): Promise<Record<string, unknown> | null> {
  const token = (await cookies()).get(sessionCookieName())?.value;
  if (!token) return null;
  try {
    return await decode({ token, secret: env().AUTH_SECRET });
  } catch {
    // Tampered, expired or sealed with another secret: no session, as with next-auth.
    return null;
  }
}

/**
 * Writes next-auth's session cookie for a server-side session row, the way next-auth itself would (same
 * name, encoding and attributes). Used when the app renews a session outside next-auth's own flow: after
 * the second factor, so that the token that was issued after the password alone stops working.
 */
export async function issueSessionCookie(claims: { uid: string; sv: number; sid: string }): Promise<void> {
  const maxAge = Math.floor(sessionLimits().maxAgeMs / 1000);
  const value = await encode({ token: claims, secret: env().AUTH_SECRET, maxAge });
  (await cookies()).set(sessionCookieName(), value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: env().APP_URL.startsWith('https://'),
    maxAge,
  });
}

/** Removes next-auth's session cookie (both names), after the server-side session was revoked. */
export async function clearSessionCookie(): Promise<void> {
  const jar = await cookies();
  for (const name of ['__Secure-next-auth.session-token', 'next-auth.session-token']) {
    if (jar.has(name)) jar.delete(name);
  }
}
