import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import { caseNumberIndex } from '@/lib/referrals/sealed';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { isUuid } from '@/lib/validation/uuid';

import type { AuditRow, ReferralTrace, TraceActor, TracedReferral } from './dto';
import { type AuditSearch, EXPORT_MAX_ROWS, SEARCH_PAGE_SIZE } from './schema';

/**
 * The auditor's reads of the audit trail (issue 13). Each search, trace and export is itself an audit event
 * (who asked what: filters and ids, never results). Every query is bounded by time or by one record and
 * backed by an index of the partitioned events table: by time, actor, action or record (and the list
 * views' referral ids, GIN); the auditor's search stays fast with tens of millions of events
 * (`npm run bench -- audit`).
 */

type Cursor = { at: Date; id: bigint };

/** Opaque keyset cursor: the last row's time and chain position. */
export function encodeAuditCursor(row: Pick<AuditRow, 'at' | 'id'>): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString('base64url');
}

/** The position a cursor names, or null (first page) for anything that is not a cursor we issued. */
function decodeAuditCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{1,19}$/.test(id) || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at)) return null;
  const instant = new Date(at);
  // A position past PostgreSQL's bigint would fail the query: not a cursor we issued.
  if (Number.isNaN(instant.getTime()) || BigInt(id) > 9_223_372_036_854_775_807n) return null;
  return { at: instant, id: BigInt(id) };
}

const ROW_COLUMNS = Prisma.sql`
  e.id::text AS id, e.at, e."actorId"::text AS "actorId", u."displayName" AS "actorName", u.email AS "actorEmail",
  e."actorRole"::text AS "actorRole", e.action, e."entityType", e."entityId",
  coalesce(cardinality(e."subjectIds"), 0)::int AS "subjectCount", e.reason, e.recipient, e.details`;

/** Events about one record (a UUID): it is the event's record, or one of the records a list view showed. */
function aboutRecord(record: string): Prisma.Sql {
  return Prisma.sql`(e."entityId" = ${record} OR e."subjectIds" @> ARRAY[${record}::uuid])`;
}

/**
 * Events matching all `conditions`, newest first, with their actors. About one record the matches are few,
 * but the planner cannot know it (a referral's id is rare among millions of listed ids, beyond its
 * statistics) and would walk the time index backwards through every event of the period. Collecting the
 * matches first (MATERIALIZED, through the record's own indexes) takes milliseconds instead of tens of
 * seconds at 20,000,000 events (`npm run bench -- audit`).
 */
function eventsSql(conditions: Prisma.Sql[], limit: number, { byRecord }: { byRecord: boolean }): Prisma.Sql {
  const where = Prisma.join(conditions, ' AND ');
  return byRecord
    ? Prisma.sql`
      WITH e AS MATERIALIZED (SELECT * FROM public."AuditEvent" e WHERE ${where})
      SELECT ${ROW_COLUMNS} FROM e LEFT JOIN public."User" u ON u.id = e."actorId"
       ORDER BY e.at DESC, e.id DESC
       LIMIT ${limit}`
    : Prisma.sql`
      SELECT ${ROW_COLUMNS} FROM public."AuditEvent" e LEFT JOIN public."User" u ON u.id = e."actorId"
       WHERE ${where}
       ORDER BY e.at DESC, e.id DESC
       LIMIT ${limit}`;
}

/** The search's SQL, newest first (also the benchmark's plain-SQL baseline). */
export function auditSearchSql(search: AuditSearch, limit = SEARCH_PAGE_SIZE + 1): Prisma.Sql {
  const cursor = decodeAuditCursor(search.cursor);
  return eventsSql(
    [
      Prisma.sql`e.at >= ${berlinDayStart(search.from)}`,
      Prisma.sql`e.at < ${berlinDayStart(addDays(search.to, 1))}`,
      ...(search.actorId ? [Prisma.sql`e."actorId" = ${search.actorId}::uuid`] : []),
      ...(search.actorRole ? [Prisma.sql`e."actorRole" = ${search.actorRole}::"Role"`] : []),
      ...(search.action ? [Prisma.sql`e.action = ${search.action}`] : []),
      ...(search.record ? [aboutRecord(search.record)] : []),
      // Written so that the time bound alone can use the (…, at) indexes; the id breaks ties within a millisecond.
      ...(cursor ? [Prisma.sql`e.at <= ${cursor.at}`, Prisma.sql`(e.at < ${cursor.at} OR e.id < ${cursor.id})`] : []),
    ],
    limit,
    { byRecord: Boolean(search.record) },
  );
}

