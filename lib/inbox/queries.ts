import 'server-only';

import { z } from 'zod';

import { recordAudit, recordDenial } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import type { ContactAttemptChannel, Outcome, ReferralStep } from '@/lib/generated/prisma/enums';
import type { InboxRow } from '@/lib/inbox/dto';
import { INBOX_STATUSES } from '@/lib/inbox/values';
import { DELIVERY_SELECT, deliveryProjection, referenceOf } from '@/lib/delivery/projection';
import type { ProjectionValues } from '@/lib/referrals/projection';
import { openReferral } from '@/lib/referrals/sealed';
import { isUuid } from '@/lib/validation/uuid';

/**
 * The partner's inbox (DESIGN.md section 6): the deliveries (tracks) routed to the caseworker's own
 * organisation, and nothing else. Every read is scoped to `actor.partnerId`; a delivery of another partner
 * is "not found" (and the attempt an audited denial). What a caseworker reads of a delivery is its
 * projection (lib/referrals/projection.ts), never more; showing names is a consultation, audited.
 */

export const INBOX_PAGE_SIZE = 25;

/** The inbox's view from the URL: anything that is not ours is the default view ("new"). */
export const inboxFilters = z.object({
  status: z.enum(INBOX_STATUSES).catch('DISPATCHED').default('DISPATCHED'),
  cursor: z.string().max(200).optional().catch(undefined),
});
export type InboxFilters = z.infer<typeof inboxFilters>;

/** Where a page ends: the last row's place (high risk first, then the newest). */
type Cursor = { highRisk: boolean; dispatchedAt: Date; id: string };
const cursorParts = z.tuple([z.enum(['1', '0']), z.iso.datetime(), z.uuid()]);

function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.highRisk ? '1' : '0'}|${row.dispatchedAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const parsed = cursorParts.safeParse(Buffer.from(cursor, 'base64url').toString('utf8').split('|'));
  return parsed.success
    ? { highRisk: parsed.data[0] === '1', dispatchedAt: new Date(parsed.data[1]), id: parsed.data[2] }
    : null;
}

export type { InboxRow };

type RawRow = Omit<InboxRow, 'reference' | 'overdue' | 'personName'> & {
  referralId: string;
  dataKey: string | null;
  person: string | null;
};

/**
 * One page of one view, as SQL (exported for the test that reads its plan): a range of the index on
 * (partnerId, status, highRisk, dispatchedAt, id), starting at the cursor.
 */
export function inboxPageSql(partnerId: string, filters: InboxFilters, limit = INBOX_PAGE_SIZE + 1) {
  const after = decodeCursor(filters.cursor);
  return Prisma.sql`
    SELECT t.id, t.track::text AS track, t.status::text AS status, t."highRisk", t."dispatchedAt", t."dueAt",
           t.outcome::text AS outcome, t.person, r.id AS "referralId", r."dataKey", r."incidentAt",
           CASE WHEN t.track = 'VICTIM' THEN m.name END AS municipality
      FROM "ReferralTrack" t
      JOIN "Referral" r ON r.id = t."referralId"
      JOIN "Municipality" m ON m.id = r."municipalityId"
     WHERE t."partnerId" = ${partnerId}::uuid AND t.status = ${filters.status}::"ReferralStatus"
       AND t."dispatchedAt" IS NOT NULL
       ${after ? Prisma.sql`AND (t."highRisk", t."dispatchedAt", t.id) < (${after.highRisk}, ${after.dispatchedAt}, ${after.id}::uuid)` : Prisma.empty}
     ORDER BY t."highRisk" DESC, t."dispatchedAt" DESC, t.id DESC
     LIMIT ${limit}`;
}

/** Per view of the inbox: how many, and how many of them overdue. */
export type InboxCounts = Record<'DISPATCHED' | 'ACKNOWLEDGED', { total: number; overdue: number }>;

