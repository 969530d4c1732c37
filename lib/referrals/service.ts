import 'server-only';

import { recordAudit, recordDenial } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { newDataKey, unwrapDataKey, type DataKey } from '@/lib/crypto/envelope';
import { db, type Db, type Tx } from '@/lib/db';
import type { Track } from '@/lib/generated/prisma/enums';
import {
  type DeclinedOfferInput,
  type LawfulBasisDraft,
  type ReferralDraft,
  type ReferralSubmission,
  type TrackDraft,
  type VictimPerson,
} from '@/lib/referrals/schema';
import { approvalDue, recordStep, transition } from '@/lib/referrals/lifecycle';
import { caseNumberIndex, openReferral, sealDetails, sealPerson } from '@/lib/referrals/sealed';
import {
  contentOf,
  STORED_REFERRAL_SELECT,
  storedDraft,
  changedParts,
  type StoredReferral,
} from '@/lib/referrals/stored';
import { claimSubmissionKey, submissionFingerprint } from '@/lib/referrals/submission-key';
import { decideRoute, preferenceOptions, type RoutingDecision } from '@/lib/routing/decide';
import { lockRulesForRouting, type LockedRule } from '@/lib/routing/queries';
import type { OverrideReasonValue } from '@/lib/routing/values';
import { failure, success, type ActionResult } from '@/lib/result';
import { berlinDateOf, instantOf } from '@/lib/time/berlin';
import { uuid7 } from '@/lib/uuid7';

/** Where each track of a filed referral went, for the officer's confirmation. */
export type TrackOutcome = { track: Track; partnerName: string };
/** `approved`: the station sends directly, so the system approved it at once (no review). */
export type SubmissionOutcome =
  { kind: 'REFERRAL'; referralId: string; tracks: TrackOutcome[]; approved?: true } | { kind: 'DECLINED' };

function instant(local: string, fold: 'earlier' | 'later' | undefined): Date {
  // The schema has already rejected what cannot be converted; reaching this is a programming error.
  const result = instantOf(local, fold);
  if (!result) throw new Error('a time was not validated');
  return result;
}

/**
 * Files what the officer submitted: a referral (consent given, or a statutory basis) or the anonymous
 * "offer declined" fact. The caller has authorised `referral:create` and validated the input with the shared
 * schema.
 */
export async function submitReferral({
  actor,
  input,
}: {
  actor: Actor;
  input: ReferralSubmission;
}): Promise<ActionResult<SubmissionOutcome>> {
  if (!actor.stationId) return failure('FORBIDDEN', 'errors.codes.NO_STATION');
  const stationActor = { ...actor, stationId: actor.stationId };
  return input.consent === 'yes'
    ? createReferral({ actor: stationActor, input })
    : recordDeclinedOffer({ actor: stationActor, input });
}

type StationActor = Actor & { stationId: string };
type RoutingError =
  | Extract<RoutingDecision, { ok: false }>['error']
  | 'OVERRIDE_NOT_A_GAP'
  | 'OVERRIDE_SAME_AS_RULE'
  | 'OVERRIDE_PARTNER_UNAVAILABLE';

/** Where this officer's referral with this idempotency key went, if it exists. */
async function findOwnReferralOutcome(
  client: Db | Tx,
  actor: Actor,
  idempotencyKey: string,
): Promise<{ referralId: string; tracks: TrackOutcome[] } | null> {
  const existing = await client.referral.findUnique({
    where: { createdById_idempotencyKey: { createdById: actor.id, idempotencyKey } },
    select: { id: true, tracks: { select: { track: true, partner: { select: { name: true } } } } },
  });
  return existing ? { referralId: existing.id, tracks: outcomeTracks(existing.tracks) } : null;
}

/** Where each track went, the victim's first. */
function outcomeTracks(tracks: { track: Track; partner: { name: string } }[]): TrackOutcome[] {
  return tracks
    .map((t) => ({ track: t.track, partnerName: t.partner.name }))
    .sort((a, b) => (a.track === 'VICTIM' ? -1 : b.track === 'VICTIM' ? 1 : 0));
}

