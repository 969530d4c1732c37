'use server';

import { redirect } from 'next/navigation';

import { runAction } from '@/lib/actions';
import { recordAudit } from '@/lib/audit/record';
import { authorizeAction, getSession } from '@/lib/auth/guards';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeAllSessions, revokeSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { success, type ActionResult } from '@/lib/result';

/**
 * Signs out: the server-side session is revoked (audited), the cookie removed, and the browser lands on the
 * sign-in page. Any session may do this, also one still waiting for its second factor. A plain form posts
 * here, so signing out needs no JavaScript in the browser.
 */
export async function signOutAction(): Promise<void> {
  const result = await runAction(async () => {
    const session = await getSession();
    if (session) await revokeSession(session.sessionId);
    await clearSessionCookie();
    return success(null);
  });
  if (result.ok) redirect('/anmelden');
}

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
    await clearSessionCookie();
    return success(null);
  });
}
