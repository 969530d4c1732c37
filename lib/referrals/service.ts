import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db, type Db, type Tx } from '@/lib/db';
import type { ConsentedReferralInput, DeclinedOfferInput, ReferralSubmission } from '@/lib/referrals/schema';
import { decideRoute, preferenceOptions, type RoutingDecision } from '@/lib/routing/decide';
import { lockRulesForRouting, type LockedRule } from '@/lib/routing/queries';
import type { OverrideReasonValue } from '@/lib/routing/values';
import { claimSubmissionKey, submissionFingerprint } from '@/lib/referrals/submission-key';
import { failure, success, type ActionResult } from '@/lib/result';
import { berlinDateOf, berlinLocalToInstant } from '@/lib/time/berlin';

export type SubmissionOutcome = { kind: 'REFERRAL'; referralId: string; partnerName: string } | { kind: 'DECLINED' };

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
type RoutingError =
  | Extract<RoutingDecision, { ok: false }>['error']
  | 'OVERRIDE_NOT_A_GAP'
  | 'OVERRIDE_SAME_AS_RULE'
  | 'OVERRIDE_PARTNER_UNAVAILABLE';

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

type Created =
  { ok: true; referralId: string; partnerName: string } | { ok: false; error: RoutingError | 'KEY_REUSED' };

/** The answer to a form whose idempotency key was already used for other data (see submission-key.ts). */
const keyReused = () => failure('CONFLICT', 'errors.codes.SUBMISSION_KEY_REUSED');

/**
 * One transaction of four statements (claim the idempotency key, lock and read the rules, insert, audit):
 * this runs for every submission, so nothing is read that the officer's answer does not need (bench submit).
 */
async function createReferral({
  actor,
  input,
}: {
  actor: StationActor;
  input: ConsentedReferralInput;
}): Promise<ActionResult<SubmissionOutcome>> {
  const incidentAt = incidentInstant(input.incidentAt);
  const fingerprint = submissionFingerprint(input);
  const created: Created = await db()
    .$transaction(async (tx): Promise<Created> => {
      const claim = await claimSubmissionKey(tx, input.idempotencyKey, 'REFERRAL', fingerprint);
      if (claim === 'CONFLICT') return { ok: false, error: 'KEY_REUSED' };
      if (claim === 'REPEAT') {
        // The same form arrived before: its result is ours (the key is random, so the referral is this officer's).
        const first = await findOwnReferralOutcome(tx, actor, input.idempotencyKey);
        return first ? { ok: true, ...first } : { ok: false, error: 'KEY_REUSED' };
      }
      const rules = await lockRulesForRouting(tx, {
        municipalityId: input.municipalityId,
        track: 'VICTIM',
        at: incidentAt,
      });
      const decision = decideRoute(rules, {
        track: 'VICTIM',
        gender: input.gender,
        municipalityId: input.municipalityId,
        at: incidentAt,
        preferredPartnerId: input.preferredPartnerId,
      });
      // Rolls back the claim too: the officer may correct the form and send it again with the same key.
      const route = await chooseRoute(tx, decision, rules, input, incidentAt);
      if (!route.ok) throw new RoutingRefused(route.error);
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
          partnerId: route.partnerId,
          routingRuleId: route.ruleId,
          routingRuleVersion: route.ruleVersion,
          routingReason: route.reason,
          overrideReason: route.overrideReason,
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
        details: {
          routingReason: route.reason,
          ...(route.overrideReason ? { overrideReason: route.overrideReason } : { ruleVersion: route.ruleVersion }),
        },
      });
      return { ok: true, referralId: inserted.id, partnerName: route.partnerName };
    })
    .catch((error: unknown) => {
      if (error instanceof RoutingRefused) return { ok: false as const, error: error.reason };
      throw error;
    });

  if (!created.ok) {
    if (created.error === 'KEY_REUSED') return keyReused();
    const field = created.error.startsWith('PREFERENCE')
      ? 'preferredPartnerId'
      : created.error.startsWith('OVERRIDE')
        ? 'overridePartnerId'
        : 'municipalityId';
    // No rule at all for an id that names no municipality: the form sent something that does not exist.
    const message =
      created.error === 'NO_PARTNER' && !(await municipalityExists(input.municipalityId))
        ? 'errors.municipalityRequired'
        : `errors.routing.${created.error}`;
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { [field]: [message] });
  }
  return success({ kind: 'REFERRAL', referralId: created.referralId, partnerName: created.partnerName });
}