type Created =
  | { ok: true; referralId: string; tracks: TrackOutcome[]; approved?: true }
  | { ok: false; error: 'KEY_REUSED' }
  | Refused;

/** The answer to a form whose idempotency key was already used for other data (see submission-key.ts). */
const keyReused = () => failure('CONFLICT', 'errors.codes.SUBMISSION_KEY_REUSED');

/** The fields a routing problem of a track belongs to, in the form. */
const ROUTING_FIELDS: Record<Track, { preference: string; override: string; place: string }> = {
  VICTIM: { preference: 'preferredPartnerId', override: 'overridePartnerId', place: 'municipalityId' },
  PERPETRATOR: {
    preference: 'perpetratorPreferredPartnerId',
    override: 'perpetratorOverridePartnerId',
    place: 'municipalityId',
  },
};

/**
 * One transaction: claim the idempotency key, route each track (locking the rules that decide it), insert
 * the referral with its sealed sections and its tracks, audit. This runs for every submission, so nothing
 * is read that the officer's answer does not need (bench submit).
 */
async function createReferral({
  actor,
  input,
}: {
  actor: StationActor;
  input: ReferralDraft;
}): Promise<ActionResult<SubmissionOutcome>> {
  const incidentAt = instant(input.incidentAt, input.incidentAtFold);
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
      // Refusing rolls back the claim too: the officer may correct the form and send it again with the same key.
      const routes = await routeTracks(tx, input, incidentAt);
      if (!input.confirmDuplicate) await refuseLikelyDuplicate(tx, input);
      // Read FOR SHARE: an admin's switch of the review mode waits for the submissions already under way.
      const [station] = await tx.$queryRaw<{ inspectionId: string; reviewMode: 'FOUR_EYES' | 'DIRECT' }[]>`
        SELECT "inspectionId", "reviewMode"::text AS "reviewMode" FROM "Station"
         WHERE id = ${actor.stationId}::uuid FOR SHARE`;
      if (!station) throw new Error("the officer's station does not exist");
      const referralId = uuid7();
      const { dataKey, wrapped } = newDataKey(referralId);
      const now = new Date();
      await tx.referral.create({
        data: {
          id: referralId,
          statusChangedAt: now,
          dueAt: approvalDue(now, input.highRisk),
          incidentAt,
          municipalityId: input.municipalityId,
          stationId: actor.stationId,
          inspectionId: station.inspectionId,
          createdById: actor.id,
          highRisk: input.highRisk,
          caseNumberIndex: new Uint8Array(caseNumberIndex(input.details.caseNumber)),
          dataKey: wrapped,
          details: sealDetails(dataKey, referralId, input.details),
          idempotencyKey: input.idempotencyKey,
          submittedAt: now,
          updatedAt: now,
        },
        select: { id: true },
      });
      await tx.referralTrack.createMany({ data: routes.map((route) => trackColumns(route, dataKey, referralId)) });
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'REFERRAL_CREATED',
        entityType: 'Referral',
        entityId: referralId,
        details: Object.fromEntries(routes.flatMap(routingAudit)),
      });
      await recordStep(tx, {
        referralId,
        step: 'SUBMITTED',
        track: null,
        from: null,
        to: 'SUBMITTED',
        at: now,
        actor,
        comment: null,
      });
      // Direct dispatch: the system approves at once, recorded as such (DESIGN.md section 3).
      if (station.reviewMode === 'DIRECT') {
        // A millisecond after the submission, so that the timeline (ordered by time) shows the two in order.
        const approved = await transition(tx, {
          referralId,
          from: 'SUBMITTED',
          to: 'APPROVED',
          by: 'SYSTEM',
          at: new Date(now.getTime() + 1),
        });
        if (!approved.ok) throw new Error(`direct dispatch refused: ${approved.error}`);
      }
      return {
        ok: true,
        referralId,
        tracks: routes.map((route) => ({ track: route.track, partnerName: route.partnerName })),
        ...(station.reviewMode === 'DIRECT' && { approved: true as const }),
      };
    })
    .catch(refusal);

  if (created.ok) {
    const { referralId, tracks, approved } = created;
    return success({ kind: 'REFERRAL', referralId, tracks, ...(approved && { approved }) });
  }
  if (created.error === 'KEY_REUSED') return keyReused();
  return refused(created, actor, input.municipalityId);
}

