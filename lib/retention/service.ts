import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { eraseReferral } from '@/lib/referrals/erasure';
import { transition } from '@/lib/referrals/lifecycle';
import { failure, success, type ActionResult } from '@/lib/result';
import { dueSql, retentionPolicy, type DueReferral, type RetentionPolicy } from '@/lib/retention/queries';
import type { RetentionPolicyInput } from '@/lib/retention/schema';
import { uuid7 } from '@/lib/uuid7';

/**
 * Retention by crypto-shredding (DESIGN.md section 7, ADR 0013). A referral keeps its personal data until
 *
 * - AFTER_ACKNOWLEDGEMENT: the admin's period (default 30 days) after the last of its deliveries was
 *   acknowledged by its partner, once none is still waiting for an acknowledgement;
 * - WITHOUT_ACKNOWLEDGEMENT: otherwise the longer period (default 90 days) after submission: never approved,
 *   never dispatched, or never acknowledged.
 *
 * Then its data key is destroyed and its sealed columns emptied (lib/referrals/erasure.ts), and it becomes
 * PURGED with its pseudonymous facts (dates, place, gender, station, partner, risk flag, outcomes, timings).
 * A withdrawn referral was erased when the withdrawal was recorded and holds nothing to erase.
 */

/** Referrals erased per transaction: a crash loses at most one batch's work, which the next run repeats. */
const BATCH = 100;

/**
 * Erases every referral due at `now`, batch by batch, each batch in one transaction: the PURGED step (its
 * timeline entry and its REFERRAL_PURGED audit event, with the rule and the period) and the erasure commit
 * together or not at all. Several runs at once share the work (each locks its batch and skips the others'),
 * and a referral already purged is no longer a candidate, so nothing is erased twice; after a crash the next
 * run finds what was left and does it.
 */
export async function runRetention({
  now = new Date(),
  trigger,
  batchSize = BATCH,
}: {
  now?: Date;
  trigger: 'SCHEDULE' | 'COMMAND';
  batchSize?: number;
}): Promise<{ runId: string; purged: number }> {
  const runId = uuid7(now.getTime());
  await db().retentionRun.create({ data: { id: runId, startedAt: now, trigger } });
  let purged = 0;
  for (;;) {
    const done = await db().$transaction(async (tx) => {
      const policy = await retentionPolicy(tx);
      const due = await tx.$queryRaw<DueReferral[]>(dueSql(policy, now, batchSize, true));
      let erased = 0;
      for (const referral of due) erased += (await purge(tx, referral, policy)) ? 1 : 0;
      return { found: due.length, erased };
    });
    purged += done.erased;
    await db().retentionRun.update({ where: { id: runId }, data: { purged } });
    // A full batch of which nothing could be erased (all moved on meanwhile) would come back forever.
    if (done.found < batchSize || done.erased === 0) break;
  }
  await db().retentionRun.update({ where: { id: runId }, data: { finishedAt: new Date(), purged } });
  return { runId, purged };
}

/** One referral: its PURGED step (conditional on the status it was locked in) and the erasure. */
async function purge(tx: Tx, referral: DueReferral, policy: RetentionPolicy): Promise<boolean> {
  const days =
    referral.rule === 'AFTER_ACKNOWLEDGEMENT' ? policy.afterAcknowledgementDays : policy.withoutAcknowledgementDays;
  const moved = await transition(tx, {
    referralId: referral.id,
    from: referral.status,
    to: 'PURGED',
    by: 'SYSTEM',
    details: { rule: referral.rule, days },
  });
  if (!moved.ok) return false;
  await eraseReferral(tx, referral.id);
  return true;
}

/**
 * An admin's new periods, within the legal maximum of the configuration, conditional on the policy the
 * admin saw; audited with the periods before and after in the same transaction. The next run erases by
 * the new periods, also referrals filed before the change.
 */
export async function updateRetentionPolicy({
  actor,
  input,
}: {
  actor: Actor;
  input: RetentionPolicyInput;
}): Promise<ActionResult<null>> {
  const max = env().RETENTION_MAX_DAYS;
  const beyond = (['afterAcknowledgementDays', 'withoutAcknowledgementDays'] as const).filter((f) => input[f] > max);
  if (beyond.length > 0) {
    return failure(
      'INVALID_INPUT',
      'errors.codes.INVALID_INPUT',
      Object.fromEntries(beyond.map((f) => [f, ['retention.errors.beyondMaximum']])),
    );
  }
  return db().$transaction(async (tx) => {
    const before = await retentionPolicy(tx);
    if (before.changedAt.toISOString() !== new Date(input.seenChangedAt).toISOString()) {
      return failure('CONFLICT', 'retention.errors.changed');
    }
    if (
      before.afterAcknowledgementDays === input.afterAcknowledgementDays &&
      before.withoutAcknowledgementDays === input.withoutAcknowledgementDays
    ) {
      return success(null);
    }
    // Conditional on the policy read above: of two admins saving at once, the second finds it changed.
    const changed = await tx.$executeRaw`
      INSERT INTO "RetentionPolicy" (one, "afterAcknowledgementDays", "withoutAcknowledgementDays", "changedAt", "changedById")
      VALUES (1, ${input.afterAcknowledgementDays}, ${input.withoutAcknowledgementDays}, now(), ${actor.id}::uuid)
      ON CONFLICT (one) DO UPDATE SET
        "afterAcknowledgementDays" = excluded."afterAcknowledgementDays",
        "withoutAcknowledgementDays" = excluded."withoutAcknowledgementDays",
        "changedAt" = excluded."changedAt", "changedById" = excluded."changedById"
      WHERE "RetentionPolicy"."changedAt" = ${before.changedAt}`;
    if (changed === 0) return failure('CONFLICT', 'retention.errors.changed');
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'RETENTION_POLICY_CHANGED',
      entityType: 'RetentionPolicy',
      details: {
        afterAcknowledgementDaysBefore: before.afterAcknowledgementDays,
        afterAcknowledgementDays: input.afterAcknowledgementDays,
        withoutAcknowledgementDaysBefore: before.withoutAcknowledgementDays,
        withoutAcknowledgementDays: input.withoutAcknowledgementDays,
      },
    });
    return success(null);
  });
}
