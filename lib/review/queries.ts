import 'server-only';

import { z } from 'zod';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import type { OverrideReason, ReferralStatus, RoutingReason, Track } from '@/lib/generated/prisma/enums';
import { DUE_STATUSES, isOpen, OPEN_STATUSES } from '@/lib/referrals/lifecycle';
import { consultReferral } from '@/lib/referrals/consultation';
import { STORED_REFERRAL_SELECT, storedDraft, type StoredReferral } from '@/lib/referrals/stored';
import { timelineOf, type TimelineEntry } from '@/lib/referrals/timeline';
import { unwrapDataKey } from '@/lib/crypto/envelope';
import { inScope, reviewScope, type ReviewScope } from '@/lib/review/scope';
import { REFERRAL_STATUSES } from '@/lib/referrals/values';
import type { QueueRow } from '@/lib/review/dto';

export type { QueueRow };

export const QUEUE_PAGE_SIZE = 25;

/** Statuses of referrals that have ended, shown for the last ENDED_VISIBLE_DAYS days. */
export const ENDED_STATUSES = ['CLOSED', 'WITHDRAWN', 'PURGED'] as const;
export const ENDED_VISIBLE_DAYS = 90;

/**
 * The queue's filters, as they come from the URL: anything that is not one of ours is ignored (the default
 * view), never an error page. Status defaults to "to review".
 */
