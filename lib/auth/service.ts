import 'server-only';

import { recordAudit, recordCounted } from '@/lib/audit/record';
import { secondFactorRequired } from '@/lib/auth/mfa/policy';
import { verifyPassword } from '@/lib/auth/password';
import { revokeAllSessions, type Actor } from '@/lib/auth/session-store';
import { beginAttempt, endAttempt, throttleKeys } from '@/lib/auth/throttle';
import { db } from '@/lib/db';
import { env } from '@/lib/env';

export type AuthenticatedUser = { id: string; sessionVersion: number };

/**
 * Checks e-mail and password. Success and failure are audited; a failure never says whether the
 * account exists (the caller shows one generic message, and the unknown account costs the same time).
 */
export async function authenticateWithPassword(
  email: string,
  password: string,
  clientAddress: string | null = null,
): Promise<AuthenticatedUser | null> {
  // Defence in depth: with local accounts switched off the password provider is not even registered.
  if (env().LOCAL_ACCOUNTS === 'disabled') {
    await recordAudit(db(), { action: 'SIGN_IN_FAILED', details: { reason: 'LOCAL_ACCOUNTS_DISABLED' } });
    return null;
  }
  const normalisedEmail = email.trim().toLowerCase();
  const keys = throttleKeys(normalisedEmail, clientAddress);
  const user = await db().user.findUnique({
    where: { email: normalisedEmail },
    select: { id: true, role: true, active: true, passwordHash: true, sessionVersion: true, mfaEnabledAt: true },
  });
  // A locked account or address is refused before the password is looked at, and costs the same time.
  const attempt = await beginAttempt(keys);
  if (!attempt) {
    await verifyPassword(null, password);
    // Tries against a lock can go on for ever: the first of each hour per account is an event, all are counted.
    await recordCounted(db(), `SIGN_IN_LOCKED:${user?.id ?? 'UNKNOWN_ACCOUNT'}`, {
      actorId: user?.id ?? null,
      actorRole: user?.role ?? null,
      action: 'SIGN_IN_FAILED',
      details: { reason: 'LOCKED' },
    });
    return null;
  }
  const passwordOk = await verifyPassword(user?.passwordHash, password);

  if (!user || !passwordOk || !user.active) {
    const lockedNow = await endAttempt(attempt, 'failed');
    // Only the account id (when there is one) is kept: the typed e-mail address could be anyone's.
    const failed = {
      actorId: user?.id ?? null,
      actorRole: user?.role ?? null,
      action: 'SIGN_IN_FAILED',
      details: { reason: !user ? 'UNKNOWN_ACCOUNT' : !passwordOk ? 'WRONG_PASSWORD' : 'DISABLED', lockedNow },
    } as const;
    // Guesses at accounts that do not exist are anyone's to repeat, with a new made-up address every five
    // tries: counted per hour, never one event each (a lock of a made-up address protects nobody either).
    if (!user) await recordCounted(db(), 'SIGN_IN_UNKNOWN_ACCOUNT', failed);
    else await recordAudit(db(), failed);
    return null;
  }
  const secondFactorPending = secondFactorRequired(user.role, {
    enrolled: user.mfaEnabledAt !== null,
    officersRequired: env().MFA_FOR_OFFICERS === 'required',
  });
  // With a second factor still to come, the failure count stays until that is passed too
  // (lib/auth/mfa/service.ts), so a known password does not reset the guesses at the code.
  await endAttempt(attempt, secondFactorPending ? 'passed' : 'completed');

  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await recordAudit(tx, {
      actorId: user.id,
      actorRole: user.role,
      action: 'SIGN_IN_SUCCEEDED',
      details: { secondFactorPending },
    });
  });
  return { id: user.id, sessionVersion: user.sessionVersion };
}

/** "Überall abmelden": every session of the actor ends, this one included; audited in the same transaction. */
export async function signOutEverywhere({ actor }: { actor: Actor }): Promise<void> {
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
}
