/**
 * The lists that must stay fast with years of history (DESIGN.md section 11: "every list keyset-paginated
 * and index-backed") never read the referral table from end to end: with a realistic fill of referrals and
 * fresh statistics, PostgreSQL's plan for the supervisor's queue (both scopes, each status, every filter, a
 * later page), its counts, and the officer's "Meine Vermittlungen" has no sequential scan of "Referral", and
 * the queue's status is part of its index range rather than a filter over the scope's every referral.
 *
 * The SQL explained is the SQL the app sends: the test's Prisma client is the one lib/db.ts hands out, and
 * it records every query with its parameters, so a change to the queries is tested as it is, never a copy.
 * The filled referrals are made by the same code as `npm run db:fill` and the queue benchmark, and the app's
 * own functions open them.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { ACTOR_SELECT } from '@/lib/auth/session-store';
import { analyseFilledTables, fillReferrals } from '@/lib/cli/fill-referrals';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { listOwnReferrals } from '@/lib/referrals/queries';
import { caseNumberIndex, openReferral } from '@/lib/referrals/sealed';
import { timelineOf } from '@/lib/referrals/timeline';
import {
  encodeQueueCursor,
  QUEUE_PAGE_SIZE,
  queueCounts,
  queueFilters,
  queuePageSql,
  type QueueFilters,
} from '@/lib/review/queries';
import type { ReviewScope } from '@/lib/review/scope';
import { inboxFilters, listInbox } from '@/lib/inbox/queries';
import { INBOX_STATUSES } from '@/lib/inbox/values';
import { seedReferenceData } from '@/prisma/factories';

import { testDatabaseUrl } from '../helpers/db';

/** Enough that an index pays off and the planner knows it (tens of thousands), little enough for CI. */
const FILLED = 25_000;

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
};
type Captured = { query: string; params: string };

const captured: Captured[] = [];
let client: PrismaClient;
const now = new Date();

beforeAll(async () => {
  const logging = new PrismaClient({
    adapter: new PrismaPg({ connectionString: testDatabaseUrl() }),
    log: [{ emit: 'event', level: 'query' }],
  });
  logging.$on('query', (event) => captured.push({ query: event.query, params: event.params }));
  client = logging as unknown as PrismaClient;
  // lib/db.ts keeps its one client on globalThis: placed there before anything asks for it, it is the client
  // the queries under test use, so every statement they send is recorded.
  (globalThis as unknown as { prisma?: PrismaClient }).prisma = client;
  await seedReferenceData(client);
  await fillReferrals(testDatabaseUrl(), { count: FILLED, now });
  await analyseFilledTables(testDatabaseUrl());
}, 120_000);

