/**
 * `npm run bench -- audit [--skip-build] [--fresh] [--events N] [--verify] [--sql-only] [--explain]
 * [--without <views>] [--cpu-prof]`: the
 * auditor's reads of the audit trail with 20,000,000 events (DESIGN.md section 11: audit search p95 ≤ 100 ms;
 * app server ≤ 300 MB resident). 5 auditors (second factor enrolled), each signed in through the real sign-in,
 * open the auditor's pages over HTTP for 30 s with a mix of views: the search (the default of the last 30
 * days, by action, by person over 90 days, by record over up to two years, by role, a later page) and the
 * per-referral history (/protokoll/vermittlung/<id> of a real referral). First at a brisk human pace (each a
 * view a second on average: the response time an auditor gets, the figure against the target), then without
 * any pause (the capacity of this machine). Each view is itself audited (one more event): part of the cost.
 * Baseline in the same run, both ways: the same queries (lib/audit-log/queries.ts `auditSearchSql`,
 * `referralTraceSql`) through a Prisma client like the app's, 5 callers, the same sequence of views.
 *
 * The trail (tests/bench/support/audit-trail.ts): 20,000,000 events from 1 January 2025 to the fill, in
 * chain order with their hashes (lib/audit/chain.ts `linkHash`), written with COPY straight into
 * "AuditEvent" as the superuser (what the chain trigger would have written one by one), the head set to the
 * last event; ~3,000 accounts as "User" rows; ~1,000,000 made-up referrals the events are about, and 100
 * real ones (lib/cli/fill-referrals.ts) with 20 to 200 events each, for the trace. The secondary indexes are
 * dropped for the COPY and built again afterwards, exactly as the migration defines them (what a bulk load
 * does: far faster than keeping them up to date row by row). The whole chain is then verified once
 * (`verifyChain`, as `npm run audit:verify` does), and its rate reported; `--verify` verifies a reused
 * trail again.
 *
 * The fill takes many minutes, so the filled database is kept in
 * `${BENCH_AUDIT_DIR:-$TMPDIR/vermittlung-bench-audit}` (with `-<N>` appended for `--events N` other than
 * 20,000,000), with the keys it was sealed with, and reused by later runs (new migrations applied); `--fresh`
 * starts it anew, and so does a fill that did not finish. Its history ends when it was filled: the older it
 * gets, the emptier "the last 30 days" become.
 *
 * `--without datensatz,trace`: leaves the views whose name contains one of these out of the mix (to see the
 * others when one shape is so slow that it holds every auditor up).
 * `--cpu-prof`: V8 CPU profiles of the app's processes (tests/bench/support/profile-summary.ts sums them up).
 * `--sql-only`: no build, no app: the fill, the verification and the SQL baseline only. `--explain`: the
 * query plan (EXPLAIN ANALYZE, BUFFERS) of the slowest view's slowest query even when every view meets the
 * target (it is printed anyway for a view that misses it).
 */
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';

import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { AuditSearch } from '@/lib/audit-log/schema';
import { verifyChain } from '@/lib/audit/chain';
import { withPgClient } from '@/lib/db/pg-client';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { allowServerOnlyModules } from '@/lib/cli/fill-server-only';
import { createPrismaClient } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { ensureUser } from '@/prisma/factories';

import {
  chained,
  COPY_COLUMNS,
  copyLine,
  fillUsers,
  type RealReferral,
  seededRandom,
  TrailGenerator,
  trailEvents,
} from './support/audit-trail';
import type { Benchmark } from './support/benchmark';
import {
  ensureBuild,
  log,
  printKeyValues,
  printTable,
  quantile,
  round,
  sampleServerMemory,
  sleep,
  startApp,
  startBenchDatabase,
  type BenchDatabase,
} from './support/harness';
import { signInWithSecondFactor } from './support/http';
import { clearLastStep, keptKeys } from './support/kept';

const EVENTS = 20_000_000;
const AUDITORS = 5;
const DURATION_S = 30;
const WARM_UP_S = 5;
/**
 * An auditor's pause between two views, on average. Working through an inquiry, an auditor reads each page
 * of results for a while; 1 s is one clicking through filters and pages without reading: 5 of them are
 * about 5 views a second.
 */
const THINK_MS = 1_000;
const TARGET_MS = 100;
const PASSWORD = 'Bench-Passwort-2026-lang';
/** Each auditor's requests, in order, cycled: the same sequence for the HTTP run and the baseline. */
const SEQUENCE_LENGTH = 400;
/** Accounts of the directorate (officers, supervisors, caseworkers, admins, auditors). */
const FILL_USERS = 3_000;
/** Real referrals, each with its story in the trail; filled among more, those of the trail's period chosen. */
const REAL_REFERRALS = 100;
const REAL_REFERRALS_FILLED = 600;
const SEED = 20_261_126;
/** The trail's first day: the first yearly partition (Berlin time). */
const TRAIL_START = '2025-01-01';