type Refused =
  { ok: false; error: 'DUPLICATE'; referralIds: string[] } | { ok: false; error: RoutingError; track: Track };

/** The refusals a transaction throws to roll itself back, as a result; anything else is rethrown. */
function refusal(error: unknown): Refused {
  if (error instanceof RoutingRefused) return { ok: false, error: error.reason, track: error.track };
  if (error instanceof DuplicateSuspected) return { ok: false, error: 'DUPLICATE', referralIds: error.referralIds };
  throw error;
}

/**
 * The officer's answer to a refusal: a likely duplicate to confirm, or the routing field to change. That the
 * officer learned of another referral for the case is itself audited (which referrals, never what they hold).
 */
async function refused(refusal: Refused, actor: Actor, municipalityId: string): Promise<ActionResult<never>> {
  if (refusal.error === 'DUPLICATE') {
    await recordAudit(db(), {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'DUPLICATE_SUSPECTED',
      entityType: 'Referral',
      subjectIds: refusal.referralIds,
      details: { matches: refusal.referralIds.length },
    });
    return failure('CONFLICT', 'errors.codes.DUPLICATE_SUSPECTED', { confirmDuplicate: ['errors.duplicateSuspected'] });
  }
  const fields = ROUTING_FIELDS[refusal.track];
  const field = refusal.error.startsWith('PREFERENCE')
    ? fields.preference
    : refusal.error.startsWith('OVERRIDE')
      ? fields.override
      : fields.place;
  // No rule at all for an id that names no municipality: the form sent something that does not exist.
  const message =
    refusal.error === 'NO_PARTNER' && !(await municipalityExists(municipalityId))
      ? 'errors.municipalityRequired'
      : `errors.routing.${refusal.track === 'PERPETRATOR' ? 'perpetrator.' : ''}${refusal.error}`;
  return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { [field]: [message] });
}

type RoutedTrack = Route & { track: Track; draft: TrackDraft<unknown> };

/** Routes every track of the submission (the victim's, and the perpetrator's with that person's consent). */
async function routeTracks(tx: Tx, input: ReferralDraft, incidentAt: Date): Promise<RoutedTrack[]> {
  const drafts: [Track, TrackDraft<unknown>][] = [['VICTIM', input.victim]];
  if (input.perpetrator) drafts.push(['PERPETRATOR', input.perpetrator]);
  const routes: RoutedTrack[] = [];
  for (const [track, draft] of drafts) {
    const route = await routeTrack(tx, track, draft, input.municipalityId, incidentAt);
    if (!route.ok) throw new RoutingRefused(route.error, track);
    routes.push({ ...route, track, draft });
  }
  return routes;
}

/** A track's row: routing, lawful basis, consent scope, and the person sealed under the referral's data key. */
function trackColumns(route: RoutedTrack, dataKey: DataKey, referralId: string) {
  return {
    referralId,
    track: route.track,
    status: 'SUBMITTED' as const,
    gender: route.draft.gender,
    partnerId: route.partnerId,
    routingRuleId: route.ruleId,
    routingRuleVersion: route.ruleVersion,
    routingReason: route.reason,
    overrideReason: route.overrideReason,
    ...lawfulBasisColumns(route.draft.lawfulBasis),
    channels: route.draft.channels,
    person: sealPerson(dataKey, referralId, route.track, route.draft.person),
  };
}

/** Names compared as a person would: case, spacing and Unicode composition do not make another person. */
const comparableName = (person: { firstName: string; lastName: string }) =>
  `${person.firstName} ${person.lastName}`.normalize('NFC').toLocaleLowerCase('de').replace(/\s+/g, ' ');

