import 'server-only';

import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

import { authenticateWithPassword } from '@/lib/auth/service';
import { revokeSession, sessionLimits, startSession } from '@/lib/auth/sessions';
import { clientAddressFrom } from '@/lib/auth/throttle';
import { env } from '@/lib/env';
import { logUnexpectedError } from '@/lib/log';

/**
 * next-auth v4 configuration. The token carries only ids: the user, the server-side session row and the
 * user's session version. Role, scope, whether the account is still active and whether the session is
 * still valid are read from the database on every request (lib/auth/session.ts), so a change takes
 * effect on the next request.
 */
export function authOptions(): AuthOptions {
  return {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: Math.floor(sessionLimits().maxAgeMs / 1000) },
    useSecureCookies: env().APP_URL.startsWith('https://'),
    pages: { signIn: '/anmelden', error: '/anmelden' },
    providers: [
      CredentialsProvider({
        name: 'credentials',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(credentials, request) {
          const email = credentials?.email;
          const password = credentials?.password;
          if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) return null;
          if (email.length > 254 || password.length > 256) return null;
          try {
            const user = await authenticateWithPassword(email, password, clientAddressFrom(request?.headers));
            return user ? { id: user.id, sessionVersion: user.sessionVersion } : null;
          } catch (error) {
            // next-auth would hand the raw message (database host, driver text) to the browser.
            logUnexpectedError(crypto.randomUUID().slice(0, 8), error);
            throw new Error('UNAVAILABLE');
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
          token.sid = (await startSession(user.id)).id;
        }
        return token;
      },
      session({ session, token }) {
        // Nothing personal goes to the browser: the client only needs to know it is signed in.
        return { expires: session.expires, uid: token.uid, sv: token.sv, sid: token.sid } as never;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await revokeSession(token.sid);
      },
    },
  };
}
