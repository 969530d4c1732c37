/**
 * Shared set-up for integration tests of features: the seeded reference data, accounts built with the
 * same factories as the demo seed, and the request context a server action would see (the signed-in
 * session and the translator), so actions run end to end against the real database.
 */
import type { Actor } from '@/lib/auth/guards';
import { ACTOR_SELECT, startSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import type { Role } from '@/lib/generated/prisma/client';
import { instantToBerlinLocal } from '@/lib/time/berlin';
import { ensureUser, seedReferenceData, type UserSpec } from '@/prisma/factories';

import { resetDatabase } from '../helpers/db';
import { currentCookies, currentHeaders, currentSession, SAME_ORIGIN_HEADERS } from './request-context';

export const PASSWORD = 'Richtig-Langes-Passwort-1';

export async function freshWorld(): Promise<void> {
  await resetDatabase();
  await seedReferenceData(db());
  currentSession.value = null;
  currentHeaders.value = { ...SAME_ORIGIN_HEADERS };
  currentCookies.value = {};
}

let counter = 0;
export async function createActor(
  role: Role,
  scope: Partial<Pick<UserSpec, 'stationCode' | 'inspectionCode' | 'partnerCode'>> = {},
): Promise<Actor> {
  counter += 1;
  const { id } = await ensureUser(db(), {
    email: `${role.toLowerCase()}${counter}@test.example`,
    displayName: `${role} ${counter}`,
    role,
    password: PASSWORD,
    ...scope,
  });
  return db().user.findUniqueOrThrow({ where: { id }, select: ACTOR_SELECT });
}

/**
 * Signs the actor in for the next action calls: a real server-side session and the token naming it.
 * By default the session has passed its second factor too; `secondFactorPending` stops after the password.
 */
export async function signInAs(actor: Actor, { secondFactorPending = false } = {}): Promise<void> {
  const { sessionVersion } = await db().user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { sessionVersion: true },
  });
  const { id: sid } = await startSession(actor.id, { secondFactorProved: !secondFactorPending });
  currentSession.value = { uid: actor.id, sv: sessionVersion, sid };
}

export async function municipalityId(name: string): Promise<string> {
  return (await db().municipality.findUniqueOrThrow({ where: { name }, select: { id: true } })).id;
}

export async function partnerId(code: string): Promise<string> {
  return (await db().partner.findUniqueOrThrow({ where: { code }, select: { id: true } })).id;
}

/** A callout an hour ago, as the form would send it. */
export function anHourAgo(): string {
  return instantToBerlinLocal(new Date(Date.now() - 3_600_000));
}

export async function countRows(): Promise<{ referrals: number; declined: number }> {
  const [referrals, declined] = await Promise.all([db().referral.count(), db().declinedOffer.count()]);
  return { referrals, declined };
}
