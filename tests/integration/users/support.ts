/** Helpers for the user-administration tests: an admin signed in, targets to act on, scope values. */
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { scopeValue } from '@/lib/users/schema';

import { currentSession } from '../support/request-context';
import { createActor, signInAs } from '../support/world';

export async function stationScope(code: string): Promise<string> {
  const { id } = await db().station.findUniqueOrThrow({ where: { code }, select: { id: true } });
  return scopeValue({ kind: 'STATION', id });
}

export async function inspectionScope(code: string): Promise<string> {
  const { id } = await db().inspection.findUniqueOrThrow({ where: { code }, select: { id: true } });
  return scopeValue({ kind: 'INSPECTION', id });
}

export async function partnerScope(code: string): Promise<string> {
  const { id } = await db().partner.findUniqueOrThrow({ where: { code }, select: { id: true } });
  return scopeValue({ kind: 'PARTNER', id });
}

/** A user with a session of their own (its claims returned), then the admin signed in for the next calls. */
export async function signedInTarget(admin: Actor, target: Actor) {
  await signInAs(target);
  const claims = currentSession.value!;
  await signInAs(admin);
  return claims;
}

export async function signedInAdmin(): Promise<Actor> {
  const admin = await createActor('ADMIN');
  await signInAs(admin);
  return admin;
}

export async function versionOf(userId: string): Promise<number> {
  return (await db().user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } }))
    .sessionVersion;
}

export async function emailOf(userId: string): Promise<string> {
  return (await db().user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })).email;
}

/** Audit events of one kind about one account, oldest first. */
export function auditAbout(userId: string, action: string) {
  return db().auditEvent.findMany({
    where: { entityType: 'User', entityId: userId, action },
    orderBy: { id: 'asc' },
    select: { actorId: true, actorRole: true, details: true },
  });
}

/** Makes the signed-in session's second factor older than the step-up window. */
export async function makeSecondFactorStale(): Promise<void> {
  await db().session.update({
    where: { id: currentSession.value!.sid },
    data: { mfaVerifiedAt: new Date(Date.now() - 20 * 60_000) },
  });
}
