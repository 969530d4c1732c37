import 'server-only';

import { recordAudit, recordDenial } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import { unwrapDataKey } from '@/lib/crypto/envelope';
import { db, type Tx } from '@/lib/db';
import type { ReferralStatus } from '@/lib/generated/prisma/enums';
import { announce, sendWebhook } from '@/lib/delivery/outbox';
import { eraseReferral, eraseTrack } from '@/lib/referrals/erasure';
import { isOpen, transition, type TransitionResult } from '@/lib/referrals/lifecycle';
import { failure, failureWith, success, type ActionResult } from '@/lib/result';
import { berlinDateOf } from '@/lib/time/berlin';
import type { ApproveInput, RetryDeliveryInput, ReturnInput, WithdrawalInput } from '@/lib/review/schema';
import { inScope, reviewScope } from '@/lib/review/scope';

/**
 * The supervisor's steps on a referral of their scope (DESIGN.md section 3): approve it, return it to the
 * officer with a comment, record that consent was withdrawn. The lifecycle (lib/referrals/lifecycle.ts)
 * decides whether the step exists and makes it atomic; this module decides whether this supervisor may take
 * it on this referral. A referral outside the scope looks exactly like none, and trying is audited.
 */

type Target = {
  id: string;
  status: ReferralStatus;
  version: number;
  createdById: string;
  dataKey: string | null;
  submittedAt: Date;
  tracks: { track: 'VICTIM' | 'PERPETRATOR'; status: ReferralStatus }[];
};

/**
 * The referral, if it lies in the actor's scope; a denial (audited) otherwise. `lock`: the row is locked
 * first (FOR UPDATE), so that what is read stays true until the transaction ends.
 */
async function targetInScope(
  tx: Tx,
  actor: Actor,
  referralId: string,
  permission: Permission,
  { lock = false }: { lock?: boolean } = {},
): Promise<Target | null> {
  if (lock) await tx.$executeRaw`SELECT 1 FROM "Referral" WHERE id = ${referralId}::uuid FOR UPDATE`;
  const row = await tx.referral.findUnique({
    where: { id: referralId },
    select: {
      id: true,
      status: true,
      version: true,
      createdById: true,
      stationId: true,
      inspectionId: true,
      dataKey: true,
      submittedAt: true,
      tracks: { select: { track: true, status: true } },
    },
  });
  if (!row) return null;
  if (!inScope(reviewScope(actor), row)) {
    await recordDenial(tx, {
      actor,
      kind: permission,
      details: { permission, referral: row.id, reason: 'OUT_OF_SCOPE' },
    });
    return null;
  }
  return row;
}

const notFound = () => failure('NOT_FOUND', 'errors.codes.NOT_FOUND');

/** Four-eyes: deciding one's own referral is a denied authorisation (audited) with its own message. */
async function refuseOwn(tx: Tx, actor: Actor, referralId: string): Promise<ActionResult<never>> {
  await recordDenial(tx, {
    actor,
    kind: 'review:decide',
    details: { permission: 'review:decide', referral: referralId, reason: 'OWN_REFERRAL' },
  });
  return failure('FORBIDDEN', 'review.errors.ownReferral');
}

/** A refused step as the supervisor reads it: who was first, or that it changed, or that it cannot be. */
export function refusalOf(result: Exclude<TransitionResult, { ok: true }>): ActionResult<never> {
  switch (result.error) {
    case 'NOT_FOUND':
      return notFound();
    case 'CHANGED':
      return failure('CONFLICT', 'review.errors.changed');
    case 'NOT_ALLOWED':
      return failure('INVALID_STATE', 'review.errors.notAllowed');
    case 'ALREADY_HANDLED':
      return result.by
        ? failureWith('CONFLICT', 'review.errors.alreadyHandled', {
            status: result.status,
            by: result.by,
            at: result.at ?? new Date(),
          })
        : failureWith('CONFLICT', 'review.errors.alreadyHandledBySystem', {
            status: result.status,
            at: result.at ?? new Date(),
          });
  }
}

type Decided = { status: ReferralStatus };

/** Four-eyes: the approval of what the supervisor saw (its version), never of their own referral. */
export async function approveReferral({
  actor,
  input,
}: {
  actor: Actor;
  input: ApproveInput;
}): Promise<ActionResult<Decided>> {
  return db().$transaction(async (tx) => {
    const target = await targetInScope(tx, actor, input.referralId, 'review:decide');
    if (!target) return notFound();
    if (target.createdById === actor.id) return refuseOwn(tx, actor, target.id);
    const moved = await transition(tx, {
      referralId: target.id,
      from: 'SUBMITTED',
      to: 'APPROVED',
      by: actor,
      version: input.version,
      details: { version: input.version },
    });
    return moved.ok ? success({ status: 'APPROVED' as const }) : refusalOf(moved);
  });
}

