import 'server-only';

import type { ChangePasswordInput } from '@/lib/accounts/schema';
import { isGuessablePassword } from '@/lib/accounts/password-policy';
import { recordAudit } from '@/lib/audit/record';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import type { Actor } from '@/lib/auth/session-store';
import { beginAttempt, endAttempt, throttleKeys } from '@/lib/auth/throttle';
import { db } from '@/lib/db';
import { failure, success, type ActionResult } from '@/lib/result';

/**
 * Changes the actor's own password. The current password is required (ASVS 6.2.3) and wrong guesses count
 * towards the sign-in lockout; every other session of the account ends (ASVS 7.4.3), this one stays.
 */
export async function changePassword({
  actor,
  sessionId,
  input,
}: {
  actor: Actor;
  sessionId: string;
  input: ChangePasswordInput;
}): Promise<ActionResult<null>> {
  const user = await db().user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { email: true, passwordHash: true },
  });
  const attempt = await beginAttempt(throttleKeys(user.email, null));
  if (!attempt) return failure('FORBIDDEN', 'errors.codes.LOCKED');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await endAttempt(attempt, 'failed');
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { currentPassword: ['errors.passwordWrong'] });
  }
  await endAttempt(attempt, 'completed');
  if (isGuessablePassword(input.newPassword, user.email)) {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { newPassword: ['errors.passwordCommon'] });
  }

  const passwordHash = await hashPassword(input.newPassword);
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
    await tx.session.updateMany({
      where: { userId: actor.id, id: { not: sessionId }, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'PASSWORD_CHANGED',
      entityType: 'User',
      entityId: actor.id,
    });
  });
  return success(null);
}
