import 'server-only';

import { recordDenial } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import { db, type Tx } from '@/lib/db';
import type { ReferralStatus, Track } from '@/lib/generated/prisma/enums';
import type { AcknowledgeInput, ContactAttemptInput, OutcomeInput } from '@/lib/inbox/schema';
import { transition, type TransitionResult } from '@/lib/referrals/lifecycle';
import { failure, success, type ActionResult } from '@/lib/result';
import { berlinLocalToInstant } from '@/lib/time/berlin';

/**
 * The caseworker's steps on a delivery of their own organisation (DESIGN.md section 6): acknowledge receipt,
 * record contact attempts, record the outcome. The lifecycle (lib/referrals/lifecycle.ts) makes each step
 * atomic and writes its timeline entry and audit event; this module decides whether this caseworker may take
 * it on this delivery. Another partner's delivery looks exactly like none, and trying is audited.
 */

/** A few minutes of clock difference between the caseworker's device and the server. */
const CLOCK_SKEW_MS = 5 * 60_000;

type Delivery = { id: string; referralId: string; track: Track; status: ReferralStatus; dispatchedAt: Date };

/**
 * The delivery, if it belongs to the actor's organisation and was delivered; null otherwise (another
 * partner's: an audited denial). Locked in the order every step takes, the referral first and then its
 * track, so that a caseworker's step and a supervisor's withdrawal of the same referral wait for each other
 * rather than deadlock, and the referral's status that follows its tracks is computed from what is committed.
 */
async function ownDelivery(tx: Tx, actor: Actor, trackId: string, permission: Permission): Promise<Delivery | null> {
  await tx.$executeRaw`
    SELECT 1 FROM "Referral" r JOIN "ReferralTrack" t ON t."referralId" = r.id
     WHERE t.id = ${trackId}::uuid FOR UPDATE OF r`;
  const [row] = await tx.$queryRaw<(Delivery & { partnerId: string; dispatchedAt: Date | null })[]>`
    SELECT id, "referralId", track::text AS track, status::text AS status, "partnerId", "dispatchedAt"
      FROM "ReferralTrack" WHERE id = ${trackId}::uuid FOR UPDATE`;
  if (!row) return null;
  if (row.partnerId !== actor.partnerId) {
    await recordDenial(tx, {
      actor,
      kind: permission,
      details: { permission, referral: row.referralId, reason: 'OTHER_PARTNER' },
    });
    return null;
  }
  return row.dispatchedAt ? { ...row, dispatchedAt: row.dispatchedAt } : null;
}

/**
 * A refused step as the caseworker reads it: never who at the police did what (a supervisor's withdrawal
 * would otherwise be named), only where the delivery stands.
 */
function refused(result: Exclude<TransitionResult, { ok: true }>): ActionResult<never> {
  if (result.error === 'NOT_FOUND') return notFound();
  if (result.error === 'ALREADY_HANDLED' && result.status === 'ACKNOWLEDGED') {
    return failure('CONFLICT', 'inbox.errors.alreadyAcknowledged');
  }
  return failure('INVALID_STATE', 'inbox.errors.closed');
}

const notFound = () => failure('NOT_FOUND', 'errors.codes.NOT_FOUND');

type Done = { status: ReferralStatus };

/** "Empfang bestätigen": the delivery arrived and someone is on it. */
export async function acknowledgeDelivery({
  actor,
  input,
}: {
  actor: Actor;
  input: AcknowledgeInput;
}): Promise<ActionResult<Done>> {
  return db().$transaction(async (tx) => {
    const delivery = await ownDelivery(tx, actor, input.trackId, 'inbox:work');
    if (!delivery) return notFound();
    const moved = await transition(tx, {
      referralId: delivery.referralId,
      track: delivery.track,
      from: 'DISPATCHED',
      to: 'ACKNOWLEDGED',
      by: actor,
    });
    return moved.ok ? success({ status: 'ACKNOWLEDGED' as const }) : refused(moved);
  });
}

/**
 * The delivery for a step after the acknowledgement (an attempt, the outcome): the organisation's own, and
 * acknowledged (receipt comes first: the police then know someone is on it), not yet closed or withdrawn.
 */