type Route = {
  partnerId: string;
  partnerName: string;
  ruleId: string | null;
  ruleVersion: number | null;
  reason: 'RULE' | 'PERSON_PREFERENCE' | 'OVERRIDE';
  overrideReason: OverrideReasonValue | null;
};

/**
 * The rule's decision, or the officer's override (DESIGN.md section 5): another partner of the track, active
 * from the incident time until now (read FOR SHARE, so that a deactivation saved at the same moment waits),
 * with a reason. An override is stored as such, without a rule. "No partner responsible" is a reason only
 * where the rules really leave a gap (for a person who did not state a gender: no service to choose from),
 * and an override to a partner the rules offer anyway is refused, so that supervisors and admins never see
 * an override or a gap that was none.
 */
async function chooseRoute(
  tx: Tx,
  decision: RoutingDecision,
  rules: readonly LockedRule[],
  input: ConsentedReferralInput,
  incidentAt: Date,
): Promise<({ ok: true } & Route) | { ok: false; error: RoutingError }> {
  const { overridePartnerId, overrideReason } = input;
  if (!overridePartnerId || !overrideReason) {
    if (!decision.ok) return decision;
    const partnerName = rules.find((rule) => rule.id === decision.ruleId)!.partnerName;
    return { ...decision, partnerName, overrideReason: null };
  }
  const responsible =
    input.gender === 'NOT_STATED'
      ? preferenceOptions(rules, { track: 'VICTIM', municipalityId: input.municipalityId, at: incidentAt })
      : decision.ok
        ? [decision.partnerId]
        : [];
  const gap =
    input.gender === 'NOT_STATED' ? responsible.length === 0 : !decision.ok && decision.error === 'NO_PARTNER';
  if (overrideReason === 'NO_RESPONSIBLE_PARTNER' && !gap) return { ok: false, error: 'OVERRIDE_NOT_A_GAP' };
  if (responsible.includes(overridePartnerId)) return { ok: false, error: 'OVERRIDE_SAME_AS_RULE' };
  const [partner] = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT id, name FROM "Partner"
     WHERE id = ${overridePartnerId}::uuid AND 'VICTIM' = ANY(tracks)
       AND (${input.gender} = 'NOT_STATED' OR ${input.gender}::"Gender" = ANY(genders))
       AND "activeFrom" <= ${incidentAt} AND ("activeTo" IS NULL OR "activeTo" > now())
       FOR SHARE`;
  if (!partner) return { ok: false, error: 'OVERRIDE_PARTNER_UNAVAILABLE' };
  return {
    ok: true,
    partnerId: partner.id,
    partnerName: partner.name,
    ruleId: null,
    ruleVersion: null,
    reason: 'OVERRIDE',
    overrideReason,
  };
}

/** Ends the submit transaction when no partner can be chosen, so that the key's claim is undone too. */
class RoutingRefused extends Error {
  constructor(readonly reason: RoutingError) {
    super(reason);
  }
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
  const fingerprint = submissionFingerprint(input);
  const claim = await db().$transaction(async (tx) => {
    const claimed = await claimSubmissionKey(tx, input.idempotencyKey, 'DECLINED', fingerprint);
    if (claimed !== 'NEW') return claimed;
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
    return claimed;
  });
  if (claim === 'CONFLICT') return keyReused();
  return success({ kind: 'DECLINED' });
}
