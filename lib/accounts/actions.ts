'use server';

import { invalidInput, runAction } from '@/lib/actions';
import { changePasswordInput } from '@/lib/accounts/schema';
import { changePassword } from '@/lib/accounts/service';
import { authorizeAction, getSession } from '@/lib/auth/guards';
import type { ActionResult } from '@/lib/result';

/** "Passwort ändern" on the account page. */
export async function changePasswordAction(raw: unknown): Promise<ActionResult<null>> {
  return runAction(async () => {
    const auth = await authorizeAction('account:change-password');
    if (!auth.ok) return auth;
    const parsed = changePasswordInput.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    const session = await getSession();
    if (!session) return { ok: false, code: 'UNAUTHENTICATED', message: 'errors.codes.UNAUTHENTICATED' };
    return changePassword({ actor: auth.data, sessionId: session.sessionId, input: parsed.data });
  });
}
