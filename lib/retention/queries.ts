import 'server-only';

import { longestRecoverableDays, DESTROY_WITHIN_DAYS, keyStates } from '@/lib/crypto/key-states';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { Prisma } from '@/lib/generated/prisma/client';
import type { ReferralStatus } from '@/lib/generated/prisma/enums';
import { nextRetentionRun } from '@/lib/retention/schedule';

/** When each referral's personal data is erased: see lib/retention/service.ts. */
export type RetentionRule = 'AFTER_ACKNOWLEDGEMENT' | 'WITHOUT_ACKNOWLEDGEMENT';
export type RetentionPolicy = { afterAcknowledgementDays: number; withoutAcknowledgementDays: number; changedAt: Date };
export type DueReferral = { id: string; status: ReferralStatus; rule: RetentionRule; dueAt: Date };

/** The periods of DESIGN.md section 7, until an admin changes them (no policy row yet). */
const DEFAULT_POLICY: RetentionPolicy = {
  afterAcknowledgementDays: 30,
  withoutAcknowledgementDays: 90,
  changedAt: new Date(0),
};

export async function retentionPolicy(client: Tx | ReturnType<typeof db> = db()): Promise<RetentionPolicy> {
  const policy = await client.retentionPolicy.findUnique({
    where: { one: 1 },
    select: { afterAcknowledgementDays: true, withoutAcknowledgementDays: true, changedAt: true },
  });
  return policy ?? DEFAULT_POLICY;
}

/**
 * The referrals still holding personal data whose period ended by `now`, the longest overdue first. Only the
 * rows that hold data are read (a partial index): the erased millions behind them are never touched.
 * `lock`: each returned referral is locked for this transaction, skipping those another run holds.
 */
export function dueSql(policy: RetentionPolicy, now: Date, limit: number, lock: boolean) {
  return Prisma.sql`
    SELECT r.id::text AS id, r.status::text AS status, d.rule, d."dueAt"
      FROM "Referral" r
     CROSS JOIN LATERAL (
           SELECT max(t."acknowledgedAt") AS acknowledged,
                  bool_or(t.status IN ('SUBMITTED', 'RETURNED', 'APPROVED', 'DISPATCHED')) AS waiting
             FROM "ReferralTrack" t WHERE t."referralId" = r.id) a
     CROSS JOIN LATERAL (
           SELECT CASE WHEN a.acknowledged IS NOT NULL AND NOT a.waiting THEN 'AFTER_ACKNOWLEDGEMENT'
                       ELSE 'WITHOUT_ACKNOWLEDGEMENT' END AS rule,
                  CASE WHEN a.acknowledged IS NOT NULL AND NOT a.waiting
                       THEN a.acknowledged + make_interval(days => ${policy.afterAcknowledgementDays}::int)
                       ELSE r."submittedAt" + make_interval(days => ${policy.withoutAcknowledgementDays}::int)
                  END AS "dueAt") d
     WHERE r."dataKey" IS NOT NULL AND d."dueAt" <= ${now}
     ORDER BY d."dueAt", r.id
     LIMIT ${limit}
     ${lock ? Prisma.sql`FOR UPDATE OF r SKIP LOCKED` : Prisma.empty}`;
}

/** What a run at `now` would erase (`npm run retention -- --dry-run`), and how many in all. */
export async function listDueReferrals({
  now = new Date(),
  limit = 1000,
}: { now?: Date; limit?: number } = {}): Promise<{ total: number; referrals: DueReferral[] }> {
  const policy = await retentionPolicy();
  const referrals = await db().$queryRaw<DueReferral[]>(dueSql(policy, now, limit, false));
  const [count] = await db().$queryRaw<{ total: number }[]>`
    SELECT count(*)::int AS total FROM (${dueSql(policy, now, 2_147_483_647, false)}) due`;
  return { total: count?.total ?? 0, referrals };
}

/** Everything the admins' retention page shows: periods, runs, what is due, the keys' schedule. */
export async function retentionOverview(now = new Date()) {
  const [policy, changedBy, runs, due, keys] = await Promise.all([
    retentionPolicy(),
    db().retentionPolicy.findUnique({ where: { one: 1 }, select: { changedBy: { select: { displayName: true } } } }),
    db().retentionRun.findMany({
      orderBy: { startedAt: 'desc' },
      take: 5,
      select: { id: true, startedAt: true, finishedAt: true, trigger: true, purged: true },
    }),
    listDueReferrals({ now, limit: 0 }),
    keyStates(),
  ]);
  return {
    policy: { ...policy, changedBy: changedBy?.changedBy?.displayName ?? null },
    maxDays: env().RETENTION_MAX_DAYS,
    nextRun: nextRetentionRun(now),
    runs,
    dueNow: due.total,
    keys,
    keyRotationDays: env().KEY_ROTATION_DAYS,
    destroyWithinDays: DESTROY_WITHIN_DAYS,
    longestRecoverableDays: longestRecoverableDays(),
  };
}
export type RetentionOverview = Awaited<ReturnType<typeof retentionOverview>>;