/** The statements `run` sends to the database (those `keep` selects), each with its parameters; `label` names a failure. */
async function statementsOf(
  label: string,
  run: () => Promise<unknown>,
  keep: (sql: string) => boolean,
): Promise<Captured[]> {
  captured.length = 0;
  await run().catch((error: unknown) => {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const statements = captured.filter((c) => keep(c.query));
  expect(statements.length).toBeGreaterThan(0);
  return statements;
}

/** PostgreSQL's plan for a recorded statement with its recorded parameters (a custom plan, as it runs). */
async function planOf({ query, params }: Captured): Promise<PlanNode> {
  const values = JSON.parse(params) as unknown[];
  const [row] = await client.$queryRawUnsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
    `EXPLAIN (FORMAT JSON) ${query}`,
    ...values,
  );
  return row!['QUERY PLAN'][0].Plan;
}

/** Every node of a plan tree (subplans and CTEs included: they are children in PostgreSQL's JSON). */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** A node that reads "Referral": a scan of the table, or of one of its indexes. */
const readsReferral = (n: PlanNode) =>
  n['Relation Name'] === 'Referral' || n['Index Name']?.startsWith('Referral_') === true;

/**
 * A range of the index on (scope, dueAt) below now: the overdue view's own range. It holds the scope's overdue
 * referrals only, open ones all (an ended referral has nothing due), so it stays small however long the
 * history; checking their status row by row there reads no more than that. (With a realistic share of
 * deliveries already attempted, and so due no longer, the planner prefers it for the rarer statuses.)
 */
const overdueRange = (n: PlanNode) => /"dueAt" </.test(n['Index Cond'] ?? '');

/**
 * No sequential scan of "Referral". With `statusInIndex`, the status is also part of an index range (Index
 * Cond) and never a condition checked row by row (Filter), but in the overdue view's own range: a status
 * compared in a way the index cannot use (e.g. cast to text) reads every referral of the scope, which a small
 * table can hide from the planner's choice. With `inIndexOrder`, no referrals are sorted: a keyset page is
 * read in the order of an index and stops after its rows, instead of sorting the officer's whole history first.
 */
async function expectIndexRange(
  label: string,
  run: () => Promise<unknown>,
  keep: (sql: string) => boolean,
  { statusInIndex = false, inIndexOrder = false }: { statusInIndex?: boolean; inIndexOrder?: boolean },
) {
  for (const statement of await statementsOf(label, run, keep)) {
    const plan = await planOf(statement);
    const shown = `${label}: ${JSON.stringify(plan)}`;
    const referral = nodes(plan).filter(readsReferral);
    expect(
      referral.filter((n) => n['Node Type'] === 'Seq Scan'),
      shown,
    ).toEqual([]);
    if (statusInIndex) {
      expect(
        referral.filter((n) => !overdueRange(n) && /\bstatus\b/.test(n.Filter ?? '')),
        shown,
      ).toEqual([]);
      // A view that cannot hold rows (overdue in a status without deadlines) reads no range at all: only the
      // join back by primary key, from an empty page.
      const ranges = referral.filter((n) => n['Index Name'] !== 'Referral_pkey' && !overdueRange(n));
      if (ranges.length > 0) {
        expect(
          ranges.some((n) => /\bstatus\b/.test(n['Index Cond'] ?? '')),
          shown,
        ).toBe(true);
      }
    }
    if (inIndexOrder) {
      const sortsReferrals = nodes(plan).filter((n) => n['Node Type'] === 'Sort' && nodes(n).some(readsReferral));
      expect(sortsReferrals, shown).toEqual([]);
    }
  }
}

const readsReferrals = (sql: string) => /^\s*(WITH|SELECT)\b/i.test(sql) && /"Referral"/.test(sql);

/** The largest station and the largest inspection by filled referrals: the ranges an index must cut short. */
async function largestScopes(): Promise<ReviewScope[]> {
  const [station] = await client.$queryRaw<{ id: string }[]>`
    SELECT "stationId" AS id FROM "Referral" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
  const [inspection] = await client.$queryRaw<{ id: string }[]>`
    SELECT "inspectionId" AS id FROM "Referral" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
  return [{ stationId: station!.id }, { inspectionId: inspection!.id }];
}

const scopeName = (scope: ReviewScope) => ('stationId' in scope ? 'station' : 'inspection');

describe('the fill', () => {
  it('makes referrals the app opens like its own, and erases what retention has erased', async () => {
    const live = await client.referral.findMany({
      where: { dataKey: { not: null } },
      select: {
        id: true,
        dataKey: true,
        details: true,
        caseNumberIndex: true,
        tracks: { select: { track: true, person: true } },
      },
      take: 20,
    });
    expect(live.length).toBeGreaterThan(0);
    for (const row of live) {
      const opened = openReferral(row);
      expect(opened.details?.caseNumber).toMatch(/^\d{4}\/\d{8}$/);
      expect(Buffer.from(row.caseNumberIndex!).equals(caseNumberIndex(opened.details!.caseNumber))).toBe(true);
      for (const track of row.tracks.filter((t) => t.person !== null)) {
        expect(opened.person<{ firstName: string }>(track.track, track.person)?.firstName).toEqual(expect.any(String));
      }
    }
    // A return's comment opens with the referral's key, bound to its moment.
    const returned = await client.referralEvent.findFirst({
      where: { step: 'RETURNED', comment: { not: null } },
      select: { referral: { select: { id: true, dataKey: true, details: true } } },
    });
    expect(returned).not.toBeNull();
    const { dataKey } = openReferral(returned!.referral);
    const timeline = await timelineOf(client, returned!.referral.id, dataKey);
    expect(timeline.find((e) => e.step === 'RETURNED')?.comment).toEqual(expect.any(String));
    // Erased: no key, no ciphertext, no blind index, no person, no comment.
    const erased = await client.$queryRaw<{ leftovers: number }[]>`
      SELECT count(*)::int AS leftovers FROM "Referral" r
       WHERE r.status IN ('WITHDRAWN', 'PURGED')
         AND (r."dataKey" IS NOT NULL OR r.details IS NOT NULL OR r."caseNumberIndex" IS NOT NULL
              OR EXISTS (SELECT 1 FROM "ReferralTrack" t WHERE t."referralId" = r.id AND t.person IS NOT NULL)
              OR EXISTS (SELECT 1 FROM "ReferralEvent" e WHERE e."referralId" = r.id AND e.comment IS NOT NULL))`;
    expect(erased[0]!.leftovers).toBe(0);
  });

  it("records the partners' feedback as the inbox does: attempts, first contacts, outcomes that agree", async () => {
    // Every acknowledged delivery of more than a few weeks ago had its attempts (at most three) unless consent
    // was withdrawn first, each by a caseworker of the delivery's partner, made after the delivery and recorded
    // after it was made.
    const [attempts] = await client.$queryRaw<
      {
        acknowledged: number;
        attempted: number;
        attempts: number;
        wrong: number;
        tooMany: number;
      }[]
    >`
      WITH acknowledged AS (
        SELECT t."referralId", t.track FROM "ReferralTrack" t
         WHERE t."acknowledgedAt" < now() - interval '40 days'
           AND NOT EXISTS (SELECT 1 FROM "ReferralEvent" w WHERE w."referralId" = t."referralId" AND w.step = 'WITHDRAWN'
                              AND (w.track IS NULL OR w.track = t.track)))
      SELECT (SELECT count(*)::int FROM acknowledged) AS acknowledged,
             (SELECT count(*)::int FROM acknowledged t
               WHERE EXISTS (SELECT 1 FROM "ReferralEvent" e WHERE e."referralId" = t."referralId"
                                AND e.track = t.track AND e.step = 'CONTACT_ATTEMPTED')) AS attempted,
             (SELECT count(*)::int FROM "ReferralEvent" WHERE step = 'CONTACT_ATTEMPTED') AS attempts,
             (SELECT count(*)::int FROM "ReferralEvent" e
                JOIN "ReferralTrack" t ON t."referralId" = e."referralId" AND t.track = e.track
                LEFT JOIN "User" u ON u.id = e."actorId"
               WHERE e.step = 'CONTACT_ATTEMPTED'
                 AND (e."fromStatus" <> 'ACKNOWLEDGED' OR e."toStatus" <> 'ACKNOWLEDGED' OR e."actorRole" <> 'PARTNER'
                      OR u."partnerId" IS DISTINCT FROM t."partnerId" OR e."contactChannel" IS NULL OR e.reached IS NULL
                      OR e."contactAt" IS NULL OR e."contactAt" > e.at OR e."contactAt" < date_trunc('minute', t."dispatchedAt")
                      OR e.at < t."acknowledgedAt" OR e.outcome IS NOT NULL)) AS wrong,
             (SELECT count(*)::int FROM (SELECT 1 FROM "ReferralEvent" WHERE step = 'CONTACT_ATTEMPTED'
                                          GROUP BY "referralId", track HAVING count(*) > 3) x) AS "tooMany"`;
    expect(attempts!.attempts).toBeGreaterThan(0);
    expect(attempts!.attempted).toBe(attempts!.acknowledged);
    expect(attempts!.wrong).toBe(0);
    expect(attempts!.tooMany).toBe(0);
    // No step of the referral itself stands for a partner's: acknowledgement, attempts and closing are a track's.
    const [referralLevel] = await client.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "ReferralEvent"
       WHERE step IN ('ACKNOWLEDGED', 'CONTACT_ATTEMPTED', 'CLOSED') AND track IS NULL`;
    expect(referralLevel!.count).toBe(0);

    // The delivery's first contact is its earliest attempt's stated time, and its outcome its closing step's.
    const [mismatch] = await client.$queryRaw<{ firstContact: number; outcome: number }[]>`
      SELECT count(*) FILTER (WHERE t."firstContactAt" IS DISTINCT FROM a.first)::int AS "firstContact",
             count(*) FILTER (WHERE t.outcome IS DISTINCT FROM c.outcome)::int AS outcome
        FROM "ReferralTrack" t
        LEFT JOIN LATERAL (SELECT min(e."contactAt") AS first FROM "ReferralEvent" e
                            WHERE e."referralId" = t."referralId" AND e.track = t.track
                              AND e.step = 'CONTACT_ATTEMPTED') a ON true
        LEFT JOIN LATERAL (SELECT e.outcome FROM "ReferralEvent" e
                            WHERE e."referralId" = t."referralId" AND e.track = t.track AND e.step = 'CLOSED') c ON true`;
    expect(mismatch).toEqual({ firstContact: 0, outcome: 0 });

    // Every closed delivery has an outcome the inbox would have taken (lib/inbox/service.ts recordOutcome),
    // recorded after its attempts; about 70 % of victims were reached.
    const closed = await client.$queryRaw<{ outcome: string; attempts: number; reached: number; after: boolean }[]>`
      SELECT c.outcome::text AS outcome, a.attempts, a.reached, c.at > a.last AS after
        FROM "ReferralEvent" c
        JOIN LATERAL (SELECT count(*)::int AS attempts, count(*) FILTER (WHERE e.reached)::int AS reached,
                             max(e.at) AS last
                        FROM "ReferralEvent" e
                       WHERE e."referralId" = c."referralId" AND e.track = c.track
                         AND e.step = 'CONTACT_ATTEMPTED') a ON true
       WHERE c.step = 'CLOSED'`;
    expect(closed.length).toBeGreaterThan(FILLED / 2);
    const disagreeing = closed.filter(
      (c) =>
        c.attempts === 0 ||
        !c.after ||
        (c.outcome === 'REACHED_SUPPORTED' && c.reached === 0) ||
        (c.outcome === 'NOT_REACHABLE' && c.reached > 0),
    );
    expect(disagreeing).toEqual([]);
    const [victims] = await client.$queryRaw<{ closed: number; reached: number }[]>`
      SELECT count(*)::int AS closed,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "ReferralEvent" e
                                             WHERE e."referralId" = t."referralId" AND e.track = t.track
                                               AND e.step = 'CONTACT_ATTEMPTED' AND e.reached))::int AS reached
        FROM "ReferralTrack" t WHERE t.track = 'VICTIM' AND t.outcome IS NOT NULL`;
    expect(victims!.reached / victims!.closed).toBeGreaterThan(0.63);
    expect(victims!.reached / victims!.closed).toBeLessThan(0.77);

    // A delivered referral stands where its least advanced delivery stands (lib/referrals/lifecycle.ts).
    const [astray] = await client.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM "Referral" r
        JOIN LATERAL (SELECT CASE WHEN bool_or(status = 'DISPATCHED') THEN 'DISPATCHED'
                                  WHEN bool_or(status = 'ACKNOWLEDGED') THEN 'ACKNOWLEDGED'
                                  ELSE 'CLOSED' END AS status
                        FROM "ReferralTrack" t
                       WHERE t."referralId" = r.id AND t.status IN ('DISPATCHED', 'ACKNOWLEDGED', 'CLOSED')) s ON true
       WHERE r.status IN ('DISPATCHED', 'ACKNOWLEDGED', 'CLOSED') AND r.status::text <> s.status`;
    expect(astray!.count).toBe(0);
  });

  it('adds about 0.3 declined offers per referral over the same years, each with its submission key', async () => {
    const [declined] = await client.$queryRaw<
      { count: number; keyed: number; years: number; first: Date; stations: number; municipalities: number }[]
    >`
      SELECT count(*)::int AS count,
             count(k.key)::int AS keyed,
             count(DISTINCT extract(year FROM d."incidentDate"))::int AS years,
             min(d."incidentDate") AS first,
             count(DISTINCT d."stationId")::int AS stations,
             count(DISTINCT d."municipalityId")::int AS municipalities
        FROM "DeclinedOffer" d LEFT JOIN "SubmissionKey" k ON k.key = d."idempotencyKey" AND k.kind = 'DECLINED'`;
    expect(declined!.count).toBeGreaterThan(FILLED * 0.25);
    expect(declined!.count).toBeLessThan(FILLED * 0.35);
    expect(declined!.keyed).toBe(declined!.count);
    expect(declined!.years).toBeGreaterThanOrEqual(8);
    expect(declined!.first.getTime()).toBeGreaterThan(now.getTime() - 8.1 * 365.25 * 86_400_000);
    const [referrals] = await client.$queryRaw<{ stations: number; municipalities: number }[]>`
      SELECT count(DISTINCT "stationId")::int AS stations, count(DISTINCT "municipalityId")::int AS municipalities
        FROM "Referral"`;
    expect(declined!.municipalities).toBe(referrals!.municipalities);
    expect(declined!.stations).toBeGreaterThan(referrals!.stations * 0.9);
  });
});

