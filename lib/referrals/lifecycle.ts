import 'server-only';

import { recordAudit, type AuditAction } from '@/lib/audit/record';
import type { DataKey } from '@/lib/crypto/envelope';
import { sealJson } from '@/lib/crypto/envelope';
import type { Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { sendInTransaction } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import type {
  ContactAttemptChannel,
  Outcome,
  ReferralStatus,
  ReferralStep,
  Role,
  Track,
  WithdrawalChannel,
} from '@/lib/generated/prisma/enums';
import { uuid7 } from '@/lib/uuid7';

/**
 * The lifecycle of a referral (DESIGN.md section 3) as one table: every step, the status it leaves and the
 * one it enters, and who may take it. Whatever moves a referral goes through `transition` below, so a move
 * that is not in the table cannot happen, two people cannot both make the same move, and every move leaves
 * its timeline entry and its audit event in the same transaction.
 */
export type StepActor = { id: string; role: Role } | 'SYSTEM';
type Taker = Role | 'SYSTEM';

/** The statuses before CLOSED: consent can still be withdrawn, something is still to be done. */
export const OPEN_STATUSES = ['SUBMITTED', 'RETURNED', 'APPROVED', 'DISPATCHED', 'ACKNOWLEDGED'] as const;
const BEFORE_PURGE = [...OPEN_STATUSES, 'CLOSED', 'WITHDRAWN'] as const;

/** Whether a referral or track in this status is still open (something to do; consent can be withdrawn). */
export const isOpen = (status: ReferralStatus): boolean =>
  (OPEN_STATUSES as readonly ReferralStatus[]).includes(status);

/** What is due after a step: the target it starts (from now or from the approval), unchanged, or nothing. */
type Due =
  { target: 'APPROVE' | 'ACKNOWLEDGE' | 'FIRST_CONTACT'; from: 'NOW' | 'WAITING' | 'APPROVAL' } | 'KEEP' | 'NONE';

type Transition = { step: ReferralStep; from: ReferralStatus; to: ReferralStatus; by: Taker; due: Due };

const each = (from: readonly ReferralStatus[], rest: Omit<Transition, 'from'>): Transition[] =>
  from.map((status) => ({ ...rest, from: status }));

export const TRANSITIONS: readonly Transition[] = [
  // The officer corrects while it waits (it keeps its place; a changed risk changes its deadline), or after
  // a return (a new wait).
  {
    step: 'CORRECTED',
    from: 'SUBMITTED',
    to: 'SUBMITTED',
    by: 'OFFICER',
    due: { target: 'APPROVE', from: 'WAITING' },
  },
  { step: 'RESUBMITTED', from: 'RETURNED', to: 'SUBMITTED', by: 'OFFICER', due: { target: 'APPROVE', from: 'NOW' } },
  // Four-eyes review, or the system at a station with direct dispatch.
  {
    step: 'APPROVED',
    from: 'SUBMITTED',
    to: 'APPROVED',
    by: 'SUPERVISOR',
    due: { target: 'ACKNOWLEDGE', from: 'NOW' },
  },
  {
    step: 'AUTO_APPROVED',
    from: 'SUBMITTED',
    to: 'APPROVED',
    by: 'SYSTEM',
    due: { target: 'ACKNOWLEDGE', from: 'NOW' },
  },
  { step: 'RETURNED', from: 'SUBMITTED', to: 'RETURNED', by: 'SUPERVISOR', due: 'NONE' },
  // Delivery and the partner's feedback (issue 12): the acknowledgement is due counted from the approval.
  { step: 'DISPATCHED', from: 'APPROVED', to: 'DISPATCHED', by: 'SYSTEM', due: 'KEEP' },
  // The partner's steps move one delivery (track) each; the referral follows its least advanced delivery.
  {
    step: 'ACKNOWLEDGED',
    from: 'DISPATCHED',
    to: 'ACKNOWLEDGED',
    by: 'PARTNER',
    due: { target: 'FIRST_CONTACT', from: 'APPROVAL' },
  },
  // A contact attempt (the first one meets the first-contact target; nothing is due after it).
  { step: 'CONTACT_ATTEMPTED', from: 'ACKNOWLEDGED', to: 'ACKNOWLEDGED', by: 'PARTNER', due: 'NONE' },
  { step: 'CLOSED', from: 'ACKNOWLEDGED', to: 'CLOSED', by: 'PARTNER', due: 'NONE' },
  // The person withdrew consent (recorded by a supervisor), or retention erases the personal data.
  ...each(OPEN_STATUSES, { step: 'WITHDRAWN', to: 'WITHDRAWN', by: 'SUPERVISOR', due: 'NONE' }),
  ...each(BEFORE_PURGE, { step: 'PURGED', to: 'PURGED', by: 'SYSTEM', due: 'NONE' }),
];

/** Statuses in which a step is due (reached by a step that sets or keeps a deadline): the only ones that can be overdue. */
export const DUE_STATUSES: readonly ReferralStatus[] = [
  ...new Set(TRANSITIONS.filter((t) => t.due !== 'NONE').map((t) => t.to)),
];

/** The step from one status to another that `by` may take, or null: such a move does not exist. */
export function findTransition(from: ReferralStatus, to: ReferralStatus, by: StepActor): Transition | null {
  const taker: Taker = by === 'SYSTEM' ? 'SYSTEM' : by.role;
  return TRANSITIONS.find((t) => t.from === from && t.to === to && t.by === taker) ?? null;
}

/** The audit event each step writes (the submission's own, REFERRAL_CREATED, is written by the submit). */
const AUDIT: Record<Exclude<ReferralStep, 'SUBMITTED'>, AuditAction> = {
  CORRECTED: 'REFERRAL_CORRECTED',
  RESUBMITTED: 'REFERRAL_CORRECTED',
  APPROVED: 'REFERRAL_APPROVED',
  AUTO_APPROVED: 'REFERRAL_APPROVED',
  RETURNED: 'REFERRAL_RETURNED',
  DISPATCHED: 'REFERRAL_DISPATCHED',
  ACKNOWLEDGED: 'REFERRAL_ACKNOWLEDGED',
  CONTACT_ATTEMPTED: 'REFERRAL_CONTACT_ATTEMPTED',
  CLOSED: 'REFERRAL_CLOSED',
  WITHDRAWN: 'REFERRAL_WITHDRAWN',
  PURGED: 'REFERRAL_PURGED',
};

/** The configured targets in hours: [normal, high risk]. */
function targetHours(target: 'APPROVE' | 'ACKNOWLEDGE' | 'FIRST_CONTACT'): [number, number] {
  const e = env();
  switch (target) {
    case 'APPROVE':
      return [e.TARGET_APPROVE_HOURS, e.TARGET_APPROVE_HIGH_RISK_HOURS];
    case 'ACKNOWLEDGE':
      return [e.TARGET_ACKNOWLEDGE_HOURS, e.TARGET_ACKNOWLEDGE_HIGH_RISK_HOURS];
    case 'FIRST_CONTACT':
      return [e.TARGET_FIRST_CONTACT_HOURS, e.TARGET_FIRST_CONTACT_HIGH_RISK_HOURS];
  }
}

/** The target a referral in each waiting status works towards. */
const TARGET_OF: Partial<Record<ReferralStatus, 'APPROVE' | 'ACKNOWLEDGE' | 'FIRST_CONTACT'>> = {
  SUBMITTED: 'APPROVE',
  APPROVED: 'ACKNOWLEDGE',
  DISPATCHED: 'ACKNOWLEDGE',
  ACKNOWLEDGED: 'FIRST_CONTACT',
};

/**
 * How much later, in seconds, the normal target of `status` is than the high-risk one: a track that is not
 * high risk within a high-risk referral (the perpetrator's) is due by that much later than the referral.
 */
function normalTargetShift(status: ReferralStatus): number {
  const target = TARGET_OF[status];
  if (!target) return 0;
  const [normal, high] = targetHours(target);
  return (normal - high) * 3600;
}

/** When the approval of a new submission is due. */
export function approvalDue(submittedAt: Date, highRisk: boolean): Date {
  const [normal, high] = targetHours('APPROVE');
  return new Date(submittedAt.getTime() + (highRisk ? high : normal) * 3_600_000);
}

/** Why a move did not happen. */
export type TransitionRefusal =
  | { error: 'NOT_FOUND' }
  /** Not a move of the lifecycle table (or not one this role may take). */
  | { error: 'NOT_ALLOWED' }
  /** Someone else moved it first: the step they took, when, and their name (null: the system). */
  | { error: 'ALREADY_HANDLED'; status: ReferralStatus; by: string | null; at: Date | null }
  /** Still where it was, but changed (corrected) since the version the decision was taken on. */
  | { error: 'CHANGED' };

export type TransitionResult = { ok: true; at: Date } | ({ ok: false } & TransitionRefusal);

/**
 * Moves a referral (or, with `track`, one of its deliveries) from `from` to `to`, as one conditional update
 * (`WHERE status = from`, and `version` when given): of two people deciding at once exactly one wins, and
 * the other learns who did. Records the timeline entry (with the comment sealed under the referral's data
 * key) and the step's audit event in the caller's transaction. The review moves a referral's tracks with it.
 */
export async function transition(
  tx: Tx,
  move: {
    referralId: string;
    from: ReferralStatus;
    to: ReferralStatus;
    by: StepActor;
    /** The referral version the decision was taken on: refused if it was corrected since. */
    version?: number;
    /** Only this delivery (e.g. the perpetrator's consent withdrawn); the referral stays where it is. */
    track?: Track;
    /** Required where the step needs one (a return); sealed with `dataKey`. */
    comment?: { text: string; dataKey: DataKey };
    /** Counts and codes for the audit event. */
    details?: Record<string, string | number | boolean | null>;
    /** A disclosure's recipients for the audit event (partner codes). */
    recipient?: string;
    /** What the timeline keeps about the step besides who and when (never personal data). */
    record?: StepRecord;
    /** When the step happens, if not now: a step that follows another in the same transaction. */
    at?: Date;
  },
): Promise<TransitionResult> {
  const rule = findTransition(move.from, move.to, move.by);
  // A partner works its own delivery, never the whole referral (another partner may hold the other one).
  if (!rule || (rule.by === 'PARTNER' && !move.track)) return { ok: false, error: 'NOT_ALLOWED' };
  const at = move.at ?? new Date();
  const moved = move.track
    ? await moveTrack(tx, { ...move, track: move.track }, rule, at)
    : await moveReferral(tx, move, rule, at);
  if (moved === 0) return { ok: false, ...(await whyNot(tx, move)) };
  if (move.track) await followTracks(tx, move.referralId, at);
  else {
    // Its tracks follow, from wherever the same step may leave (a withdrawal ends every open delivery), and
    // take over its deadline; a delivery keeps the moment it was dispatched. The high-risk flag (shorter
    // targets, first in the inbox) is the victim track's alone: it comes from the victim's risk checklist,
    // which a perpetrator programme never learns (lib/referrals/projection.ts).
    const followers = TRANSITIONS.filter((t) => t.step === rule.step).map((t) => t.from);
    await tx.$executeRaw`
      UPDATE "ReferralTrack" t SET status = ${move.to}::"ReferralStatus",
             "dueAt" = CASE WHEN t.track = 'VICTIM' OR NOT r."highRisk" OR r."dueAt" IS NULL THEN r."dueAt"
                            ELSE r."dueAt" + make_interval(secs => ${normalTargetShift(move.to)}::float8) END,
             "highRisk" = r."highRisk" AND t.track = 'VICTIM',
             "dispatchedAt" = CASE WHEN ${move.to} = 'DISPATCHED' THEN ${at} ELSE t."dispatchedAt" END
        FROM "Referral" r
       WHERE r.id = t."referralId" AND t."referralId" = ${move.referralId}::uuid AND t.status::text = ANY(${followers})`;
  }
  const actor = move.by === 'SYSTEM' ? null : move.by;
  await recordStep(tx, {
    referralId: move.referralId,
    step: rule.step,
    track: move.track ?? null,
    from: move.from,
    to: move.to,
    at,
    actor,
    comment: move.comment ? sealComment(move.comment.dataKey, move.referralId, at, move.comment.text) : null,
    ...move.record,
  });
  // An approved referral is delivered: its dispatch job commits with the approval, or not at all (ADR 0011).
  if (move.to === 'APPROVED' && !move.track) {
    await sendInTransaction(tx, QUEUES.dispatch.name, { referralId: move.referralId });
  }
  if (rule.step !== 'SUBMITTED') {
    await recordAudit(tx, {
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? null,
      action: AUDIT[rule.step],
      entityType: 'Referral',
      entityId: move.referralId,
      ...(move.recipient && { recipient: move.recipient }),
      details: {
        step: rule.step,
        fromStatus: move.from,
        toStatus: move.to,
        ...(move.track && { track: move.track }),
        ...move.details,
      },
    });
  }
  return { ok: true, at };
}

/** The referral's own conditional update: status, waiting time, deadline and approval time. */
async function moveReferral(
  tx: Tx,
  move: { referralId: string; from: ReferralStatus; to: ReferralStatus; version?: number },
  rule: Transition,
  at: Date,
): Promise<number> {
  const [normal, high] = typeof rule.due === 'object' ? targetHours(rule.due.target) : [0, 0];
  const due = rule.due === 'KEEP' ? 'KEEP' : rule.due === 'NONE' ? 'NONE' : rule.due.from;
  const statusChanged = move.from !== move.to;
  return tx.$executeRaw`
    UPDATE "Referral" SET
       status = ${move.to}::"ReferralStatus",
       "statusChangedAt" = CASE WHEN ${statusChanged} THEN ${at} ELSE "statusChangedAt" END,
       "approvedAt" = CASE WHEN ${move.to} = 'APPROVED' THEN ${at} ELSE "approvedAt" END,
       "dueAt" = CASE ${due}
         WHEN 'KEEP' THEN "dueAt"
         WHEN 'NONE' THEN NULL
         ELSE (CASE ${due} WHEN 'NOW' THEN ${at}::timestamptz WHEN 'WAITING' THEN "statusChangedAt"
                 ELSE coalesce("approvedAt", ${at}) END)
              + make_interval(secs => (CASE WHEN "highRisk" THEN ${high}::float8 ELSE ${normal}::float8 END) * 3600)
       END,
       "updatedAt" = ${at}
     WHERE id = ${move.referralId}::uuid AND status = ${move.from}::"ReferralStatus"
       AND (${move.version ?? null}::int IS NULL OR version = ${move.version ?? null}::int)`;
}

/**
 * One delivery's conditional update: status, its deadline (counted from the referral's approval, shorter for
 * high risk) and when it was acknowledged.
 */
async function moveTrack(
  tx: Tx,
  move: { referralId: string; track: Track; from: ReferralStatus; to: ReferralStatus },
  rule: Transition,
  at: Date,
): Promise<number> {
  const [normal, high] = typeof rule.due === 'object' ? targetHours(rule.due.target) : [0, 0];
  const due = rule.due === 'KEEP' ? 'KEEP' : rule.due === 'NONE' ? 'NONE' : 'SET';
  return tx.$executeRaw`
    UPDATE "ReferralTrack" t SET
       status = ${move.to}::"ReferralStatus",
       "dueAt" = CASE ${due}
         WHEN 'KEEP' THEN t."dueAt"
         WHEN 'NONE' THEN NULL
         ELSE (SELECT coalesce(r."approvedAt", ${at}) FROM "Referral" r WHERE r.id = t."referralId")
              + make_interval(secs => (CASE WHEN t."highRisk" THEN ${high}::float8 ELSE ${normal}::float8 END) * 3600)
       END,
       "acknowledgedAt" = CASE WHEN ${rule.step} = 'ACKNOWLEDGED' THEN ${at} ELSE t."acknowledgedAt" END
     WHERE t."referralId" = ${move.referralId}::uuid AND t.track = ${move.track}::"Track"
       AND t.status = ${move.from}::"ReferralStatus"`;
}

/**
 * Once delivered, a referral stands where its least advanced open delivery stands (DISPATCHED before
 * ACKNOWLEDGED before CLOSED), and is due when the earliest of them is: the police's view of two partners
 * working at their own pace. Before delivery a track's move (a withdrawn perpetrator) leaves it alone.
 */
async function followTracks(tx: Tx, referralId: string, at: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Referral" r SET
       status = s.status,
       "statusChangedAt" = CASE WHEN r.status <> s.status THEN ${at} ELSE r."statusChangedAt" END,
       "dueAt" = s.due,
       "updatedAt" = ${at}
      FROM (SELECT (CASE WHEN bool_or(status = 'DISPATCHED') THEN 'DISPATCHED'
                         WHEN bool_or(status = 'ACKNOWLEDGED') THEN 'ACKNOWLEDGED'
                         ELSE 'CLOSED' END)::"ReferralStatus" AS status,
                   min("dueAt") AS due
              FROM "ReferralTrack"
             WHERE "referralId" = ${referralId}::uuid AND status IN ('DISPATCHED', 'ACKNOWLEDGED', 'CLOSED')
            HAVING count(*) > 0) s
     WHERE r.id = ${referralId}::uuid AND r.status IN ('DISPATCHED', 'ACKNOWLEDGED')`;
}

/** After a refused conditional update: gone, moved by someone else (who, when), or changed since. */
async function whyNot(
  tx: Tx,
  move: { referralId: string; from: ReferralStatus; track?: Track },
): Promise<TransitionRefusal> {
  const [row] = move.track
    ? await tx.$queryRaw<{ status: ReferralStatus }[]>`
        SELECT status FROM "ReferralTrack" WHERE "referralId" = ${move.referralId}::uuid AND track = ${move.track}::"Track"`
    : await tx.$queryRaw<{ status: ReferralStatus }[]>`
        SELECT status FROM "Referral" WHERE id = ${move.referralId}::uuid`;
  if (!row) return { error: 'NOT_FOUND' };
  if (row.status === move.from) return { error: 'CHANGED' };
  // Who took it out of the status the refused move expected, and to where: the approving supervisor, also
  // once the system has delivered it since.
  const [left] = await tx.$queryRaw<{ to: ReferralStatus; at: Date; name: string | null }[]>`
    SELECT e."toStatus" AS to, e.at, u."displayName" AS name
      FROM "ReferralEvent" e LEFT JOIN "User" u ON u.id = e."actorId"
     WHERE e."referralId" = ${move.referralId}::uuid AND e."fromStatus" = ${move.from}::"ReferralStatus"
       AND e."toStatus" <> e."fromStatus" AND (e.track IS NULL OR e.track::text = ${move.track ?? null})
     ORDER BY e.at DESC, e.id DESC LIMIT 1`;
  return { error: 'ALREADY_HANDLED', status: left?.to ?? row.status, by: left?.name ?? null, at: left?.at ?? null };
}

/** Where a timeline comment is sealed: bound to its referral and its moment. */
export const commentContext = (referralId: string, at: Date) =>
  `ReferralEvent.comment:${referralId}:${at.toISOString()}`;

function sealComment(dataKey: DataKey, referralId: string, at: Date, text: string): string {
  return sealJson(dataKey, text, commentContext(referralId, at));
}

/**
 * Facts a timeline entry may keep about its step: what a correction changed (names of parts), how and on
 * which day a withdrawal reached the police.
 */
export type StepRecord = {
  changes?: string[];
  receivedVia?: WithdrawalChannel;
  receivedOn?: Date;
  /** A partner's contact attempt: when it was made, how, whether the person was reached. */
  contactAt?: Date;
  contactChannel?: ContactAttemptChannel;
  reached?: boolean;
  /** How the partner's work ended. */
  outcome?: Outcome;
};

/** One timeline entry. The submission's is written by the submit itself (there is no status to move from). */
export async function recordStep(
  tx: Tx,
  entry: {
    referralId: string;
    step: ReferralStep;
    track: Track | null;
    from: ReferralStatus | null;
    to: ReferralStatus;
    at: Date;
    actor: { id: string; role: Role } | null;
    comment: string | null;
  } & StepRecord,
): Promise<void> {
  await tx.referralEvent.create({
    data: {
      id: uuid7(entry.at.getTime()),
      referralId: entry.referralId,
      step: entry.step,
      track: entry.track,
      fromStatus: entry.from,
      toStatus: entry.to,
      at: entry.at,
      actorId: entry.actor?.id ?? null,
      actorRole: entry.actor?.role ?? null,
      comment: entry.comment,
      changes: entry.changes ?? [],
      receivedVia: entry.receivedVia ?? null,
      receivedOn: entry.receivedOn ?? null,
      contactAt: entry.contactAt ?? null,
      contactChannel: entry.contactChannel ?? null,
      reached: entry.reached ?? null,
      outcome: entry.outcome ?? null,
    },
    select: { id: true },
  });
}
