import 'server-only';

import { encode } from 'next-auth/jwt';
import { cookies } from 'next/headers';

import { sessionLimits } from '@/lib/auth/session-store';
import { env } from '@/lib/env';

/**
 * Writes next-auth's session cookie for a server-side session row, the way next-auth itself would (same
 * name, encoding and attributes). Used when the app renews a session outside next-auth's own flow: after
 * the second factor, so that the token that was issued after the password alone stops working.
 */
export async function issueSessionCookie(claims: { uid: string; sv: number; sid: string }): Promise<void> {
  const secure = env().APP_URL.startsWith('https://');
  const maxAge = Math.floor(sessionLimits().maxAgeMs / 1000);
  const value = await encode({ token: claims, secret: env().AUTH_SECRET, maxAge });
  (await cookies()).set(secure ? '__Secure-next-auth.session-token' : 'next-auth.session-token', value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
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