/** What the fill did and left to search for, kept beside the database (its presence: the fill finished). */
type FillRecord = {
  events: number;
  filledAt: string;
  seed: number;
  seconds: { total: number; referrals: number; copy: number; vacuum: number; indexes: number };
  verification: { events: number; seconds: number; ok: boolean } | null;
  /** Real referrals with a story in the trail (the trace opens them). */
  realReferrals: string[];
  /** The most active accounts (the person filter). */
  people: string[];
  /** Referrals to look for (the record filter): made-up ones, most of them recent, and real ones. */
  records: string[];
};

type Options = {
  events: number;
  fresh: boolean;
  verify: boolean;
  sqlOnly: boolean;
  explain: boolean;
  /** Views left out of the mix: those whose name contains one of these. */
  without: string[];
};

function parseOptions(argv: readonly string[]): Options {
  const at = argv.findIndex((a) => a === '--events' || a.startsWith('--events='));
  const value = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  const events = value === undefined ? EVENTS : Number(value.replaceAll(/[_,]/g, ''));
  if (!Number.isInteger(events) || events < 50_000) throw new Error(`--events takes a count of at least 50000`);
  const without = argv.find((a, i) => argv[i - 1] === '--without' || a.startsWith('--without='));
  return {
    events,
    without: without
      ? without
          .replace(/^--without=/, '')
          .split(',')
          .filter(Boolean)
      : [],
    fresh: argv.includes('--fresh'),
    verify: argv.includes('--verify'),
    sqlOnly: argv.includes('--sql-only'),
    explain: argv.includes('--explain'),
  };
}