/**
 * Refuses (ends the transaction) when a referral for the same Vorgangsnummer (blind index) and the same
 * affected person exists already, filed by anyone: two officers at one callout, or a form sent twice with new
 * keys. Runs after routing, just before the insert, so that only a complete, routable referral can ask, and
 * every refusal is audited (`refused`). Referrals whose data is erased or withdrawn do not count. A lock on
 * the index value makes two simultaneous submissions of the same case take turns. Only the few referrals of
 * that case number are opened, and nothing about them reaches the officer but the warning.
 */
async function refuseLikelyDuplicate(tx: Tx, input: ReferralDraft, except?: string): Promise<void> {
  const index = caseNumberIndex(input.details.caseNumber);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${index.readBigInt64BE(0)})`;
  const candidates = await tx.referral.findMany({
    where: {
      caseNumberIndex: new Uint8Array(index),
      dataKey: { not: null },
      status: { notIn: ['WITHDRAWN', 'PURGED'] },
      ...(except && { id: { not: except } }),
    },
    orderBy: { submittedAt: 'desc' },
    select: {
      id: true,
      dataKey: true,
      details: true,
      tracks: { where: { track: 'VICTIM' }, select: { person: true } },
    },
    take: 50,
  });
  const wanted = comparableName(input.victim.person);
  const matches = candidates.filter((candidate) => {
    const person = openReferral(candidate).person<VictimPerson>('VICTIM', candidate.tracks[0]?.person ?? null);
    return person !== null && comparableName(person) === wanted;
  });
  if (matches.length) throw new DuplicateSuspected(matches.map((m) => m.id));
}

/** How a track was routed, for the audit event: "victim.routingReason", "victim.ruleVersion" and so on. */
function routingAudit(route: Route & { track: Track }): [string, string | number | null][] {
  const prefix = route.track.toLowerCase();
  return [
    [`${prefix}.routingReason`, route.reason],
    route.overrideReason
      ? [`${prefix}.overrideReason`, route.overrideReason]
      : [`${prefix}.ruleVersion`, route.ruleVersion],
  ];
}

function lawfulBasisColumns(basis: LawfulBasisDraft) {
  return basis.kind === 'CONSENT'
    ? {
        lawfulBasis: 'CONSENT' as const,
        consentMethod: basis.method,
        consentGivenAt: instant(basis.givenAt, basis.fold),
        legalBasis: null,
      }
    : { lawfulBasis: 'LEGAL_BASIS' as const, consentMethod: null, consentGivenAt: null, legalBasis: basis.reference };
}

type Route = {
  partnerId: string;
  partnerName: string;
  ruleId: string | null;
  ruleVersion: number | null;
  reason: 'RULE' | 'PERSON_PREFERENCE' | 'OVERRIDE';
  overrideReason: OverrideReasonValue | null;
};

/** Locks the rules of the track's key and decides where the track goes. */
async function routeTrack(
  tx: Tx,
  track: Track,
  draft: TrackDraft<unknown>,
  municipalityId: string,
  incidentAt: Date,
): Promise<({ ok: true } & Route) | { ok: false; error: RoutingError }> {
  const rules = await lockRulesForRouting(tx, { municipalityId, track, at: incidentAt });
  const decision = decideRoute(rules, {
    track,
    gender: draft.gender,
    municipalityId,
    at: incidentAt,
    preferredPartnerId: draft.routing.preferredPartnerId,
  });
  return chooseRoute(tx, { track, gender: draft.gender, municipalityId, incidentAt }, decision, rules, draft);
}

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
  key: { track: Track; gender: TrackDraft<unknown>['gender']; municipalityId: string; incidentAt: Date },
  decision: RoutingDecision,
  rules: readonly LockedRule[],
  draft: TrackDraft<unknown>,
): Promise<({ ok: true } & Route) | { ok: false; error: RoutingError }> {
  const { override } = draft.routing;
  if (!override) {
    if (!decision.ok) return decision;
    const partnerName = rules.find((rule) => rule.id === decision.ruleId)!.partnerName;
    return { ...decision, partnerName, overrideReason: null };
  }
  const responsible =
    key.gender === 'NOT_STATED'
      ? preferenceOptions(rules, { track: key.track, municipalityId: key.municipalityId, at: key.incidentAt })
      : decision.ok
        ? [decision.partnerId]
        : [];
  const gap = key.gender === 'NOT_STATED' ? responsible.length === 0 : !decision.ok && decision.error === 'NO_PARTNER';
  if (override.reason === 'NO_RESPONSIBLE_PARTNER' && !gap) return { ok: false, error: 'OVERRIDE_NOT_A_GAP' };
  if (responsible.includes(override.partnerId)) return { ok: false, error: 'OVERRIDE_SAME_AS_RULE' };
  const [partner] = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT id, name FROM "Partner"
     WHERE id = ${override.partnerId}::uuid AND ${key.track}::"Track" = ANY(tracks)
       AND (${key.gender} = 'NOT_STATED' OR ${key.gender}::"Gender" = ANY(genders))
       AND "activeFrom" <= ${key.incidentAt} AND ("activeTo" IS NULL OR "activeTo" > now())
       FOR SHARE`;
  if (!partner) return { ok: false, error: 'OVERRIDE_PARTNER_UNAVAILABLE' };
  return {
    ok: true,
    partnerId: partner.id,
    partnerName: partner.name,
    ruleId: null,
    ruleVersion: null,
    reason: 'OVERRIDE',
    overrideReason: override.reason,
  };
}