/** Back to the officer, with what to correct (sealed: it may name the person). */
export async function returnReferral({
  actor,
  input,
}: {
  actor: Actor;
  input: ReturnInput;
}): Promise<ActionResult<Decided>> {
  return db().$transaction(async (tx) => {
    const target = await targetInScope(tx, actor, input.referralId, 'review:decide');
    if (!target) return notFound();
    if (target.createdById === actor.id) return refuseOwn(tx, actor, target.id);
    const dataKey = unwrapDataKey(target.dataKey, target.id);
    if (!dataKey) return failure('INVALID_STATE', 'review.errors.notAllowed');
    const moved = await transition(tx, {
      referralId: target.id,
      from: 'SUBMITTED',
      to: 'RETURNED',
      by: actor,
      version: input.version,
      comment: { text: input.comment, dataKey },
      details: { version: input.version, commentLength: input.comment.length },
    });
    return moved.ok ? success({ status: 'RETURNED' as const }) : refusalOf(moved);
  });
}

/**
 * The person withdrew consent (DESIGN.md sections 3 and 7). The affected person's withdrawal ends the whole
 * referral: every open track WITHDRAWN, the data key destroyed and every sealed column emptied, in the same
 * transaction. The perpetrator's withdrawal ends only that delivery and erases that person. Any open state
 * will do: the partner is told to delete its copy once delivery exists (issue 12). Never undone.
 */
export async function recordWithdrawal({
  actor,
  input,
}: {
  actor: Actor;
  input: WithdrawalInput;
}): Promise<ActionResult<Decided>> {
  return db().$transaction(async (tx) => {
    // Locked first: a decision or correction at the same moment waits, and the withdrawal then applies to
    // wherever the referral stands (it always applies); the lock order is the correction's (referral, tracks).
    const target = await targetInScope(tx, actor, input.referralId, 'review:record-withdrawal', { lock: true });
    if (!target) return notFound();
    // The day it reached the police: not before the referral existed, not in the future (Europe/Berlin).
    if (input.receivedOn < berlinDateOf(target.submittedAt) || input.receivedOn > berlinDateOf(new Date())) {
      return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { receivedOn: ['review.errors.receivedOnRange'] });
    }
    const record = { receivedVia: input.receivedVia, receivedOn: new Date(`${input.receivedOn}T00:00:00Z`) };
    const received = { receivedVia: input.receivedVia, receivedOn: input.receivedOn };
    if (input.track === 'VICTIM') {
      if (!isOpen(target.status)) return failure('INVALID_STATE', 'review.errors.notWithdrawable');
      const moved = await transition(tx, {
        referralId: target.id,
        from: target.status,
        to: 'WITHDRAWN',
        by: actor,
        details: { withdrawnBy: 'VICTIM', erased: true, ...received },
        record,
      });
      if (!moved.ok) return refusalOf(moved);
      await eraseReferral(tx, target.id);
      // Partners that already have it are told to delete their copies (those that closed theirs keep the outcome).
      const open = target.tracks.filter((t) => isOpen(t.status)).map((t) => t.track);
      await announce(tx, target.id, 'WITHDRAWN', open);
      return success({ status: 'WITHDRAWN' as const });
    }
    const track = target.tracks.find((t) => t.track === 'PERPETRATOR');
    if (!track)
      return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { track: ['review.errors.noPerpetrator'] });
    if (!isOpen(track.status)) return failure('INVALID_STATE', 'review.errors.notWithdrawable');
    const moved = await transition(tx, {
      referralId: target.id,
      track: 'PERPETRATOR',
      from: track.status,
      to: 'WITHDRAWN',
      by: actor,
      details: { withdrawnBy: 'PERPETRATOR', erased: true, ...received },
      record,
    });
    if (!moved.ok) return refusalOf(moved);
    await eraseTrack(tx, target.id, 'PERPETRATOR');
    await announce(tx, target.id, 'WITHDRAWN', ['PERPETRATOR']);
    return success({ status: target.status });
  });
}

/**
 * "Erneut zustellen": a delivery whose webhook keeps failing ("Zustellung gestört") is tried again now, for
 * each of the referral's deliveries in that state, besides the retries already scheduled (the partner drops
 * a duplicate by its webhook id). Audited.
 */
export async function retryDelivery({
  actor,
  input,
}: {
  actor: Actor;
  input: RetryDeliveryInput;
}): Promise<ActionResult<{ retried: number }>> {
  return db().$transaction(async (tx) => {
    const target = await targetInScope(tx, actor, input.referralId, 'delivery:retry');
    if (!target) return notFound();
    const troubled = await tx.referralTrack.findMany({
      where: { referralId: target.id, deliveryTroubleAt: { not: null } },
      select: { id: true, track: true, status: true },
    });
    if (troubled.length === 0) return failure('INVALID_STATE', 'review.errors.noDeliveryTrouble');
    for (const track of troubled) {
      await sendWebhook(tx, {
        trackId: track.id,
        event: track.status === 'WITHDRAWN' ? 'referral.withdrawn' : 'referral.dispatched',
      });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'DELIVERY_RETRIED',
      entityType: 'Referral',
      entityId: target.id,
      details: { tracks: troubled.map((t) => t.track).join(',') },
    });
    return success({ retried: troubled.length });
  });
}
