import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/session';
import { db, type Db, type Tx } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import type { ConsentedReferralInput, DeclinedOfferInput, ReferralSubmission } from '@/lib/referrals/schema';
import { decideRoute, type RoutingDecision } from '@/lib/routing/decide';
import { lockRulesForRouting } from '@/lib/routing/queries';
import { failure, success, type ActionResult } from '@/lib/result';
import { berlinDateOf, berlinLocalToInstant } from '@/lib/time/berlin';

export type SubmissionOutcome = { kind: 'REFERRAL'; referralId: string; partnerName: string } | { kind: 'DECLINED' };

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function incidentInstant(local: string): Date {
  const result = berlinLocalToInstant(local);
  // The schema has already rejected what cannot be converted; reaching this is a programming error.
  if (!result.ok) throw new Error('incidentAt was not validated');
  return result.instant;
}

/**
 * Files what the officer submitted: a referral (consent given) or the anonymous "offer declined" fact.
 * The caller has authorised `referral:create` and validated the input with the shared schema.
 */
export async function submitReferral({
  actor,
  input,
}: {
  actor: Actor;
  input: ReferralSubmission;
}): Promise<ActionResult<SubmissionOutcome>> {
  if (!actor.stationId) return failure('FORBIDDEN', 'errors.codes.NO_STATION');
  return input.consent === 'yes'
    ? createReferral({ actor: { ...actor, stationId: actor.stationId }, input })
    : recordDeclinedOffer({ actor: { ...actor, stationId: actor.stationId }, input });
}

type StationActor = Actor & { stationId: string };
type RoutingError = Extract<RoutingDecision, { ok: false }>['error'];

/** The referral this officer already filed with this idempotency key, if any. */
async function findOwnReferralOutcome(
  client: Db | Tx,
  actor: Actor,
  idempotencyKey: string,
): Promise<{ referralId: string; partnerName: string } | null> {
  const existing = await client.referral.findUnique({
    where: { createdById_idempotencyKey: { createdById: actor.id, idempotencyKey } },
    select: { id: true, partner: { select: { name: true } } },
  });
  return existing ? { referralId: existing.id, partnerName: existing.partner.name } : null;
}

type Created = { ok: true; referralId: string; partnerName: string } | { ok: false; error: RoutingError };

/**
 * One transaction of four statements (lock and read the rules, look for a retry, insert, audit): this
 * runs for every submission, so nothing is read that the officer's answer does not need (bench submit).
 */
async function createReferral({
  actor,
  input,
}: {
  actor: StationActor;
  input: ConsentedReferralInput;
}): Promise<ActionResult<SubmissionOutcome>> {
  const incidentAt = incidentInstant(input.incidentAt);
  let created: Created;
  try {
    created = await db().$transaction(async (tx) => {
      // A retry of a submission that already arrived (double tap, lost response) returns the first result. Two
      // retries racing each other both get past this; the unique key (officer, idempotency key) lets one insert
      // win and the other fail, and the loser then finds the winner (below).
      const first = await findOwnReferralOutcome(tx, actor, input.idempotencyKey);
      if (first) return { ok: true, ...first };
      const rules = await lockRulesForRouting(tx, { municipalityId: input.municipalityId, track: 'VICTIM' });
      const decision = decideRoute(rules, {
        track: 'VICTIM',
        gender: input.gender,
        municipalityId: input.municipalityId,
        at: incidentAt,
        preferredPartnerId: input.preferredPartnerId,
      });
      if (!decision.ok) return { ok: false, error: decision.error };
      const now = new Date();
      const inserted = await tx.referral.create({
        data: {
          caseNumber: input.caseNumber,
          incidentAt,
          municipalityId: input.municipalityId,
          stationId: actor.stationId,
          createdById: actor.id,
          firstName: input.firstName,
          lastName: input.lastName,
          phone: input.phone,
          gender: input.gender,
          track: 'VICTIM',
          partnerId: decision.partnerId,
          routingRuleId: decision.ruleId,
          routingRuleVersion: decision.ruleVersion,
          routingReason: decision.reason,
          consentGivenAt: now,
          idempotencyKey: input.idempotencyKey,
          submittedAt: now,
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'REFERRAL_CREATED',
        entityType: 'Referral',
        entityId: inserted.id,
        details: { routingReason: decision.reason, ruleVersion: decision.ruleVersion },
      });
      const partnerName = rules.find((rule) => rule.id === decision.ruleId)!.partnerName;
      return { ok: true, referralId: inserted.id, partnerName };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another submission with this key committed first: its result is ours.
    const first = await findOwnReferralOutcome(db(), actor, input.idempotencyKey);
    if (!first) throw error;
    return success({ kind: 'REFERRAL', ...first });
  }
  if (!created.ok) {
    const field = created.error.startsWith('PREFERENCE') ? 'preferredPartnerId' : 'municipalityId';
    // No rule at all for an id that names no municipality: the form sent something that does not exist.
    const message =
      created.error === 'NO_PARTNER' && !(await municipalityExists(input.municipalityId))
        ? 'errors.municipalityRequired'
        : `errors.routing.${created.error}`;
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { [field]: [message] });
  }
  return success({ kind: 'REFERRAL', referralId: created.referralId, partnerName: created.partnerName });
}

async function municipalityExists(id: string): Promise<boolean> {
  return (await db().municipality.count({ where: { id } })) > 0;
}

async function recordDeclinedOffer({
  actor,
  input,
}: {
  actor: StationActor;
  input: DeclinedOfferInput;
}): Promise<ActionResult<SubmissionOutcome>> {
  const municipality = await db().municipality.findUnique({
    where: { id: input.municipalityId },
    select: { id: true },
  });
  if (!municipality) {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { municipalityId: ['errors.municipalityRequired'] });
  }
  const incidentDate = new Date(`${berlinDateOf(incidentInstant(input.incidentAt))}T00:00:00Z`);
  try {
    await db().$transaction(async (tx) => {
      await tx.declinedOffer.create({
        data: {
          incidentDate,
          municipalityId: municipality.id,
          gender: input.gender,
          stationId: actor.stationId,
          idempotencyKey: input.idempotencyKey,
        },
        select: { id: true },
      });
      // Who recorded a refusal is audited, but not which record: that would re-link the anonymous fact.
      await recordAudit(tx, { actorId: actor.id, actorRole: actor.role, action: 'DECLINED_OFFER_RECORDED' });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return success({ kind: 'DECLINED' });
}
