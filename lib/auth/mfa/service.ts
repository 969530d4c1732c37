import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { openTotpSecret, sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { generateRecoveryCodes, normaliseRecoveryCode } from '@/lib/auth/mfa/recovery-codes';
import { generateTotpSecret, matchingTimeStep, totpUri } from '@/lib/auth/mfa/totp';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { renewSession, type ValidSession } from '@/lib/auth/session-store';
import { beginAttempt, endAttempt, throttleKeys } from '@/lib/auth/throttle';
import { db, type Tx } from '@/lib/db';
import { failure, success, type ActionResult } from '@/lib/result';

/**
 * The second factor (RFC 6238 TOTP plus recovery codes). Failed codes count against the same per-account
 * lock as wrong passwords (lib/auth/throttle.ts), and that count is only cleared once the second factor
 * has been passed, so a known password does not buy unlimited guesses.
 */

/**
 * The secret this session is about to enrol: created on first call and kept (sealed) on the session row
 * until the first code confirms it, so that reloading the page shows the same QR code, while another
 * session of the same account (someone else who knows the password) gets a different one. Null once a
 * factor is enrolled.
 */
export async function pendingEnrolment(session: {
  sessionId: string;
  user: { id: string };
}): Promise<{ secret: string; uri: string } | null> {
  const [user, row] = await Promise.all([
    db().user.findUniqueOrThrow({ where: { id: session.user.id }, select: { email: true, mfaEnabledAt: true } }),
    db().session.findUniqueOrThrow({ where: { id: session.sessionId }, select: { pendingMfaSecret: true } }),
  ]);
  if (user.mfaEnabledAt) return null;
  let secret = row.pendingMfaSecret ? openTotpSecret(session.user.id, row.pendingMfaSecret) : null;
  if (!secret) {
    secret = generateTotpSecret();
    await db().session.update({
      where: { id: session.sessionId },
      data: { pendingMfaSecret: sealTotpSecret(session.user.id, secret) },
    });
  }
  return { secret, uri: totpUri(secret, user.email) };
}

type Attempt = { session: ValidSession; code: string; clientAddress: string | null };

/** The token claims of the session that replaces the half signed-in one (the caller sets the cookie). */
export type RenewedSession = { uid: string; sv: number; sid: string };

/**
 * The first code from the app: the factor is enrolled and ten recovery codes are issued (shown once).
 * The session goes on under its id: a new cookie here would make Next.js render the page again, which
 * sends a complete session on and would lose the codes before the person saved them.
 */
export async function confirmEnrolment({ session, code, clientAddress }: Attempt): Promise<ActionResult<string[]>> {
  const checked = await checkTotp({ session, code, clientAddress }, 'enrol');
  if (!checked.ok) return checked;
  const recoveryCodes = generateRecoveryCodes();
  const hashes = await Promise.all(recoveryCodes.map((c) => hashPassword(normaliseRecoveryCode(c)!)));
  const { user } = session;
  const now = new Date();
  const enrolled = await db().$transaction(async (tx) => {
    const { pendingMfaSecret } = await tx.session.findUniqueOrThrow({
      where: { id: session.sessionId },
      select: { pendingMfaSecret: true },
    });
    // Sealed again under the current key: the pending value may date from before a key rotation.
    const secret = pendingMfaSecret ? openTotpSecret(user.id, pendingMfaSecret) : null;
    if (!secret) return false;
    // Only if no other session enrolled a factor meanwhile (its recovery codes would be overwritten).
    const claimed = await tx.user.updateMany({
      where: { id: user.id, mfaEnabledAt: null },
      data: { mfaEnabledAt: now, mfaSecret: sealTotpSecret(user.id, secret) },
    });
    if (claimed.count === 0) return false;
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId: user.id, codeHash })) });
    await tx.session.update({
      where: { id: session.sessionId },
      data: { mfaVerifiedAt: now, pendingMfaSecret: null },
    });
    await recordAudit(tx, {
      actorId: user.id,
      actorRole: user.role,
      action: 'SECOND_FACTOR_ENROLLED',
      entityType: 'User',
      entityId: user.id,
    });
    return true;
  });
  return enrolled ? success(recoveryCodes) : failure('INVALID_STATE', 'errors.secondFactor.notEnrolled');
}

/**
 * The sign-in step after the password (TOTP or recovery code): the session is renewed as a complete one;
 * and step-up before sensitive actions: the session's second-factor time is refreshed.
 */
