/**
 * Server-side sessions (one row each, named by the next-auth token): start, validate, renew after the second
 * factor, revoke one or all. Callable from services and tests; nothing here reads cookies or headers.
 */
import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { secondFactorRequired } from '@/lib/auth/mfa/policy';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import type { Role } from '@/lib/generated/prisma/client';

/** The columns an actor is made of; also used by tests that act as a given user. */
export const ACTOR_SELECT = {
  id: true,
  role: true,
  displayName: true,
  stationId: true,
  inspectionId: true,
  partnerId: true,
} as const;

/** lastSeenAt is written at most this often: one small UPDATE a minute per active user. */
const TOUCH_INTERVAL_MS = 60_000;

export function sessionLimits() {
  const { SESSION_MAX_AGE_HOURS, SESSION_IDLE_MINUTES } = env();
  return { maxAgeMs: SESSION_MAX_AGE_HOURS * 3_600_000, idleMs: SESSION_IDLE_MINUTES * 60_000 };
}

/**
 * A new server-side session for a user who just proved who they are. `secondFactorProved`: the identity
 * provider already asked for a second factor (OIDC), at `provedAt` (its `auth_time`) if it says when;
 * after a password it is still to come. A provider login from long ago counts for signing in, but not as
 * a fresh second factor for step-up.
 */
export async function startSession(
  userId: string,
  { secondFactorProved = false, provedAt }: { secondFactorProved?: boolean; provedAt?: Date } = {},
): Promise<{ id: string }> {
  const now = new Date();
  const secondFactorAt = provedAt && provedAt < now ? provedAt : now;
  return db().session.create({
    data: {
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionLimits().maxAgeMs),
      mfaVerifiedAt: secondFactorProved ? secondFactorAt : null,
    },
    select: { id: true },
  });
}

/** Who is acting, as read from the database for this request. Services take this, never cookies. */
export type Actor = {
  id: string;
  role: Role;
  displayName: string;
  stationId: string | null;
  inspectionId: string | null;
  partnerId: string | null;
};

/**
 * DONE: the session may act. ENROL / VERIFY: the password was right but the second factor is still to be
 * set up / entered; such a session reaches nothing but that step (lib/auth/guards.ts).
 */
export type SecondFactorState = 'DONE' | 'ENROL' | 'VERIFY';

export type ValidSession = {
  sessionId: string;
  user: Actor;
  /** The user's session version this session was issued under (every token carries it). */
  sessionVersion: number;
  secondFactor: SecondFactorState;
  /** When the second factor was last proved in this session, for step-up; null if never. */
  secondFactorAt: Date | null;
  /** Whether the account has a TOTP app enrolled (OIDC accounts may not). */
  totpEnrolled: boolean;
};

/**
 * The session named by a token, if it may still act: not revoked, within its absolute lifetime and idle
 * timeout, the account active and its session version unchanged (ASVS 7.3.1, 7.3.2, 7.4.1, 8.3.2).
 * Refreshes the idle clock.
 */
export async function validateSession(
  claims: { sid: string; uid: string; sv: number },
  now = new Date(),
): Promise<ValidSession | null> {
  const session = await db().session.findUnique({
    where: { id: claims.sid },
    select: {
      id: true,
      userId: true,
      expiresAt: true,
      lastSeenAt: true,
      revokedAt: true,
      mfaVerifiedAt: true,
      user: { select: { ...ACTOR_SELECT, active: true, sessionVersion: true, mfaEnabledAt: true } },
    },
  });
  if (!session || session.userId !== claims.uid || session.revokedAt) return null;
  if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() > sessionLimits().idleMs) return null;
  const { active, sessionVersion, mfaEnabledAt, ...user } = session.user;
  if (!active || sessionVersion !== claims.sv) return null;

  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db().session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  const required = secondFactorRequired(user.role, {
    enrolled: mfaEnabledAt !== null,
    officersRequired: env().MFA_FOR_OFFICERS === 'required',
  });
  const secondFactor: SecondFactorState =
    !required || session.mfaVerifiedAt ? 'DONE' : mfaEnabledAt ? 'VERIFY' : 'ENROL';
  return {
    sessionId: session.id,
    user,
    sessionVersion,
    secondFactor,
    secondFactorAt: session.mfaVerifiedAt,
    totpEnrolled: mfaEnabledAt !== null,
  };
}

/**
 * Replaces a session by a new one with a new id once the second factor is passed (ASVS 7.2.4): whoever
 * holds the token issued after the password alone (a planted cookie) gets nothing. The absolute lifetime
 * runs on from the original sign-in. Returns the claims of the token for the new session, or null when the
 * session was revoked or the user's sessions were ended (sign-out everywhere, second-factor reset, role
 * change) since the request began: renewing must never undo that. The user row is locked against such a
 * change until commit, so the check and the renewal are one step.
 */
export async function renewSession(
  tx: Tx,
  session: Pick<ValidSession, 'sessionId' | 'sessionVersion'> & { user: Pick<Actor, 'id'> },
  secondFactorAt: Date,
): Promise<{ uid: string; sv: number; sid: string } | null> {
  const userId = session.user.id;
  const [user] = await tx.$queryRaw<{ sessionVersion: number; active: boolean }[]>`
    SELECT "sessionVersion", active FROM "User" WHERE id = ${userId}::uuid FOR SHARE`;
  if (!user?.active || user.sessionVersion !== session.sessionVersion) return null;
  const revoked = await tx.session.updateMany({
    where: { id: session.sessionId, userId, revokedAt: null },
    data: { revokedAt: secondFactorAt },
  });
  if (revoked.count === 0) return null;
  const old = await tx.session.findUniqueOrThrow({
    where: { id: session.sessionId },
    select: { createdAt: true, expiresAt: true },
  });
  const { id } = await tx.session.create({
    data: {
      userId,
      createdAt: old.createdAt,
      expiresAt: old.expiresAt,
      lastSeenAt: secondFactorAt,
      mfaVerifiedAt: secondFactorAt,
    },
    select: { id: true },
  });
  return { uid: userId, sv: session.sessionVersion, sid: id };
}

/** Ends one session (sign-out). Idempotent. */
export async function revokeSession(sessionId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const revoked = await tx.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) return;
    const { userId } = await tx.session.findUniqueOrThrow({ where: { id: sessionId }, select: { userId: true } });
    await recordAudit(tx, { actorId: userId, action: 'SIGNED_OUT', entityType: 'Session', entityId: sessionId });
  });
}

/**
 * Ends every session of a user at once (sign-out everywhere, disabled account, role change): bumps the
 * session version, which every token carries, and marks the rows revoked. The caller audits the reason.
 */
export async function revokeAllSessions(tx: Tx, userId: string): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}