/** Ends the submit transaction at a likely duplicate the officer has not confirmed (the key's claim is undone). */
class DuplicateSuspected extends Error {
  constructor(readonly referralIds: string[]) {
    super('DUPLICATE');
  }
}

/** Ends the submit transaction when no partner can be chosen, so that the key's claim is undone too. */
class RoutingRefused extends Error {
  constructor(
    readonly reason: RoutingError,
    readonly track: Track,
  ) {
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
  const incidentDate = new Date(`${berlinDateOf(instant(input.incidentAt, input.incidentAtFold))}T00:00:00Z`);
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

/** States in which the officer may still correct a referral: before the supervisor approved it. */
const CORRECTABLE = ['SUBMITTED', 'RETURNED'] as const;

/**
 * The officer corrects an own referral (issue 10): the same form, the same checks, routed again by the rules
 * of its incident time, sealed again under its own data key. Refused once it is approved (the partner may have
 * it), when someone changed it since the officer opened it, and for another officer's referral (not found).
 * A correction sent twice (a retry after a lost answer) is answered as the first.
 */
export async function correctReferral({
  actor,
  input,
}: {
  actor: Actor;
  input: ReferralSubmission;
}): Promise<ActionResult<SubmissionOutcome>> {
  // The correction schema refuses both already (a correction names its referral and cannot decline).
  if (input.consent === 'no') {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { consent: ['errors.correctionCannotDecline'] });
  }
  const correction = input.correction;
  if (!correction) return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { referralId: ['errors.reload'] });
  const incidentAt = instant(input.incidentAt, input.incidentAtFold);
  type Corrected = { ok: true; tracks: TrackOutcome[] } | { ok: false; failure: ActionResult<never> } | Refused;
  const result: Corrected = await db()
    .$transaction(async (tx): Promise<Corrected> => {
      const [current] = await tx.$queryRaw<{ status: string; version: number; dataKey: string | null; own: boolean }[]>`
        SELECT status::text AS status, version, "dataKey", "createdById" = ${actor.id}::uuid AS own FROM "Referral"
         WHERE id = ${correction.referralId}::uuid FOR UPDATE`;
      if (!current?.own) {
        // Another officer's referral looks exactly like none; trying is a denied authorisation (audited).
        if (current) {
          await recordDenial(tx, {
            actor,
            kind: 'referral:correct-own',
            details: { permission: 'referral:correct-own', referral: correction.referralId, reason: 'NOT_OWN' },
          });
        }
        return { ok: false, failure: failure('NOT_FOUND', 'errors.codes.NOT_FOUND') };
      }
      // Every other track must still wait for review too. A withdrawn one is over: the correction leaves it
      // as it is and cannot bring it back (that person withdrew consent).
      const tracks = await tx.referralTrack.findMany({
        where: { referralId: correction.referralId },
        select: { track: true, status: true },
      });
      const correctable = (status: string) => (CORRECTABLE as readonly string[]).includes(status);
      const withdrawn = tracks.filter((track) => track.status === 'WITHDRAWN').map((track) => track.track);
      if (
        !correctable(current.status) ||
        !tracks.every((track) => correctable(track.status) || track.status === 'WITHDRAWN')
      ) {
        return { ok: false, failure: failure('INVALID_STATE', 'errors.codes.NOT_CORRECTABLE') };
      }
      if (input.perpetrator && withdrawn.includes('PERPETRATOR')) {
        return {
          ok: false,
          failure: failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', {
            perpetrator: ['errors.perpetratorWithdrawn'],
          }),
        };
      }
      const dataKey = unwrapDataKey(current.dataKey, correction.referralId);
      if (!dataKey) return { ok: false, failure: failure('INVALID_STATE', 'errors.codes.NOT_CORRECTABLE') };
      const stored = await tx.referral.findUniqueOrThrow({
        where: { id: correction.referralId },
        select: STORED_REFERRAL_SELECT,
      });
      const previous = storedDraft(stored);
      const before = contentOf(previous);
      const after = contentOf(input);
      if (current.version !== correction.version) {
        // The same correction again (a retry): its outcome. Anything else is a change the officer has not seen.
        if (current.version === correction.version + 1 && JSON.stringify(before) === JSON.stringify(after)) {
          return { ok: true, tracks: outcomeTracks(stored.tracks) };
        }
        return { ok: false, failure: failure('CONFLICT', 'errors.codes.REFERRAL_CHANGED') };
      }
      // Only a new case number or name can make it a duplicate; one the officer was warned about stays quiet.
      const identity = (d: StoredReferral | ReferralDraft) =>
        JSON.stringify([d.details?.caseNumber, d.victim?.person?.firstName, d.victim?.person?.lastName]);
      const routes = await routeTracks(tx, input, incidentAt);
      if (!input.confirmDuplicate && identity(previous) !== identity(input)) {
        await refuseLikelyDuplicate(tx, input, correction.referralId);
      }
      const referralId = correction.referralId;
      await tx.referral.update({
        where: { id: referralId },
        data: {
          incidentAt,
          municipalityId: input.municipalityId,
          highRisk: input.highRisk,
          caseNumberIndex: new Uint8Array(caseNumberIndex(input.details.caseNumber)),
          details: sealDetails(dataKey, referralId, input.details),
          version: { increment: 1 },
          updatedAt: new Date(),
        },
        select: { id: true },
      });
      // A track the correction drops (the perpetrator part) goes; the others are written anew.
      await tx.referralTrack.deleteMany({
        where: { referralId, track: { notIn: [...routes.map((r) => r.track), ...withdrawn] } },
      });
      for (const route of routes) {
        const columns = trackColumns(route, dataKey, referralId);
        await tx.referralTrack.upsert({
          where: { referralId_track: { referralId, track: route.track } },
          create: columns,
          update: columns,
          select: { id: true },
        });
      }
      // The row is locked and its version checked above: the lifecycle's step (corrected while waiting, or
      // resubmitted after a return) with its timeline entry and audit event.
      const changes = changedParts(before, after);
      const moved = await transition(tx, {
        referralId,
        from: current.status as 'SUBMITTED' | 'RETURNED',
        to: 'SUBMITTED',
        by: actor,
        details: {
          version: correction.version + 1,
          changed: changes.join(',') || 'none',
          ...Object.fromEntries(routes.flatMap(routingAudit)),
        },
        record: { changes },
      });
      if (!moved.ok) throw new Error(`a locked correctable referral did not move: ${moved.error}`);
      return { ok: true, tracks: routes.map((route) => ({ track: route.track, partnerName: route.partnerName })) };
    })
    .catch(refusal);
  if (result.ok) return success({ kind: 'REFERRAL', referralId: correction.referralId, tracks: result.tracks });
  if ('failure' in result) return result.failure;
  return refused(result, actor, input.municipalityId);
}
