'use server';

import { runAction } from '@/lib/actions';
import { recordAudit } from '@/lib/audit/record';
import { authorizeAction } from '@/lib/auth/session';
import { revokeAllSessions } from '@/lib/auth/sessions';
import { db } from '@/lib/db';
import { success, type ActionResult } from '@/lib/result';

/** Ends every session of the signed-in user, this one included. */
export async function signOutEverywhereAction(): Promise<ActionResult<null>> {
  return runAction(async () => {
    const auth = await authorizeAction('account:sign-out-everywhere');
    if (!auth.ok) return auth;
    const actor = auth.data;
    await db().$transaction(async (tx) => {
      await revokeAllSessions(tx, actor.id);
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'SIGNED_OUT_EVERYWHERE',
        entityType: 'User',
        entityId: actor.id,
      });
    });
    return success(null);
  });
}