/** What an auditor asked, as the event that records the search: filters only. */
function searchDetails(search: AuditSearch, extra: Record<string, string | number> = {}) {
  return {
    from: search.from,
    to: search.to,
    ...(search.actorId && { person: search.actorId }),
    ...(search.actorRole && { role: search.actorRole }),
    ...(search.action && { action: search.action }),
    ...(search.record && { record: search.record }),
    ...(search.cursor && { page: 'LATER' }),
    ...extra,
  };
}

/** One page of the auditor's search; the search itself is audited. */
export async function searchAuditTrail(
  actor: Actor,
  search: AuditSearch,
): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  const rows = await db().$queryRaw<AuditRow[]>(auditSearchSql(search));
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'AUDIT_SEARCHED',
    details: searchDetails(search),
  });
  const items = rows.slice(0, SEARCH_PAGE_SIZE);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > SEARCH_PAGE_SIZE && last ? encodeAuditCursor(last) : null };
}

/**
 * The events of a search for a CSV download (at most EXPORT_MAX_ROWS, newest first; `truncated` says when
 * there were more). The export is audited with its filters and the number of rows.
 */
export async function exportAuditTrail(
  actor: Actor,
  search: AuditSearch,
): Promise<{ rows: AuditRow[]; truncated: boolean }> {
  const rows = await db().$queryRaw<AuditRow[]>(auditSearchSql({ ...search, cursor: undefined }, EXPORT_MAX_ROWS + 1));
  const truncated = rows.length > EXPORT_MAX_ROWS;
  const kept = rows.slice(0, EXPORT_MAX_ROWS);
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'AUDIT_EXPORTED',
    details: searchDetails(search, { rows: kept.length }),
  });
  return { rows: kept, truncated };
}

const TRACED_SELECT = {
  id: true,
  submittedAt: true,
  status: true,
  dataKey: true,
  station: { select: { name: true } },
  municipality: { select: { name: true } },
  tracks: { select: { partner: { select: { name: true } } }, orderBy: { track: 'asc' } },
} as const satisfies Prisma.ReferralSelect;

function traced(row: Prisma.ReferralGetPayload<{ select: typeof TRACED_SELECT }>): TracedReferral {
  return {
    id: row.id,
    submittedAt: row.submittedAt,
    stationName: row.station.name,
    municipalityName: row.municipality.name,
    status: row.status,
    erased: row.dataKey === null,
    partners: row.tracks.map((t) => t.partner.name),
  };
}

/**
 * The referrals a Vorgangsnummer (however written) or an id names, for "who saw this referral": any
 * referral of the directorate, found through the keyed index of the number (never stored readable). The
 * look-up is itself audited, by the referrals it found (never the number).
 */
export async function findReferralsToTrace(actor: Actor, query: string): Promise<TracedReferral[]> {
  const rows = await db().referral.findMany({
    where: isUuid(query) ? { id: query.toLowerCase() } : { caseNumberIndex: new Uint8Array(caseNumberIndex(query)) },
    select: TRACED_SELECT,
    orderBy: { submittedAt: 'desc' },
    take: 20,
  });
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'AUDIT_SEARCHED',
    subjectIds: rows.map((row) => row.id),
    details: { by: isUuid(query) ? 'ID' : 'CASE_NUMBER', found: rows.length },
  });
  return rows.map(traced);
}

/** The events a trace lists at most. */
export const TRACE_MAX_EVENTS = 500;
const DISCLOSURES = new Set(['REFERRAL_DISPATCHED', 'REFERRAL_DISCLOSED']);