async function run(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (!options.sqlOnly) ensureBuild(argv);
  const base = path.resolve(process.env.BENCH_AUDIT_DIR ?? path.join(os.tmpdir(), 'vermittlung-bench-audit'));
  const dir = options.events === EVENTS ? base : `${base}-${options.events}`;
  if (options.fresh) {
    await fsp.rm(dir, { recursive: true, force: true });
  } else if (fs.existsSync(dir) && !fs.existsSync(path.join(dir, 'fill.json'))) {
    log(`The fill in ${dir} did not finish: starting anew.`);
    await fsp.rm(dir, { recursive: true, force: true });
  }
  const keys = await keptKeys(dir);
  const database = await startBenchDatabase({ keepIn: path.join(dir, 'postgres') });
  try {
    // This process seals the auditors' second factor and runs the baseline: with the app's keys and
    // connection. Set before anything reads the configuration (lib/env.ts caches it).
    Object.assign(process.env, {
      HASH_SECRET: keys.HASH_SECRET,
      ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
      DATABASE_URL: database.url,
    });
    resetEnvCache();
    allowServerOnlyModules();
    const { fill, reused } = await ensureFilled(database, dir, options.events);
    if (reused && options.verify) {
      fill.verification = await verifyTrail(database.url);
      await fsp.writeFile(path.join(dir, 'fill.json'), JSON.stringify(fill));
    }

    const prisma = createPrismaClient(database.url);
    let auditors: string[];
    try {
      auditors = await createAuditors(prisma, keys.TOTP_SECRET);
    } finally {
      await prisma.$disconnect();
    }
    const views = await viewsFor(fill, options.without);
    const trail = await trailSize(database.adminUrl);

    let http: { paced: LoadResult; saturated: LoadResult; rssMb: number } | null = null;
    if (!options.sqlOnly) {
      // `--cpu-prof`: V8 CPU profiles of the app's processes, to see where a request's time goes.
      const profileDir = argv.includes('--cpu-prof')
        ? await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-audit-prof-'))
        : null;
      const app = await startApp(database.url, {
        HASH_SECRET: keys.HASH_SECRET,
        ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
        ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      });
      try {
        log(`Signing in ${AUDITORS} auditors (password and second factor) …`);
        const cookies: string[] = [];
        for (const email of auditors) {
          // A code is accepted once per account: a kept database remembers the last step each one used.
          await clearLastStep(database.url, email);
          cookies.push(await signInWithSecondFactor(app.baseUrl, email, PASSWORD, currentTotpCode(keys.TOTP_SECRET)));
        }
        await checkSignedIn(app.baseUrl, cookies, fill.realReferrals[0]!);

        log(`Warm-up ${WARM_UP_S} s …`);
        await httpLoad(app.baseUrl, cookies, views, WARM_UP_S);
        const memory = sampleServerMemory(app.launcher);
        log(
          `Measuring the auditor's pages for ${DURATION_S} s: ${AUDITORS} auditors, each a view every ${THINK_MS / 1000} s on average …`,
        );
        const paced = await pacedHttpLoad(app.baseUrl, cookies, views, DURATION_S, THINK_MS);
        log(`Measuring the auditor's pages for ${DURATION_S} s: ${AUDITORS} auditors without a pause (capacity) …`);
        const saturated = await httpLoad(app.baseUrl, cookies, views, DURATION_S);
        memory.stop();
        http = { paced, saturated, rssMb: memory.peakMb() };
      } finally {
        await app.stop();
        if (profileDir) {
          log(`CPU profiles: ${profileDir} (summary: npx tsx tests/bench/support/profile-summary.ts ${profileDir})`);
        }
      }
    }

    log(`Baseline: the same queries by ${AUDITORS} callers, at the same pace, then without a pause …`);
    if (options.sqlOnly) await sqlLoad(views, WARM_UP_S);
    const sql = await sqlLoad(views, DURATION_S, THINK_MS);
    await sqlLoad(views, WARM_UP_S);
    const sqlSaturated = await sqlLoad(views, DURATION_S);

    report({ fill, trail, views, http, sql, sqlSaturated });
    await explainSlowest(database.adminUrl, http, sql, options.explain);

    const searchViews = MIX.filter((m) => m.kind === 'search').map((m) => m.view);
    const traceViews = MIX.filter((m) => m.kind === 'trace').map((m) => m.view);
    const p95 = (r: LoadResult | undefined, names: string[]) => {
      const latencies = names.flatMap((n) => r?.byView.get(n)?.latencies ?? []);
      return latencies.length ? round(quantile(latencies, 0.95)) : 'n/a';
    };
    printKeyValues({
      audit_search_p95_ms: p95(http?.paced, searchViews),
      audit_trace_p95_ms: p95(http?.paced, traceViews),
      raw_sql_p95_ms: p95(sql, searchViews),
      raw_trace_p95_ms: p95(sql, traceViews),
      rss_mb: http ? round(http.rssMb, 0) : 'n/a',
      events: fill.events,
    });
  } finally {
    await database.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The kept, filled database

const seconds = (since: number) => round((performance.now() - since) / 1000, 1);
const grouped = (n: number) => n.toLocaleString('en-US');

/**
 * The trail, filled once: reference data, the real referrals, the accounts, then the events by COPY as the
 * superuser (a deployment's migrating role), the head, statistics, the indexes, and one verification.
 */
async function ensureFilled(
  database: BenchDatabase,
  dir: string,
  events: number,
): Promise<{ fill: FillRecord; reused: boolean }> {
  const stamp = path.join(dir, 'fill.json');
  if (fs.existsSync(stamp)) {
    const fill = JSON.parse(await fsp.readFile(stamp, 'utf8')) as FillRecord;
    log(`Reusing the filled database in ${dir} (${grouped(fill.events)} events, filled ${fill.filledAt}).`);
    return { fill, reused: true };
  }
  const adminUrl = database.adminUrl;
  const { seed } = await import('@/prisma/seed');
  await seed(adminUrl);
  const started = performance.now();
  // The history: from the first day of the first partition to now (a whole number of milliseconds).
  const start = berlinDayStart(TRAIL_START).getTime();
  const end = Date.now();

  log(`Filling ${grouped(events)} audit events into ${dir} (once; later runs reuse it) …`);
  const { analyseFilledTables, fillReferrals } = await import('@/lib/cli/fill-referrals');
  await fillReferrals(adminUrl, { count: REAL_REFERRALS_FILLED, now: new Date(end) });
  await analyseFilledTables(adminUrl);
  const referralsDone = performance.now();

  const admin = new pg.Client({
    connectionString: adminUrl,
    // A crash loses the fill, never corrupts it, and an unfinished fill starts anew: no waiting for fsync.
    options: '-c synchronous_commit=off -c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=2',
  });
  await admin.connect();
  try {
    const stations = await admin.query<{ id: string }>(`SELECT id FROM "Station" ORDER BY code`);
    const inspections = await admin.query<{ id: string }>(`SELECT id FROM "Inspection" ORDER BY code`);
    const partners = await admin.query<{ id: string; code: string }>(`SELECT id, code FROM "Partner" ORDER BY code`);
    const users = fillUsers(FILL_USERS, SEED, {
      stations: stations.rows.map((r) => r.id),
      inspections: inspections.rows.map((r) => r.id),
      partners: partners.rows,
    });
    await insertUsers(admin, users);
    const realReferrals = await chooseRealReferrals(admin, start, end);

    const { rows: head } = await admin.query<{ eventId: string }>(
      `SELECT "eventId"::text AS "eventId" FROM "AuditHead"`,
    );
    if (head[0]?.eventId !== '0') throw new Error(`the trail is not empty (head at event ${head[0]?.eventId})`);

    const generator = new TrailGenerator({
      events,
      start,
      end,
      seed: SEED,
      users,
      partnerCodes: partners.rows.map((p) => p.code),
      realReferrals,
    });
    // Checkpoints far apart while the trail is written: a bulk load's WAL would otherwise force one every
    // few seconds. Back to the defaults once it is done.
    await admin.query(`ALTER SYSTEM SET max_wal_size = '16GB'`);
    await admin.query(`ALTER SYSTEM SET checkpoint_timeout = '30min'`);
    await admin.query(`SELECT pg_reload_conf()`);
    const indexes = await dropSecondaryIndexes(admin);

    const copyStarted = performance.now();
    const last = await copyTrail(admin, generator, events);
    await admin.query(`UPDATE "AuditHead" SET "eventId" = $1, at = $2, hash = $3 WHERE one = 1`, [
      last.id.toString(),
      last.at,
      last.hash,
    ]);
    const copyDone = performance.now();
    log(
      `  COPY: ${grouped(events)} events in ${seconds(copyStarted)} s (${grouped(Math.round(events / ((copyDone - copyStarted) / 1000)))}/s).`,
    );

    log('  VACUUM (ANALYZE) "AuditEvent" …');
    await admin.query('VACUUM (ANALYZE) "AuditEvent"');
    const vacuumDone = performance.now();
    for (const index of indexes) {
      const t0 = performance.now();
      await admin.query(index.definition);
      log(`  index ${index.name} built in ${seconds(t0)} s`);
    }
    const indexesDone = performance.now();
    await admin.query(`ALTER SYSTEM RESET max_wal_size`);
    await admin.query(`ALTER SYSTEM RESET checkpoint_timeout`);
    await admin.query(`SELECT pg_reload_conf()`);
    await admin.query('CHECKPOINT');

    const fill: FillRecord = {
      events,
      filledAt: new Date(end).toISOString(),
      seed: SEED,
      seconds: {
        total: seconds(started),
        referrals: round((referralsDone - started) / 1000, 1),
        copy: round((copyDone - copyStarted) / 1000, 1),
        vacuum: round((vacuumDone - copyDone) / 1000, 1),
        indexes: round((indexesDone - vacuumDone) / 1000, 1),
      },
      verification: null,
      realReferrals: realReferrals.map((r) => r.id),
      people: generator.activeUsers(15).map((u) => u.id),
      records: [...generator.sampleReferrals(140), ...realReferrals.slice(0, 60).map((r) => r.id)],
    };
    log(`Filled ${grouped(events)} events in ${fill.seconds.total} s.`);
    fill.verification = await verifyTrail(database.url);
    await fsp.writeFile(stamp, JSON.stringify(fill));
    return { fill, reused: false };
  } finally {
    await admin.end();
  }
}

/** The accounts, as rows like the user administration writes (without a password: nobody signs in). */
async function insertUsers(client: pg.Client, users: ReturnType<typeof fillUsers>): Promise<void> {
  await client.query(
    `INSERT INTO "User" (id, email, "displayName", role, "stationId", "inspectionId", "partnerId")
     SELECT u.id, u.email, u.name, u.role::"Role", u.station, u.inspection, u.partner
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[])
            AS u(id, email, name, role, station, inspection, partner)`,
    [
      users.map((u) => u.id),
      users.map((u) => u.email),
      users.map((u) => u.displayName),
      users.map((u) => u.role),
      users.map((u) => u.stationId),
      users.map((u) => u.inspectionId),
      users.map((u) => u.partnerId),
    ],
  );
}

/** 100 of the filled referrals submitted within the trail's period, spread over it. */
async function chooseRealReferrals(client: pg.Client, start: number, end: number): Promise<RealReferral[]> {
  const { rows } = await client.query<{ id: string; submittedAt: Date; creatorId: string; partnerCodes: string[] }>(
    `SELECT r.id, r."submittedAt", r."createdById" AS "creatorId", array_agg(p.code ORDER BY t.track) AS "partnerCodes"
       FROM "Referral" r JOIN "ReferralTrack" t ON t."referralId" = r.id JOIN "Partner" p ON p.id = t."partnerId"
      WHERE r."submittedAt" >= $1 AND r."submittedAt" < $2
      GROUP BY r.id ORDER BY r."submittedAt"`,
    [new Date(start + 86_400_000), new Date(end - 3_600_000)],
  );
  if (rows.length === 0) throw new Error('no filled referral lies within the trail');
  const n = Math.min(REAL_REFERRALS, rows.length);
  return Array.from({ length: n }, (_, i) => rows[Math.floor((i * rows.length) / n)]!).map((r) => ({
    id: r.id,
    submittedAt: r.submittedAt.getTime(),
    creatorId: r.creatorId,
    partnerCodes: r.partnerCodes,
  }));
}

/** Drops the events' secondary indexes (the primary key stays); returns how to build them again. */
async function dropSecondaryIndexes(client: pg.Client): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = '"AuditEvent"'::regclass AND NOT i.indisprimary
      ORDER BY c.relname`,
  );
  for (const row of rows) await client.query(`DROP INDEX ${pg.escapeIdentifier(row.name)}`);
  // A partitioned table's index reads "ON ONLY" (the parent alone); built again, it covers every partition.
  return rows.map((r) => ({ name: r.name, definition: r.definition.replace(' ON ONLY ', ' ON ') }));
}

/** The events by COPY, in chain order; returns the last one (the new head). */
async function copyTrail(
  client: pg.Client,
  generator: TrailGenerator,
  events: number,
): Promise<{ id: bigint; at: Date; hash: Buffer }> {
  const stream = client.query(copyFrom(`COPY "AuditEvent" (${COPY_COLUMNS}) FROM STDIN`));
  let failure: unknown = null;
  stream.on('error', (error) => (failure ??= error));
  const done = finished(stream);
  done.catch(() => {});
  const t0 = performance.now();
  let lines: string[] = [];
  let last: { id: bigint; at: Date; hash: Buffer } | null = null;
  let shown = 0;
  for (const { event, hash, prevHex, hashHex } of chained(trailEvents(generator))) {
    lines.push(copyLine(event, prevHex, hashHex));
    last = { id: event.id, at: event.at, hash };
    if (lines.length === 2_000) {
      if (failure) throw failure;
      if (!stream.write(lines.join(''))) await once(stream, 'drain');
      lines = [];
      const done = Number(event.id);
      if (done - shown >= events / 20) {
        shown = done;
        const rate = Math.round(done / ((performance.now() - t0) / 1000));
        log(`  ${grouped(done)} / ${grouped(events)} (${Math.round((100 * done) / events)} %), ${grouped(rate)}/s`);
      }
    }
  }
  if (lines.length) stream.write(lines.join(''));
  stream.end();
  await done;
  if (!last || last.id !== BigInt(events)) throw new Error(`wrote ${last?.id} events instead of ${events}`);
  return last;
}

/** The whole chain verified once, as `npm run audit:verify` does (as the app's role). */
async function verifyTrail(url: string): Promise<NonNullable<FillRecord['verification']>> {
  log('Verifying the whole chain (verifyChain) …');
  const t0 = performance.now();
  const verification = await withPgClient(url, (client) => verifyChain(client));
  const result = { events: verification.checked, seconds: seconds(t0), ok: verification.ok };
  log(
    `  ${verification.ok ? 'intact' : `BROKEN at ${verification.broken?.id} (${verification.broken?.problem})`}: ` +
      `${grouped(result.events)} events in ${result.seconds} s (${grouped(Math.round(result.events / result.seconds))}/s)`,
  );
  if (!verification.ok) throw new Error('the filled chain does not verify');
  return result;
}

async function trailSize(url: string): Promise<{ events: number; gb: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string; bytes: string }>(
      `SELECT (SELECT "eventId" FROM "AuditHead")::text AS events,
              (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = '"AuditEvent"'::regclass)::text AS bytes`,
    );
    return { events: Number(rows[0]!.events), gb: round(Number(rows[0]!.bytes) / 2 ** 30, 1) };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Auditors and what they look at

async function createAuditors(prisma: PrismaClient, totpSecret: string): Promise<string[]> {
  const emails: string[] = [];
  for (let i = 0; i < AUDITORS; i++) {
    const email = `bench-auditor-${i}@polizei.example`;
    await ensureUser(prisma, {
      email,
      displayName: `Bench Revision ${i}`,
      role: 'AUDITOR',
      password: PASSWORD,
      totpSecret,
    });
    emails.push(email);
  }
  return emails;
}

type Kind = 'search' | 'trace';
type View = { view: string; kind: Kind; path: string; sql: Prisma.Sql };
type Views = {
  /** Per auditor: each request's view, its URL path and the query the page runs for it, in order. */
  byAuditor: View[][];
  /** Each view's share of all requests, in percent. */
  share: Map<string, number>;
};

type ViewContext = {
  today: string;
  person: () => string;
  record: () => string;
  daysAgo: (days: number) => string;
  laterPage: () => string;
  realReferral: () => string;
  random: () => number;
};

/**
 * The mix of views, as the auditor's pages make them from their URLs (lib/audit-log/schema.ts
 * `parseAuditSearch`): the default search, one action, one person's quarter, one record's last months up to
 * two years, one role, a later page of the default; and the history of one real referral.
 */
const MIX: { view: string; kind: Kind; weight: number; params: (c: ViewContext) => Record<string, string> }[] = [
  { view: 'search: default (last 30 days)', kind: 'search', weight: 18, params: () => ({}) },
  { view: 'search: aktion=REFERRAL_VIEWED', kind: 'search', weight: 10, params: () => ({ aktion: 'REFERRAL_VIEWED' }) },
  {
    view: 'search: person=<user>, 90 days',
    kind: 'search',
    weight: 14,
    params: (c) => ({ person: c.person(), von: c.daysAgo(90), bis: c.today }),
  },
  {
    view: 'search: datensatz=<referral>, ≤ 2 years',
    kind: 'search',
    weight: 14,
    params: (c) => ({ datensatz: c.record(), von: c.daysAgo(30 + Math.floor(c.random() * 700)), bis: c.today }),
  },
  { view: 'search: rolle=PARTNER', kind: 'search', weight: 8, params: () => ({ rolle: 'PARTNER' }) },
  { view: 'search: later page (nach=…)', kind: 'search', weight: 12, params: (c) => ({ nach: c.laterPage() }) },
  { view: 'trace: /protokoll/vermittlung/<id>', kind: 'trace', weight: 24, params: (c) => ({ id: c.realReferral() }) },
];

async function viewsFor(fill: FillRecord, without: string[]): Promise<Views> {
  const mix = MIX.filter((m) => !without.some((w) => m.view.includes(w)));
  if (mix.length === 0) throw new Error(`--without ${without.join(',')} leaves no view`);
  if (mix.length < MIX.length)
    log(
      `Left out: ${MIX.filter((m) => !mix.includes(m))
        .map((m) => m.view)
        .join('; ')}.`,
    );
  const { db } = await import('@/lib/db');
  const { auditSearchSql, encodeAuditCursor, referralTraceSql } = await import('@/lib/audit-log/queries');
  const { parseAuditSearch, SEARCH_PAGE_SIZE } = await import('@/lib/audit-log/schema');
  const today = berlinDateOf(new Date());
  // The "more" links of the default search: pages 2 to 5, each cursor from the page before it.
  const cursors: string[] = [];
  let search: AuditSearch = parseAuditSearch({}, today).search;
  for (let page = 2; page <= 5; page++) {
    const rows = await db().$queryRaw<{ id: string; at: Date }[]>(auditSearchSql(search));
    if (rows.length <= SEARCH_PAGE_SIZE) break;
    const cursor = encodeAuditCursor(rows[SEARCH_PAGE_SIZE - 1]!);
    cursors.push(cursor);
    search = { ...search, cursor };
  }
  if (cursors.length === 0) throw new Error('the default search has a single page: is the trail filled?');

  const random = seededRandom(SEED + 1);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const context: ViewContext = {
    today,
    person: () => pick(fill.people),
    record: () => pick(fill.records),
    daysAgo: (days) => addDays(today, -days),
    laterPage: () => pick(cursors),
    realReferral: () => pick(fill.realReferrals),
    random,
  };
  const total = mix.reduce((sum, m) => sum + m.weight, 0);
  const counts = new Map<string, number>();
  const byAuditor: View[][] = [];
  for (let a = 0; a < AUDITORS; a++) {
    const sequence: View[] = [];
    while (sequence.length < SEQUENCE_LENGTH) {
      let x = random() * total;
      const chosen = mix.find((m) => (x -= m.weight) < 0) ?? mix[0]!;
      const params = chosen.params(context);
      if (chosen.kind === 'trace') {
        // Exactly what the page asks for without a period (lib/audit-log/queries.ts `traceReferral`).
        sequence.push({
          view: chosen.view,
          kind: 'trace',
          path: `/protokoll/vermittlung/${params.id}`,
          sql: referralTraceSql(params.id!, {}),
        });
      } else {
        const query = new URLSearchParams(params).toString();
        // Exactly what the page makes of its URL.
        const { search: parsed, problems } = parseAuditSearch(params, today);
        if (problems.length) throw new Error(`the view ${query} has problems: ${problems.join(', ')}`);
        sequence.push({
          view: chosen.view,
          kind: 'search',
          path: query ? `/protokoll?${query}` : '/protokoll',
          sql: auditSearchSql(parsed),
        });
      }
      counts.set(chosen.view, (counts.get(chosen.view) ?? 0) + 1);
    }
    byAuditor.push(sequence);
  }
  const all = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    byAuditor,
    share: new Map(MIX.map((m) => [m.view, round((100 * (counts.get(m.view) ?? 0)) / all, 1)])),
  };
}

/** Each auditor sees the search and a trace (not the sign-in page, not an error) before anything is measured. */
async function checkSignedIn(baseUrl: string, cookies: string[], referralId: string): Promise<void> {
  for (const [i, cookie] of cookies.entries()) {
    for (const page of ['/protokoll', `/protokoll/vermittlung/${referralId}`]) {
      const response = await fetch(`${baseUrl}${page}`, { headers: { Cookie: cookie }, redirect: 'manual' });
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(
          `auditor ${i} does not get ${page} (${response.status} ${response.headers.get('location') ?? ''})` +
            (response.status === 404 ? ": are the auditor's pages built? (--sql-only measures without them)" : ''),
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Load

type ViewResult = { latencies: number[]; errors: number; slowest: { ms: number; sql: Prisma.Sql } | null };

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  latencies: number[];
  /** Latencies and failures of each view. */
  byView: Map<string, ViewResult>;
}

/** Records one request of `view`: its latency, or null for a failure. */
function tally(byView: LoadResult['byView'], view: View, latency: number | null): void {
  let entry = byView.get(view.view);
  if (!entry) byView.set(view.view, (entry = { latencies: [], errors: 0, slowest: null }));
  if (latency === null) {
    entry.errors++;
    return;
  }
  entry.latencies.push(latency);
  if (!entry.slowest || latency > entry.slowest.ms) entry.slowest = { ms: latency, sql: view.sql };
}

function summary(byView: LoadResult['byView'], seconds: number): LoadResult {
  const latencies = [...byView.values()].flatMap((v) => v.latencies);
  const errors = [...byView.values()].reduce((sum, v) => sum + v.errors, 0);
  return { byView, latencies, errors, requests: latencies.length + errors, rps: latencies.length / seconds };
}

/**
 * One connection per auditor, each going through its own sequence of views in order (one request at a time,
 * so the n-th answer is the n-th view). A failed view's answer counts as an error, not as a latency.
 */
async function httpLoad(baseUrl: string, cookies: string[], views: Views, seconds: number): Promise<LoadResult> {
  const byView: LoadResult['byView'] = new Map();
  let next = 0;
  const result = await autocannon({
    url: baseUrl,
    connections: cookies.length,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      const i = next++ % cookies.length;
      const sequence = views.byAuditor[i]!;
      client.setRequests(sequence.map((v) => ({ method: 'GET', path: v.path, headers: { Cookie: cookies[i]! } })));
      let answered = 0;
      client.on('response', (status: number, _bytes: number, responseTime: number) => {
        tally(byView, sequence[answered++ % sequence.length]!, status === 200 ? responseTime : null);
      });
    },
  });
  const lost = result.errors + result.timeouts;
  const load = summary(byView, seconds);
  return { ...load, errors: load.errors + lost, requests: load.requests + lost };
}

/**
 * `callers` each going through their sequence of views, one request at a time, for `seconds`. With
 * `thinkMs`: at a human pace, each reading a view for a while (`thinkMs` on average, exponentially
 * distributed, so that they do not click in step) before the next, the first after a random part of it.
 * `request` throws for a failed view.
 */
async function callerLoad(
  views: Views,
  seconds: number,
  thinkMs: number,
  request: (caller: number, view: View) => Promise<void>,
): Promise<LoadResult> {
  const byView: LoadResult['byView'] = new Map();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    views.byAuditor.map(async (sequence, i) => {
      if (thinkMs) await sleep(Math.random() * thinkMs);
      for (let n = 0; performance.now() < until; n++) {
        if (n > 0 && thinkMs) await sleep(-Math.log(1 - Math.random()) * thinkMs);
        const view = sequence[n % SEQUENCE_LENGTH]!;
        const t0 = performance.now();
        try {
          await request(i, view);
          tally(byView, view, performance.now() - t0);
        } catch {
          tally(byView, view, null);
        }
      }
    }),
  );
  return summary(byView, seconds);
}

/** Auditors over HTTP at a human pace (`callerLoad`); without a pause, `httpLoad` does it cheaper. */
function pacedHttpLoad(
  baseUrl: string,
  cookies: string[],
  views: Views,
  seconds: number,
  thinkMs: number,
): Promise<LoadResult> {
  return callerLoad(views, seconds, thinkMs, async (i, view) => {
    const response = await fetch(`${baseUrl}${view.path}`, { headers: { Cookie: cookies[i]! }, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(String(response.status));
  });
}

/**
 * The baseline: the query each view runs, without HTTP, session, rendering, the page's other lookups or the
 * audit event it writes. Through a Prisma client made like the app's (lib/db.ts), so the difference shows
 * what the app adds to its queries.
 */
async function sqlLoad(views: Views, seconds: number, thinkMs = 0): Promise<LoadResult> {
  const { db } = await import('@/lib/db');
  return callerLoad(views, seconds, thinkMs, async (_, view) => {
    await db().$queryRaw(view.sql);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Report

function stats(latencies: readonly number[]) {
  return {
    'p50 ms': latencies.length ? round(quantile(latencies, 0.5)) : '-',
    'p95 ms': latencies.length ? round(quantile(latencies, 0.95)) : '-',
    'p99 ms': latencies.length ? round(quantile(latencies, 0.99)) : '-',
    'max ms': latencies.length ? round(Math.max(...latencies)) : '-',
  };
}

function ofKind(r: LoadResult, kind: Kind): number[] {
  return MIX.filter((m) => m.kind === kind).flatMap((m) => r.byView.get(m.view)?.latencies ?? []);
}

function errorsOfKind(r: LoadResult, kind: Kind): number {
  return MIX.filter((m) => m.kind === kind).reduce((sum, m) => sum + (r.byView.get(m.view)?.errors ?? 0), 0);
}

function report(r: {
  fill: FillRecord;
  trail: { events: number; gb: number };
  views: Views;
  http: { paced: LoadResult; saturated: LoadResult; rssMb: number } | null;
  sql: LoadResult;
  sqlSaturated: LoadResult;
}): void {
  const row = (measured: string, load: LoadResult | undefined, kind: Kind | null, seconds: number, target = '') => {
    if (!load) return { measured, requests: 'n/a' };
    const latencies = kind ? ofKind(load, kind) : load.latencies;
    return {
      measured,
      requests: latencies.length,
      'req/s': round(latencies.length / seconds),
      ...stats(latencies),
      errors: kind ? errorsOfKind(load, kind) : load.errors,
      target,
    };
  };
  const pace = `a view every ${THINK_MS / 1000} s each`;
  printTable(
    `Audit trail of ${grouped(r.trail.events)} events (${r.trail.gb} GB with indexes): ${AUDITORS} auditors, ${DURATION_S} s each run, after ${WARM_UP_S} s warm-up`,
    [
      row(`app: search pages, ${pace}`, r.http?.paced, 'search', DURATION_S, `p95 ≤ ${TARGET_MS} ms, 0 errors`),
      row('baseline: search SQL, same pace', r.sql, 'search', DURATION_S),
      row(`app: referral history, ${pace}`, r.http?.paced, 'trace', DURATION_S, `p95 ≤ ${TARGET_MS} ms, 0 errors`),
      row('baseline: history SQL, same pace', r.sql, 'trace', DURATION_S),
      row('app: all views without a pause (capacity)', r.http?.saturated, null, DURATION_S, '0 errors'),
      row('baseline: SQL without a pause', r.sqlSaturated, null, DURATION_S),
    ],
  );
  for (const [title, app, raw] of [
    [`By view, ${pace} (answered requests; a failed view counts as an error only)`, r.http?.paced, r.sql],
    ['By view, without a pause', r.http?.saturated, r.sqlSaturated],
  ] as const) {
    printTable(
      title,
      MIX.map(({ view }) => {
        const a = app?.byView.get(view);
        const s = raw.byView.get(view);
        const prefixed = (prefix: string, values: Record<string, string | number>) =>
          Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix} ${k}`, v]));
        return {
          view,
          'share %': r.views.share.get(view) ?? 0,
          'app n': a?.latencies.length ?? (app ? 0 : 'n/a'),
          ...prefixed('app', stats(a?.latencies ?? [])),
          'app errors': a?.errors ?? 0,
          'SQL n': s?.latencies.length ?? 0,
          ...prefixed('SQL', stats(s?.latencies ?? [])),
        };
      }),
    );
  }
  const { fill } = r;
  const v = fill.verification;
  printTable('Fill, verification and memory', [
    {
      figure: `fill (once, ${fill.filledAt}): total`,
      value: `${fill.seconds.total} s`,
      detail: `referrals ${fill.seconds.referrals} s, COPY ${fill.seconds.copy} s (${grouped(Math.round(fill.events / fill.seconds.copy))} events/s), VACUUM ANALYZE ${fill.seconds.vacuum} s, indexes ${fill.seconds.indexes} s`,
    },
    {
      figure: 'verifyChain, whole chain (npm run audit:verify)',
      value: v ? `${grouped(Math.round(v.events / v.seconds))} events/s` : 'not run',
      detail: v ? `${grouped(v.events)} events in ${v.seconds} s, ${v.ok ? 'intact' : 'BROKEN'}` : '',
    },
    {
      figure: 'app server peak resident memory (MB)',
      value: r.http ? round(r.http.rssMb, 0) : 'n/a',
      detail: 'target ≤ 300',
    },
  ]);
}

