'use server';

import { action } from '@/lib/actions';
import { changePasswordInput } from '@/lib/accounts/schema';
import { changePassword } from '@/lib/accounts/service';

/** "Passwort ändern" on the account page; the other sessions of the account end. */
export const changePasswordAction = action(
  { permission: 'account:change-password', input: changePasswordInput },
  ({ actor, session, input }) => changePassword({ actor, sessionId: session.sessionId, input }),
);
