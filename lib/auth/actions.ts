'use server';

import { action } from '@/lib/actions';
import { signOutEverywhere } from '@/lib/auth/service';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { success } from '@/lib/result';

/** "Überall abmelden": ends every session of the signed-in user, this one included. */
export const signOutEverywhereAction = action({ permission: 'account:sign-out-everywhere' }, async ({ actor }) => {
  await signOutEverywhere({ actor });
  await clearSessionCookie();
  return success(null);
});
