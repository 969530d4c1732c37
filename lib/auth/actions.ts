'use server';

import { redirect } from 'next/navigation';

import { action, formAction } from '@/lib/actions';
import { getSession } from '@/lib/auth/guards';
import { signOutEverywhere } from '@/lib/auth/service';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/session-store';
import { success } from '@/lib/result';

/**
 * Signs out: the server-side session is revoked (audited), the cookie removed, and the browser lands on the
 * sign-in page. Public, because any session may end itself, also one still waiting for its second factor
 * (and without one there is nothing to end). A plain form posts here, so it needs no JavaScript.
 */
export const signOutAction = formAction({ public: true }, async () => {
  const session = await getSession();
  if (session) await revokeSession(session.sessionId);
  await clearSessionCookie();
  redirect('/anmelden');
});

/** "Überall abmelden": ends every session of the signed-in user, this one included. */
export const signOutEverywhereAction = action({ permission: 'account:sign-out-everywhere' }, async ({ actor }) => {
  await signOutEverywhere({ actor });
  await clearSessionCookie();
  return success(null);
});
