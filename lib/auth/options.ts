import 'server-only';

import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

import { authenticateWithPassword } from '@/lib/auth/service';
import { env } from '@/lib/env';

/** Absolute session lifetime (DESIGN.md section 8); the token cannot be stretched beyond it. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * next-auth v4 configuration. The token carries only the user id, the session version and the time of
 * sign-in: role, scope and whether the account is still active are read from the database on every
 * request (lib/auth/session.ts), so a change takes effect on the next request.
 */
export function authOptions(): AuthOptions {
  return {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/anmelden', error: '/anmelden' },
    providers: [
      CredentialsProvider({
        name: 'credentials',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(credentials) {
          const email = credentials?.email;
          const password = credentials?.password;
          if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) return null;
          if (email.length > 254 || password.length > 256) return null;
          const user = await authenticateWithPassword(email, password);
          return user ? { id: user.id, sessionVersion: user.sessionVersion } : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
          token.authTime = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        // Nothing personal goes to the browser: the client only needs to know it is signed in.
        return { expires: session.expires, uid: token.uid, sv: token.sv, authTime: token.authTime } as never;
      },
    },
  };
}