export async function verifySecondFactor(
  attempt: Attempt,
  purpose: 'sign-in' | 'step-up',
): Promise<ActionResult<RenewedSession | null>> {
  const { session } = attempt;
  const isRecoveryCode = purpose === 'sign-in' && normaliseRecoveryCode(attempt.code) !== null;
  const checked = isRecoveryCode ? await checkRecoveryCode(attempt) : await checkTotp(attempt, purpose);
  if (!checked.ok) return checked;
  return db().$transaction(async (tx) => {
    const now = new Date();
    let renewed: RenewedSession | null = null;
    if (purpose === 'sign-in') {
      renewed = await renewSession(tx, session, now);
      // Signed out meanwhile (this session, or all of the person's sessions): the code opens nothing.
      if (!renewed) return failure('UNAUTHENTICATED', 'errors.codes.UNAUTHENTICATED');
    } else {
      await tx.session.update({ where: { id: session.sessionId }, data: { mfaVerifiedAt: now } });
    }
    await recordAudit(tx, {
      actorId: session.user.id,
      actorRole: session.user.role,
      action: purpose === 'step-up' ? 'SECOND_FACTOR_STEP_UP' : 'SECOND_FACTOR_VERIFIED',
      details: { method: isRecoveryCode ? 'RECOVERY_CODE' : 'TOTP', ...checked.data },
    });
    return success(renewed);
  });
}

/** Admin reset: the account enrols anew at its next sign-in; its sessions end. The caller audits. */
export async function resetSecondFactor(tx: Tx, userId: string): Promise<void> {
  await tx.user.update({
    where: { id: userId },
    data: { mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, sessionVersion: { increment: 1 } },
  });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}

type CheckResult = ActionResult<Record<string, number>>;

async function throttled(attempt: Attempt, check: () => Promise<CheckResult>): Promise<CheckResult> {
  const { user } = attempt.session;
  const { email } = await db().user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true } });
  const counted = await beginAttempt(throttleKeys(email, attempt.clientAddress));
  if (!counted) {
    await auditFailure(attempt, 'LOCKED');
    return failure('INVALID_STATE', 'errors.secondFactor.locked');
  }
  const result = await check();
  // A replayed code or a missing factor is no guess at the code: it is refused but not counted.
  if (result.ok || result.code === 'CONFLICT' || result.code === 'INVALID_STATE') {
    await endAttempt(counted, result.ok ? 'completed' : 'passed');
    if (!result.ok) await auditFailure(attempt, result.code === 'CONFLICT' ? 'REPLAYED' : 'NOT_ENROLLED');
    return result;
  }
  const lockedNow = await endAttempt(counted, 'failed');
  await auditFailure(attempt, 'WRONG_CODE', lockedNow);
  return lockedNow ? failure('INVALID_STATE', 'errors.secondFactor.locked') : result;
}

function auditFailure({ session }: Attempt, reason: string, lockedNow = false): Promise<void> {
  return recordAudit(db(), {
    actorId: session.user.id,
    actorRole: session.user.role,
    action: 'SECOND_FACTOR_FAILED',
    details: { reason, lockedNow },
  });
}

const wrongCode = () => failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { code: ['errors.secondFactor.wrong'] });

function checkTotp(attempt: Attempt, purpose: 'enrol' | 'sign-in' | 'step-up'): Promise<CheckResult> {
  return throttled(attempt, async () => {
    const userId = attempt.session.user.id;
    const [user, row] = await Promise.all([
      db().user.findUniqueOrThrow({ where: { id: userId }, select: { mfaSecret: true, mfaEnabledAt: true } }),
      db().session.findUniqueOrThrow({ where: { id: attempt.session.sessionId }, select: { pendingMfaSecret: true } }),
    ]);
    // Enrolment confirms this session's pending secret; sign-in and step-up need the enrolled one.
    const sealed = purpose === 'enrol' ? row.pendingMfaSecret : user.mfaSecret;
    if ((purpose === 'enrol') !== (user.mfaEnabledAt === null) || !sealed) {
      return failure('INVALID_STATE', 'errors.secondFactor.notEnrolled');
    }
    const secret = openTotpSecret(userId, sealed);
    const step = secret ? matchingTimeStep(secret, attempt.code.replace(/\s/g, '')) : null;
    if (step === null) return wrongCode();
    // Compare-and-set: of two requests with the same code, exactly one wins (ASVS 6.5.1).
    const accepted = await db().user.updateMany({
      where: { id: userId, OR: [{ mfaLastStep: null }, { mfaLastStep: { lt: step } }] },
      data: { mfaLastStep: step },
    });
    if (accepted.count === 0) {
      return failure('CONFLICT', 'errors.codes.INVALID_INPUT', { code: ['errors.secondFactor.reused'] });
    }
    return success({});
  });
}

function checkRecoveryCode(attempt: Attempt): Promise<CheckResult> {
  return throttled(attempt, async () => {
    const typed = normaliseRecoveryCode(attempt.code)!;
    const unused = await db().recoveryCode.findMany({
      where: { userId: attempt.session.user.id, usedAt: null },
      select: { id: true, codeHash: true },
    });
    for (const candidate of unused) {
      if (!(await verifyPassword(candidate.codeHash, typed))) continue;
      const used = await db().recoveryCode.updateMany({
        where: { id: candidate.id, usedAt: null },
        data: { usedAt: new Date() },
      });
      if (used.count === 1) return success({ remainingRecoveryCodes: unused.length - 1 });
    }
    return wrongCode();
  });
}