export const queueFilters = z.object({
  status: z.enum(REFERRAL_STATUSES).catch('SUBMITTED').default('SUBMITTED'),
  partner: z.uuid().optional().catch(undefined),
  municipality: z.uuid().optional().catch(undefined),
  highRisk: z.literal('1').optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type QueueFilters = z.infer<typeof queueFilters>;

/** Where a page ends: the last row's place in the order (high risk first, then the longest waiting). */
type Cursor = { highRisk: boolean; statusChangedAt: Date; id: string };
const cursorParts = z.tuple([z.enum(['1', '0']), z.iso.datetime(), z.uuid()]);

export function encodeQueueCursor(row: Cursor): string {
  return Buffer.from(`${row.highRisk ? '1' : '0'}|${row.statusChangedAt.toISOString()}|${row.id}`).toString(
    'base64url',
  );
}

function decodeQueueCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const parsed = cursorParts.safeParse(Buffer.from(cursor, 'base64url').toString('utf8').split('|'));
  return parsed.success
    ? { highRisk: parsed.data[0] === '1', statusChangedAt: new Date(parsed.data[1]), id: parsed.data[2] }
    : null;
}

const scopeColumn = (scope: ReviewScope) =>
  'stationId' in scope
    ? Prisma.sql`r."stationId" = ${scope.stationId}::uuid`
    : Prisma.sql`r."inspectionId" = ${scope.inspectionId}::uuid`;

/**
 * The queue's page as SQL (exported for the test that reads its plan): one status of one scope, high risk
 * first, then the longest waiting. Each half (high risk, not high risk) is a range of the index on (scope,
 * status, highRisk, statusChangedAt, id) starting at the cursor, so a page costs the same on the first day and
 * with a million referrals; the filters narrow the range's rows.
 */
export function queuePageSql(scope: ReviewScope, filters: QueueFilters, now: Date, limit = QUEUE_PAGE_SIZE + 1) {
  const after = decodeQueueCursor(filters.cursor) ?? {
    highRisk: true,
    statusChangedAt: new Date(0),
    id: '00000000-0000-0000-0000-000000000000',
  };
  const narrow = Prisma.sql`${filters.municipality ? Prisma.sql`AND r."municipalityId" = ${filters.municipality}::uuid` : Prisma.empty}
    ${filters.overdue ? Prisma.sql`AND r."dueAt" < ${now}` : Prisma.empty}
    ${
      filters.partner
        ? Prisma.sql`AND EXISTS (SELECT 1 FROM "ReferralTrack" t WHERE t."referralId" = r.id AND t."partnerId" = ${filters.partner}::uuid)`
        : Prisma.empty
    }`;
  // Ended referrals are history, growing for ever: the queue shows those of the last days only, so that
  // every view stays a bounded range of the index.
  const since = (ENDED_STATUSES as readonly string[]).includes(filters.status)
    ? Prisma.sql`AND r."statusChangedAt" >= ${new Date(now.getTime() - ENDED_VISIBLE_DAYS * 86_400_000)}`
    : Prisma.empty;
  const half = (highRisk: boolean, from: Prisma.Sql) => Prisma.sql`
    (SELECT r.id, r."highRisk", r."statusChangedAt" FROM "Referral" r
      WHERE ${scopeColumn(scope)} AND r.status = ${filters.status}::"ReferralStatus" AND r."highRisk" = ${highRisk}
        ${since} ${from} ${narrow}
      ORDER BY r."statusChangedAt", r.id LIMIT ${limit})`;
  const continueAt = Prisma.sql`AND (r."statusChangedAt", r.id) > (${after.statusChangedAt}, ${after.id}::uuid)`;
  const none = Prisma.sql`(SELECT NULL::uuid AS id, NULL::boolean AS "highRisk", NULL::timestamptz AS "statusChangedAt" WHERE false)`;
  // Nothing is ever due in a status without a deadline: no need to look.
  const halves =
    filters.overdue && !DUE_STATUSES.includes(filters.status)
      ? none
      : after.highRisk
        ? Prisma.sql`${half(true, continueAt)} ${filters.highRisk ? Prisma.empty : Prisma.sql`UNION ALL ${half(false, Prisma.empty)}`}`
        : filters.highRisk
          ? none
          : half(false, continueAt);
  return Prisma.sql`
    WITH page AS (SELECT * FROM (${halves}) halves ORDER BY "highRisk" DESC, "statusChangedAt", id LIMIT ${limit})
    SELECT r.id, r.status::text AS status, r."highRisk", r."statusChangedAt", r."submittedAt", r."incidentAt",
           r."dueAt", r.version, m.name AS municipality, s.name AS station, u."displayName" AS officer,
           (SELECT json_agg(json_build_object('track', t.track, 'partner', p.name, 'routingReason', t."routingReason",
                                              'overrideReason', t."overrideReason", 'status', t.status,
                                              'trouble', t."deliveryTroubleAt" IS NOT NULL) ORDER BY t.track)
              FROM "ReferralTrack" t JOIN "Partner" p ON p.id = t."partnerId" WHERE t."referralId" = r.id) AS tracks
      FROM page JOIN "Referral" r ON r.id = page.id
      JOIN "Municipality" m ON m.id = r."municipalityId"
      JOIN "Station" s ON s.id = r."stationId"
      JOIN "User" u ON u.id = r."createdById"
     ORDER BY page."highRisk" DESC, page."statusChangedAt", page.id`;
}

/** Per open status: how many, and how many of them overdue. */
export type QueueCounts = Record<(typeof OPEN_STATUSES)[number], { total: number; overdue: number; highRisk: number }>;

/** The counts of the scope's open referrals, backed by the same index as the queue (open statuses are few). */
export async function queueCounts(scope: ReviewScope, now = new Date()): Promise<QueueCounts> {
  const rows = await db().$queryRaw<{ status: ReferralStatus; total: number; overdue: number; highRisk: number }[]>`
    SELECT r.status::text AS status, count(*)::int AS total, count(*) FILTER (WHERE r."dueAt" < ${now})::int AS overdue,
           count(*) FILTER (WHERE r."highRisk")::int AS "highRisk"
      FROM "Referral" r
     WHERE ${scopeColumn(scope)} AND r.status = ANY(${[...OPEN_STATUSES]}::"ReferralStatus"[])
     GROUP BY r.status`;
  const counts = Object.fromEntries(
    OPEN_STATUSES.map((s) => [s, { total: 0, overdue: 0, highRisk: 0 }]),
  ) as QueueCounts;
  for (const row of rows) {
    if (row.status in counts) {
      counts[row.status as keyof QueueCounts] = { total: row.total, overdue: row.overdue, highRisk: row.highRisk };
    }
  }
  return counts;
}

/**
 * The supervisor's queue ("Prüfung"): one page of one status in the supervisor's scope, with the counts. It
 * shows no personal data, so looking at it is not a consultation to audit; opening a referral is.
 */
export async function reviewQueue({
  actor,
  filters,
  now = new Date(),
}: {
  actor: Actor;
  filters: QueueFilters;
  now?: Date;
}) {
  const scope = reviewScope(actor);
  if (!scope) return { scoped: false as const };
  type Raw = Omit<QueueRow, 'overdue'>;
  const [rows, counts] = await Promise.all([
    db().$queryRaw<Raw[]>(queuePageSql(scope, filters, now)),
    queueCounts(scope, now),
  ]);
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  const items: QueueRow[] = page.map((r) => ({ ...r, overdue: r.dueAt !== null && r.dueAt < now }));
  const last = page.at(-1);
  return {
    scoped: true as const,
    items,
    counts,
    nextCursor: rows.length > QUEUE_PAGE_SIZE && last ? encodeQueueCursor(last) : null,
  };
}

/** The supervisor's start page: how many wait for review, how many of all open ones are overdue. */
export async function reviewSummary(actor: Actor, now = new Date()) {
  const scope = reviewScope(actor);
  if (!scope) return null;
  const counts = await queueCounts(scope, now);
  return {
    toReview: counts.SUBMITTED.total,
    highRiskToReview: counts.SUBMITTED.highRisk,
    overdue: Object.values(counts).reduce((sum, c) => sum + c.overdue, 0),
    overdueToReview: counts.SUBMITTED.overdue,
  };
}

/** A referral as the supervisor checks it: everything each partner would receive, how it was routed, its steps. */
export type ReviewView = {
  id: string;
  status: ReferralStatus;
  version: number;
  highRisk: boolean;
  submittedAt: Date;
  statusChangedAt: Date;
  dueAt: Date | null;
  municipalityName: string;
  stationName: string;
  officerName: string;
  /** The supervisor filed it: four-eyes forbids deciding it. */
  own: boolean;
  /** Waiting for this supervisor's decision: submitted, not their own, its data still there. */
  decidable: boolean;
  /** Consent can still be withdrawn: for the whole referral, and for the perpetrator's part alone. */
  withdrawable: boolean;
  perpetratorWithdrawable: boolean;
  draft: StoredReferral | null;
  tracks: {
    track: Track;
    status: ReferralStatus;
    partnerName: string;
    routingReason: RoutingReason;
    overrideReason: OverrideReason | null;
    /** Its webhook keeps failing ("Zustellung gestört"). */
    deliveryTrouble: boolean;
  }[];
  timeline: TimelineEntry[];
};

/**
 * One referral of the supervisor's scope, opened: a consultation of personal data (audited). Outside the
 * scope it is "not found", exactly like one that does not exist, and the attempt is audited.
 */
export async function referralForReview({ actor, id }: { actor: Actor; id: string }): Promise<ReviewView | null> {
  const row = await consultReferral(
    actor,
    id,
    {
      ...STORED_REFERRAL_SELECT,
      stationId: true,
      inspectionId: true,
      createdById: true,
      submittedAt: true,
      statusChangedAt: true,
      dueAt: true,
      municipality: { select: { name: true } },
      station: { select: { name: true } },
      createdBy: { select: { displayName: true } },
    },
    {
      permission: 'review:read',
      allowed: (r) => inScope(reviewScope(actor), r),
      refusal: 'OUT_OF_SCOPE',
      purpose: 'REVIEW',
    },
  );
  if (!row) return null;
  const dataKey = unwrapDataKey(row.dataKey, row.id);
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    highRisk: row.highRisk,
    submittedAt: row.submittedAt,
    statusChangedAt: row.statusChangedAt,
    dueAt: row.dueAt,
    municipalityName: row.municipality.name,
    stationName: row.station.name,
    officerName: row.createdBy.displayName,
    own: row.createdById === actor.id,
    decidable: row.status === 'SUBMITTED' && row.createdById !== actor.id && dataKey !== null,
    withdrawable: isOpen(row.status),
    perpetratorWithdrawable: row.tracks.some((t) => t.track === 'PERPETRATOR' && isOpen(t.status)),
    draft: dataKey ? storedDraft(row) : null,
    tracks: row.tracks.map((t) => ({
      track: t.track,
      status: t.status,
      partnerName: t.partner.name,
      routingReason: t.routingReason,
      overrideReason: t.overrideReason,
      deliveryTrouble: t.deliveryTroubleAt !== null,
    })),
    timeline: await timelineOf(db(), row.id, dataKey),
  };
}