describe('query plans with a realistic history', () => {
  it('the queue page reads an index range in both scopes, for every status, filter and a later page', async () => {
    const [partner] = await client.partner.findMany({ where: { code: 'BISS-REGION' }, select: { id: true } });
    for (const scope of await largestScopes()) {
      const [municipality] = await client.$queryRaw<{ id: string }[]>`
        SELECT "municipalityId" AS id FROM "Referral"
         WHERE ${'stationId' in scope ? scope.stationId : scope.inspectionId}::uuid IN ("stationId", "inspectionId")
         GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
      // A later page: the cursor the page would put into its "more" link, from the status with the most pages.
      const first = await client.$queryRaw<{ id: string; highRisk: boolean; statusChangedAt: Date }[]>(
        queuePageSql(scope, queueFilters.parse({ status: 'PURGED' }), now),
      );
      expect(first.length).toBe(QUEUE_PAGE_SIZE + 1);
      const cursor = encodeQueueCursor(first[QUEUE_PAGE_SIZE - 1]!);
      const views: Record<string, string | undefined>[] = [
        {},
        { status: 'RETURNED' },
        { status: 'ACKNOWLEDGED' },
        { status: 'CLOSED' },
        { status: 'PURGED' },
        { highRisk: '1' },
        { overdue: '1' },
        { status: 'ACKNOWLEDGED', overdue: '1' },
        { municipality: municipality!.id },
        { partner: partner!.id },
        { status: 'CLOSED', cursor },
        { status: 'PURGED', highRisk: '1', cursor },
      ];
      for (const view of views) {
        const filters: QueueFilters = queueFilters.parse(view);
        await expectIndexRange(
          `queue ${scopeName(scope)} ${JSON.stringify(view)}`,
          () => client.$queryRaw(queuePageSql(scope, filters, now)),
          readsReferrals,
          { statusInIndex: true },
        );
      }
    }
  });

  it('the queue counts read the open statuses of the scope only, through the index', async () => {
    for (const scope of await largestScopes()) {
      await expectIndexRange(`counts ${scopeName(scope)}`, () => queueCounts(scope, now), readsReferrals, {
        statusInIndex: true,
      });
    }
  });

  it('"Meine Vermittlungen" reads the officer\'s index range, on the first page and a later one', async () => {
    const [busiest] = await client.$queryRaw<{ id: string }[]>`
      SELECT "createdById" AS id FROM "Referral" GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
    const officer: Actor = await client.user.findUniqueOrThrow({ where: { id: busiest!.id }, select: ACTOR_SELECT });
    let nextCursor: string | null = null;
    await expectIndexRange(
      'own referrals, first page',
      async () => ({ nextCursor } = await listOwnReferrals({ actor: officer })),
      readsReferrals,
      { inIndexOrder: true },
    );
    expect(nextCursor).not.toBeNull();
    await expectIndexRange(
      'own referrals, later page',
      () => listOwnReferrals({ actor: officer, cursor: nextCursor! }),
      readsReferrals,
      { inIndexOrder: true },
    );
    // Few wait for a correction at any time: sorting them is cheap, reading them must still use an index.
    await expectIndexRange(
      'own referrals, only the returned ones',
      () => listOwnReferrals({ actor: officer, returnedOnly: true }),
      readsReferrals,
      {},
    );
  });

  it("the partner's inbox reads the partner's index range in its order, for every view and a later page", async () => {
    const [busiest] = await client.$queryRaw<{ id: string }[]>`
      SELECT u.id FROM "User" u JOIN "ReferralTrack" t ON t."partnerId" = u."partnerId"
       WHERE u.role = 'PARTNER' AND t."dispatchedAt" IS NOT NULL GROUP BY u.id ORDER BY count(*) DESC LIMIT 1`;
    const caseworker: Actor = await client.user.findUniqueOrThrow({ where: { id: busiest!.id }, select: ACTOR_SELECT });
    const first = await listInbox({ actor: caseworker, filters: inboxFilters.parse({ status: 'CLOSED' }) });
    const cursor = first.scoped ? first.nextCursor : null;
    expect(cursor).not.toBeNull();
    const readsTracks = (sql: string) => /^\s*SELECT\b/i.test(sql) && /FROM "ReferralTrack" t/.test(sql);
    for (const view of [...INBOX_STATUSES.map((status) => ({ status })), { status: 'CLOSED', cursor: cursor! }]) {
      const shown = `inbox ${JSON.stringify(view)}`;
      const [statement] = await statementsOf(
        shown,
        () => listInbox({ actor: caseworker, filters: inboxFilters.parse(view) }),
        readsTracks,
      );
      const plan = await planOf(statement!);
      const tracks = nodes(plan).filter(
        (n) => n['Relation Name'] === 'ReferralTrack' || n['Index Name']?.startsWith('ReferralTrack_') === true,
      );
      expect(
        tracks.filter((n) => n['Node Type'] === 'Seq Scan'),
        `${shown}: ${JSON.stringify(plan)}`,
      ).toEqual([]);
      expect(
        tracks.some((n) => /\bstatus\b/.test(n['Index Cond'] ?? '')),
        `${shown}: ${JSON.stringify(plan)}`,
      ).toBe(true);
      // The finished deliveries grow for ever: read in the index's order, never sorted. (The open views hold
      // a few rows at any time; sorting those is as cheap as anything.)
      if (view.status === 'CLOSED') {
        expect(
          nodes(plan).filter((n) => n['Node Type'] === 'Sort'),
          `${shown}: ${JSON.stringify(plan)}`,
        ).toEqual([]);
      }
    }
  });
});
