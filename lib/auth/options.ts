import 'server-only';

import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';

import { OIDC_PROVIDER_ID, oidcConfigured, oidcProvider, oidcSessionUser, provisionOidcUser } from '@/lib/auth/oidc';
import { authenticateWithPassword } from '@/lib/auth/service';
import { revokeSession, sessionLimits, startSession } from '@/lib/auth/session-store';
import { env } from '@/lib/env';
import { requestClientAddress } from '@/lib/security/client-address';
import { logUnexpectedError } from '@/lib/log';

/**
 * next-auth v4 configuration. The token carries only ids: the user, the server-side session row and the
 * user's session version. Role, scope, whether the account is still active and whether the session is
 * still valid are read from the database on every request (lib/auth/guards.ts), so a change takes
 * effect on the next request.
 */
export function authOptions(): AuthOptions {
  // Where a failed sign-in through the identity provider lands: a fixed code, never the provider's text.
  const failedOidc = (code: 'OidcFailed' | 'OidcRefused') => `${env().APP_URL}/anmelden?error=${code}`;
  return {
    secret: env().AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: Math.floor(sessionLimits().maxAgeMs / 1000) },
    useSecureCookies: env().APP_URL.startsWith('https://'),
    pages: { signIn: '/anmelden', error: '/anmelden' },
    providers: [
      ...(oidcConfigured() ? [oidcProvider()] : []),
      // Production may switch local accounts off and sign in through the identity provider only.
      ...(env().LOCAL_ACCOUNTS === 'enabled' ? [localAccountsProvider()] : []),
    ],
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        try {
          const outcome = await provisionOidcUser({ ...profile });
          return outcome.ok ? true : failedOidc('OidcRefused');
        } catch (error) {
          // next-auth would put a thrown message into the redirect URL.
          logUnexpectedError(crypto.randomUUID().slice(0, 8), error);
          return failedOidc('OidcFailed');
        }
      },
      async jwt({ token, user, account, profile }) {
        if (!user) return token;
        // OIDC: the account `signIn` provisioned; the provider's `amr` claim may already prove a second factor.
        const signedIn =
          account?.provider === OIDC_PROVIDER_ID
            ? await oidcSessionUser(account.providerAccountId, { ...profile })
            : {
                id: user.id,
                sessionVersion: (user as { sessionVersion?: number }).sessionVersion ?? 0,
                secondFactorProved: false,
              };
        const { id: sid } = await startSession(signedIn.id, signedIn);
        // A fresh token with ids only: next-auth's default one would carry name and e-mail.
        return { uid: signedIn.id, sv: signedIn.sessionVersion, sid };
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

function localAccountsProvider() {
  return CredentialsProvider({
    name: 'credentials',
    credentials: { email: { type: 'email' }, password: { type: 'password' } },
    async authorize(credentials, request) {
      const email = credentials?.email;
      const password = credentials?.password;
      if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) return null;
      if (email.length > 254 || password.length > 256) return null;
      try {
        const user = await authenticateWithPassword(email, password, requestClientAddress(request?.headers));
        return user ? { id: user.id, sessionVersion: user.sessionVersion } : null;
      } catch (error) {
        // next-auth would hand the raw message (database host, driver text) to the browser.
        logUnexpectedError(crypto.randomUUID().slice(0, 8), error);
        throw new Error('UNAVAILABLE');
      }
    },
  });
}
