import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/session';
import { db } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import type { ConsentedReferralInput, DeclinedOfferInput, ReferralSubmission } from '@/lib/referrals/schema';
import { decideRoute } from '@/lib/routing/decide';
import { loadRulesForMunicipality } from '@/lib/routing/queries';
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

async function findOwnReferralOutcome(actor: Actor, idempotencyKey: string): Promise<SubmissionOutcome | null> {
  const existing = await db().referral.findUnique({
    where: { createdById_idempotencyKey: { createdById: actor.id, idempotencyKey } },
    select: { id: true, partner: { select: { name: true } } },
  });
  return existing ? { kind: 'REFERRAL', referralId: existing.id, partnerName: existing.partner.name } : null;
}

async function createReferral({
  actor,
  input,
}: {
  actor: StationActor;
  input: ConsentedReferralInput;
}): Promise<ActionResult<SubmissionOutcome>> {
  // A retry of a submission that already arrived (double tap, lost response) returns the first result.
  const repeated = await findOwnReferralOutcome(actor, input.idempotencyKey);
  if (repeated) return success(repeated);

  const incidentAt = incidentInstant(input.incidentAt);
  const municipality = await db().municipality.findUnique({
    where: { id: input.municipalityId },
    select: { id: true },
  });
  if (!municipality) {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { municipalityId: ['errors.municipalityRequired'] });
  }

  try {
    const outcome = await db().$transaction(async (tx) => {
      // Routing is decided inside the transaction, with the municipality's rules locked against change
      // until commit: a change of responsibility saved at the same moment cannot route past the rules.
      await tx.$executeRaw`SELECT 1 FROM "RoutingRule" WHERE "municipalityId" = ${municipality.id}::uuid AND track = 'VICTIM' FOR SHARE`;
      const rules = await loadRulesForMunicipality(tx, {
        municipalityId: municipality.id,
        track: 'VICTIM',
        at: incidentAt,
      });
      const decision = decideRoute(rules, {
        track: 'VICTIM',
        gender: input.gender,
        municipalityId: municipality.id,
        at: incidentAt,
        preferredPartnerId: input.preferredPartnerId,
      });
      if (!decision.ok) return { ok: false as const, error: decision.error };
      const now = new Date();
      const created = await tx.referral.create({
        data: {
          caseNumber: input.caseNumber,
          incidentAt,
          municipalityId: municipality.id,
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
        select: { id: true, partner: { select: { name: true } } },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'REFERRAL_CREATED',
        entityType: 'Referral',
        entityId: created.id,
        details: { routingReason: decision.reason, ruleVersion: decision.ruleVersion },
      });
      return { ok: true as const, referral: created };
    });
    if (!outcome.ok) {
      const field = outcome.error.startsWith('PREFERENCE') ? 'preferredPartnerId' : 'municipalityId';
      return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { [field]: [`errors.routing.${outcome.error}`] });
    }
    const { referral } = outcome;
    return success({ kind: 'REFERRAL', referralId: referral.id, partnerName: referral.partner.name });
  } catch (error) {
    // Two identical submissions raced: the other one won, and its result is ours.
    if (isUniqueViolation(error)) {
      const winner = await findOwnReferralOutcome(actor, input.idempotencyKey);
      if (winner) return success(winner);
    }
    throw error;
  }
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