async function inboxCounts(partnerId: string, now: Date): Promise<InboxCounts> {
  const rows = await db().$queryRaw<{ status: 'DISPATCHED' | 'ACKNOWLEDGED'; total: number; overdue: number }[]>`
    SELECT status::text AS status, count(*)::int AS total, count(*) FILTER (WHERE "dueAt" < ${now})::int AS overdue
      FROM "ReferralTrack"
     WHERE "partnerId" = ${partnerId}::uuid AND status IN ('DISPATCHED', 'ACKNOWLEDGED')
     GROUP BY status`;
  const counts: InboxCounts = { DISPATCHED: { total: 0, overdue: 0 }, ACKNOWLEDGED: { total: 0, overdue: 0 } };
  for (const row of rows) counts[row.status] = { total: row.total, overdue: row.overdue };
  return counts;
}

/** The caseworker's start page: the open views' counts, and how many are overdue in all. */
export async function inboxSummary(actor: Actor, now = new Date()) {
  if (!actor.partnerId) return null;
  const [counts, [withdrawn]] = await Promise.all([
    inboxCounts(actor.partnerId, now),
    // Withdrawn after delivery in the last 30 days: the partner is asked to delete its own copies.
    db().$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "ReferralTrack" t
       WHERE t."partnerId" = ${actor.partnerId}::uuid AND t.status = 'WITHDRAWN' AND t."dispatchedAt" IS NOT NULL
         AND EXISTS (SELECT 1 FROM "ReferralEvent" e
                      WHERE e."referralId" = t."referralId" AND e.step = 'WITHDRAWN'
                        AND (e.track IS NULL OR e.track = t.track) AND e.at > ${new Date(now.getTime() - 30 * 86_400_000)})`,
  ]);
  return {
    ...counts,
    overdue: counts.DISPATCHED.overdue + counts.ACKNOWLEDGED.overdue,
    withdrawnRecently: withdrawn?.count ?? 0,
  };
}

type Person = { firstName: string; lastName: string };

/**
 * "Eingang": one page of one view of the caseworker's own organisation, with the counts of the open views.
 * Names are shown, so a page with names is an audited consultation.
 */
export async function listInbox({
  actor,
  filters,
  now = new Date(),
}: {
  actor: Actor;
  filters: InboxFilters;
  now?: Date;
}) {
  if (!actor.partnerId) return { scoped: false as const };
  const [rows, counts] = await Promise.all([
    db().$queryRaw<RawRow[]>(inboxPageSql(actor.partnerId, filters)),
    inboxCounts(actor.partnerId, now),
  ]);
  const page = rows.slice(0, INBOX_PAGE_SIZE);
  const items: InboxRow[] = page.map(({ referralId, dataKey, person: sealed, ...row }) => {
    const person = openReferral({ id: referralId, dataKey, details: null }).person<Person>(row.track, sealed);
    const withdrawn = row.status === 'WITHDRAWN';
    return {
      ...row,
      // Withdrawn: the reference and when it came, to find any copy kept outside the app; nothing of the case.
      ...(withdrawn && { highRisk: false, municipality: null }),
      reference: referenceOf(row.id),
      overdue: row.dueAt !== null && row.dueAt < now,
      personName: person ? `${person.firstName} ${person.lastName}` : null,
    };
  });
  const shown = page.filter((_, i) => items[i]!.personName);
  if (shown.length > 0) {
    await recordAudit(db(), {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'REFERRAL_LIST_VIEWED',
      entityType: 'Referral',
      subjectIds: shown.map((r) => r.referralId),
      details: { count: shown.length, purpose: 'PARTNER_INBOX' },
    });
  }
  const last = page.at(-1);
  return {
    scoped: true as const,
    items,
    counts,
    nextCursor:
      rows.length > INBOX_PAGE_SIZE && last
        ? encodeCursor({ highRisk: last.highRisk, dispatchedAt: last.dispatchedAt, id: last.id })
        : null,
  };
}

/** A step of the delivery as the partner reads it: the police's own steps before delivery are not theirs. */
export type PartnerStep = {
  step: ReferralStep;
  at: Date;
  /** A caseworker of the partner's own organisation; null: the system or the police. */
  actorName: string | null;
  contactAt: Date | null;
  contactChannel: ContactAttemptChannel | null;
  reached: boolean | null;
  outcome: Outcome | null;
};

const PARTNER_STEPS: ReferralStep[] = [
  'DISPATCHED',
  'ACKNOWLEDGED',
  'CONTACT_ATTEMPTED',
  'CLOSED',
  'WITHDRAWN',
  'PURGED',
];

/** One delivery as its partner works on it. */
export type InboxDelivery = Pick<
  InboxRow,
  'id' | 'reference' | 'track' | 'status' | 'highRisk' | 'dispatchedAt' | 'dueAt' | 'overdue' | 'outcome'
> & {
  acknowledgedAt: Date | null;
  firstContactAt: Date | null;
  /** What the partner receives; null once the personal data is erased. */
  projection: Partial<ProjectionValues> | null;
  attempts: { total: number; reached: number };
  steps: PartnerStep[];
};

/**
 * One delivery of the caseworker's organisation, opened: a consultation of personal data (audited). Another
 * partner's delivery, or one not yet delivered, is "not found"; another partner's is an audited denial.
 */
export async function inboxDelivery({
  actor,
  id,
  now = new Date(),
}: {
  actor: Actor;
  id: string;
  now?: Date;
}): Promise<InboxDelivery | null> {
  if (!actor.partnerId || !isUuid(id)) return null;
  const row = await db().referralTrack.findUnique({
    where: { id: id.toLowerCase() },
    select: {
      ...DELIVERY_SELECT,
      status: true,
      partnerId: true,
      dispatchedAt: true,
      dueAt: true,
      acknowledgedAt: true,
      firstContactAt: true,
      outcome: true,
    },
  });
  if (!row) return null;
  if (row.partnerId !== actor.partnerId) {
    await recordDenial(db(), {
      actor,
      kind: 'inbox:read',
      details: { permission: 'inbox:read', referral: row.referral.id, reason: 'OTHER_PARTNER' },
    });
    return null;
  }
  const { dispatchedAt } = row;
  if (!dispatchedAt) return null;
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'REFERRAL_VIEWED',
    entityType: 'Referral',
    entityId: row.referral.id,
    details: { purpose: 'PARTNER_INBOX', track: row.track },
  });
  const projection = deliveryProjection(row);
  const events = await db().referralEvent.findMany({
    where: {
      referralId: row.referral.id,
      step: { in: PARTNER_STEPS },
      OR: [{ track: null }, { track: row.track }],
    },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: {
      step: true,
      at: true,
      actorRole: true,
      contactAt: true,
      contactChannel: true,
      reached: true,
      outcome: true,
      actor: { select: { displayName: true, partnerId: true } },
    },
  });
  const attempts = events.filter((e) => e.step === 'CONTACT_ATTEMPTED');
  return {
    id: row.id,
    reference: referenceOf(row.id),
    track: row.track,
    status: row.status,
    highRisk: row.highRisk,
    dispatchedAt,
    dueAt: row.dueAt,
    overdue: row.dueAt !== null && row.dueAt < now,
    acknowledgedAt: row.acknowledgedAt,
    firstContactAt: row.firstContactAt,
    outcome: row.outcome,
    projection,
    attempts: { total: attempts.length, reached: attempts.filter((e) => e.reached).length },
    steps: events.map((e) => ({
      step: e.step,
      at: e.at,
      actorName: e.actor && e.actor.partnerId === actor.partnerId ? e.actor.displayName : null,
      contactAt: e.contactAt,
      contactChannel: e.contactChannel,
      reached: e.reached,
      outcome: e.outcome,
    })),
  };
}