function byActor(rows: AuditRow[]): TraceActor[] {
  const people = new Map<string, TraceActor>();
  for (const row of rows) {
    const key = row.actorId ?? 'system';
    const seen = people.get(key);
    if (seen) {
      seen.count += 1;
      if (row.at < seen.first) seen.first = row.at;
      if (row.at > seen.last) seen.last = row.at;
    } else {
      people.set(key, {
        actorId: row.actorId,
        name: row.actorName,
        email: row.actorEmail,
        role: row.actorRole,
        count: 1,
        first: row.at,
        last: row.at,
      });
    }
  }
  return [...people.values()].sort((a, b) => b.last.getTime() - a.last.getTime());
}

/** The trace's SQL (also the benchmark's plain-SQL baseline): every event about one referral, newest first. */
export function referralTraceSql(
  referralId: string,
  range: { from?: string; to?: string },
  limit = TRACE_MAX_EVENTS + 1,
) {
  return eventsSql(
    [
      aboutRecord(referralId),
      ...(range.from ? [Prisma.sql`e.at >= ${berlinDayStart(range.from)}`] : []),
      ...(range.to ? [Prisma.sql`e.at < ${berlinDayStart(addDays(range.to, 1))}`] : []),
    ],
    limit,
    { byRecord: true },
  );
}

/**
 * "Wer hat diese Vermittlung gesehen oder erhalten?": every event about one referral in a period (all time
 * without one), summed up by person and by recipient. Audited as a trace of that referral.
 */
export async function traceReferral(
  actor: Actor,
  referralId: string,
  range: { from?: string; to?: string } = {},
): Promise<ReferralTrace | null> {
  if (!isUuid(referralId)) return null;
  const row = await db().referral.findUnique({ where: { id: referralId.toLowerCase() }, select: TRACED_SELECT });
  if (!row) return null;
  const rows = await db().$queryRaw<AuditRow[]>(referralTraceSql(row.id, range));
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'AUDIT_REFERRAL_TRACED',
    entityType: 'Referral',
    entityId: row.id,
    ...((range.from || range.to) && {
      details: { ...(range.from && { from: range.from }), ...(range.to && { to: range.to }) },
    }),
  });
  const events = rows.slice(0, TRACE_MAX_EVENTS);
  const people = events.filter((e) => e.actorId !== null);
  // Recipients are partner codes (stable in the trail, one event may name two); shown by today's name.
  const received = new Map<string, { recipient: string; count: number; first: Date; last: Date }>();
  for (const event of events) {
    if (!DISCLOSURES.has(event.action) || !event.recipient) continue;
    for (const code of event.recipient.split(', ')) {
      const seen = received.get(code);
      if (seen) {
        seen.count += 1;
        if (event.at < seen.first) seen.first = event.at;
      } else {
        received.set(code, { recipient: code, count: 1, first: event.at, last: event.at });
      }
    }
  }
  const names = new Map(
    (
      await db().partner.findMany({ where: { code: { in: [...received.keys()] } }, select: { code: true, name: true } })
    ).map((p) => [p.code, p.name]),
  );
  for (const entry of received.values()) entry.recipient = names.get(entry.recipient) ?? entry.recipient;
  const auditorCheck = (e: AuditRow) => e.action.startsWith('AUDIT_');
  return {
    referral: traced(row),
    saw: byActor(people.filter((e) => e.action !== 'ACCESS_DENIED' && !auditorCheck(e))),
    received: [...received.values()],
    refused: byActor(people.filter((e) => e.action === 'ACCESS_DENIED')),
    events: events.filter((e) => !auditorCheck(e)),
    auditorChecks: events.filter(auditorCheck).length,
    truncated: rows.length > TRACE_MAX_EVENTS,
  };
}

/** The break-glass views (REFERRAL_CONTENTS_OPENED) of the last days, for admins: who, when, which, why. */
export async function listBreakGlassViews(days = 90): Promise<AuditRow[]> {
  return db().$queryRaw<AuditRow[]>`
    SELECT ${ROW_COLUMNS}
      FROM public."AuditEvent" e LEFT JOIN public."User" u ON u.id = e."actorId"
     WHERE e.action = 'REFERRAL_CONTENTS_OPENED' AND e.at >= now() - make_interval(days => ${days}::int)
     ORDER BY e.at DESC, e.id DESC
     LIMIT 500`;
}