async function acknowledgedDelivery(tx: Tx, actor: Actor, trackId: string): Promise<Delivery | ActionResult<never>> {
  const delivery = await ownDelivery(tx, actor, trackId, 'inbox:work');
  if (!delivery) return notFound();
  if (delivery.status === 'DISPATCHED') return failure('INVALID_STATE', 'inbox.errors.acknowledgeFirst');
  if (delivery.status !== 'ACKNOWLEDGED') return failure('INVALID_STATE', 'inbox.errors.closed');
  return delivery;
}

/**
 * A contact attempt: when (a Berlin wall-clock time between the delivery and now), how, reached or not. The
 * first one meets the first-contact target.
 */
export async function recordContactAttempt({
  actor,
  input,
}: {
  actor: Actor;
  input: ContactAttemptInput;
}): Promise<ActionResult<Done>> {
  return db().$transaction(async (tx) => {
    const delivery = await acknowledgedDelivery(tx, actor, input.trackId);
    if (!('status' in delivery)) return delivery;
    const time = berlinLocalToInstant(input.contactAt);
    const problem = !time.ok
      ? time.reason === 'NONEXISTENT'
        ? 'inbox.errors.contactAtNonexistent'
        : 'inbox.errors.contactAtRequired'
      : time.instant.getTime() > Date.now() + CLOCK_SKEW_MS
        ? 'inbox.errors.contactAtFuture'
        : // To the minute: the delivery's own minute counts.
          time.instant.getTime() < Math.floor(delivery.dispatchedAt.getTime() / 60_000) * 60_000
          ? 'inbox.errors.contactAtBeforeDelivery'
          : null;
    if (problem || !time.ok) {
      return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', {
        contactAt: [problem ?? 'inbox.errors.contactAtRequired'],
      });
    }
    const moved = await transition(tx, {
      referralId: delivery.referralId,
      track: delivery.track,
      from: 'ACKNOWLEDGED',
      to: 'ACKNOWLEDGED',
      by: actor,
      record: { contactAt: time.instant, contactChannel: input.channel, reached: input.reached },
      details: { channel: input.channel, reached: input.reached },
    });
    if (!moved.ok) return refused(moved);
    await tx.$executeRaw`
      UPDATE "ReferralTrack" SET "firstContactAt" = LEAST(coalesce("firstContactAt", ${time.instant}), ${time.instant})
       WHERE id = ${delivery.id}::uuid`;
    return success({ status: 'ACKNOWLEDGED' as const });
  });
}

/**
 * The outcome ends the partner's work on the delivery. It has to agree with the attempts recorded: "reached
 * and supported" needs an attempt that reached the person, "not reachable" at least one attempt and none
 * that did.
 */
export async function recordOutcome({
  actor,
  input,
}: {
  actor: Actor;
  input: OutcomeInput;
}): Promise<ActionResult<Done>> {
  return db().$transaction(async (tx) => {
    const delivery = await acknowledgedDelivery(tx, actor, input.trackId);
    if (!('status' in delivery)) return delivery;
    const [attempts] = await tx.$queryRaw<{ total: number; reached: number }[]>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE reached)::int AS reached
        FROM "ReferralEvent"
       WHERE "referralId" = ${delivery.referralId}::uuid AND track = ${delivery.track}::"Track"
         AND step = 'CONTACT_ATTEMPTED'`;
    const mismatch =
      input.outcome === 'REACHED_SUPPORTED' && attempts!.reached === 0
        ? 'inbox.errors.outcomeNeedsReached'
        : input.outcome === 'NOT_REACHABLE' && (attempts!.total === 0 || attempts!.reached > 0)
          ? attempts!.total === 0
            ? 'inbox.errors.outcomeNeedsAttempts'
            : 'inbox.errors.outcomeButReached'
          : null;
    if (mismatch) return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { outcome: [mismatch] });
    const moved = await transition(tx, {
      referralId: delivery.referralId,
      track: delivery.track,
      from: 'ACKNOWLEDGED',
      to: 'CLOSED',
      by: actor,
      record: { outcome: input.outcome },
      details: { outcome: input.outcome, attempts: attempts!.total },
    });
    if (!moved.ok) return refused(moved);
    await tx.referralTrack.update({
      where: { id: delivery.id },
      data: { outcome: input.outcome },
      select: { id: true },
    });
    return success({ status: 'CLOSED' as const });
  });
}