/**
 * The plan of the slowest query shape: among the views that miss the target (app or SQL p95), or all of them
 * with `always`, the one whose SQL p95 is highest; its slowest query of the baseline, run once more with
 * EXPLAIN (ANALYZE, BUFFERS).
 */
async function explainSlowest(
  url: string,
  http: { paced: LoadResult } | null,
  sql: LoadResult,
  always: boolean,
): Promise<void> {
  const p95 = (load: LoadResult | undefined, view: string) => {
    const latencies = load?.byView.get(view)?.latencies ?? [];
    return latencies.length ? quantile(latencies, 0.95) : 0;
  };
  const candidates = MIX.map((m) => m.view)
    .filter((view) => always || p95(http?.paced, view) > TARGET_MS || p95(sql, view) > TARGET_MS)
    .sort((a, b) => p95(sql, b) - p95(sql, a));
  const view = candidates[0];
  const slowest = view ? sql.byView.get(view)?.slowest : undefined;
  if (!view || !slowest) {
    log(`Every view meets p95 ≤ ${TARGET_MS} ms: no query plan printed (--explain prints the slowest anyway).`);
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const values = slowest.sql.values.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${slowest.sql.text}`,
      values,
    );
    process.stdout.write(
      `\nSlowest query shape: "${view}" (SQL p95 ${round(p95(sql, view))} ms, app p95 ${round(p95(http?.paced, view))} ms); ` +
        `its slowest query (${round(slowest.ms)} ms in the baseline), again:\n${slowest.sql.text.replaceAll(/\s+/g, ' ').trim()}\n` +
        `-- ${JSON.stringify(values)}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
    );
  } finally {
    await client.end();
  }
}

export const auditBenchmark: Benchmark = {
  name: 'audit',
  description: `5 auditors search the audit trail and open referral histories over HTTP for 30 s with ${grouped(EVENTS)} events, beside its SQL`,
  run,
};
