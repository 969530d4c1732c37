/**
 * `npm run bench -- stats [--skip-build] [--sql-only] [--keep-statistics] [--explain] [--cpu-prof]`: the
 * statistics page (issue 14, "/statistik") on the 1,000,000 referrals the queue benchmark keeps
 * (support/kept-referrals.ts). DESIGN.md section 11: statistics p95 ≤ 200 ms; app server ≤ 300 MB resident.
 *
 * First the published cells: every month is computed again from the facts (`markAllMonths`, then
 * `refreshStatistics`, as `npm run statistics -- --all` does, and as the job's first run does after the
 * statistics migration): the cost of rebuilding everything. Then one incremental refresh: the current month
 * marked as a change to one of its referrals would mark it, computed again. `--keep-statistics` skips the full
 * rebuild when the cells are there already (only what is marked is computed).
 *
 * Then 5 users, each signed in through the real sign-in with the second factor: 2 auditors and an admin
 * (directorate-wide), a supervisor of an inspection and one of a station (their own scope), the busiest of
 * each. Each goes through the same views in turn (a different one first): the default (the last 12 months),
 * the last quarter, one municipality over 12 months, one station over 12 months (directorate-wide roles
 * only), the current year, three years. Over HTTP for 30 s, first at a brisk pace (each a view every second on
 * average: the response time a user gets, the figure against the target), then without any pause (the
 * capacity of this machine).
 *
 * Baselines in the same run, both ways, 5 callers with the same sequences: the app's own code without HTTP
 * (`statisticsFor`, lib/statistics/queries.ts, through a Prisma client like the app's), and the SQL it runs
 * (the statements on "StatsCell" and "StatsDuration", at once as it runs them). That SQL is not copied here:
 * it is recorded from `statisticsFor` itself (its `$queryRaw` calls, once per view), so it cannot drift from
 * the page's.
 *
 * `--sql-only`: no build, no app: the refreshes and the two baselines. `--explain`: the query plan (EXPLAIN
 * ANALYZE, BUFFERS) of the slowest statement even when the page meets its target (printed anyway when it
 * does not). `--cpu-prof`: V8 CPU profiles of the app's processes (support/profile-summary.ts sums them up).
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';

import type { Actor } from '@/lib/auth/guards';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { allowServerOnlyModules } from '@/lib/cli/fill-server-only';
import { createPrismaClient } from '@/lib/db/client';
import { withPgClient } from '@/lib/db/pg-client';
import { resetEnvCache } from '@/lib/env';
import { Prisma, type PrismaClient, type Role } from '@/lib/generated/prisma/client';
import { addMonths, parseStatsFilters, previousQuarter, type StatsFilters } from '@/lib/statistics/schema';
import { berlinDateOf } from '@/lib/time/berlin';
import { ensureUser } from '@/prisma/factories';

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
} from './support/harness';
import { signInWithSecondFactor } from './support/http';
import { clearLastStep, keptKeys } from './support/kept';
import { ensureFilled, keptReferralsDir } from './support/kept-referrals';

const DURATION_S = 30;
const WARM_UP_S = 5;
/**
 * A user's pause between two views, on average. Reading the statistics, one looks at the charts for a while
 * before changing the period or the filter; 1 s is one clicking through them without reading: 5 users are
 * about 5 views a second.
 */
const THINK_MS = 1_000;
const TARGET_MS = 200;
const PASSWORD = 'Bench-Passwort-2026-lang';
/** Each user's requests, in order, cycled: the same sequence for the HTTP runs and the baselines. */
const SEQUENCE_LENGTH = 400;
/** The municipalities (or stations) a user filters by: among the busiest this many of their scope. */
const FILTER_CHOICES = 8;
/** What the page answers a signed-in user with once it has its figures. */
const PAGE_MARK = 'data-testid="stats-key-figures"';

type User = { email: string; label: string; actor: Actor };

async function run(argv: readonly string[]): Promise<void> {
  const sqlOnly = argv.includes('--sql-only');
  if (!sqlOnly) ensureBuild(argv);
  const dir = keptReferralsDir();
  const keys = await keptKeys(dir);
  const database = await startBenchDatabase({ keepIn: path.join(dir, 'postgres') });
  try {
    // This process seals the users' second factor, refreshes the statistics and runs the baselines: with the
    // app's keys and connection. Set before anything reads the configuration (lib/env.ts caches it).
    Object.assign(process.env, {
      HASH_SECRET: keys.HASH_SECRET,
      ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
      DATABASE_URL: database.url,
    });
    resetEnvCache();
    allowServerOnlyModules();
    await ensureFilled(database.adminUrl, dir);

    const rebuild = await rebuildStatistics(database.adminUrl, argv.includes('--keep-statistics'));
    const incremental = await refreshCurrentMonth();
    const published = await publishedSize(database.adminUrl);

    const prisma = createPrismaClient(database.url);
    let users: User[];
    try {
      users = await createUsers(prisma, keys.TOTP_SECRET);
    } finally {
      await prisma.$disconnect();
    }
    const views = await viewsFor(users);

    let http: { paced: LoadResult; saturated: LoadResult; rssMb: number; marked: number } | null = null;
    if (!sqlOnly) {
      // `--cpu-prof`: V8 CPU profiles of the app's processes, to see where a request's time goes.
      const profileDir = argv.includes('--cpu-prof')
        ? await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-stats-prof-'))
        : null;
      const markedBefore = await lastMark(database.adminUrl);
      const app = await startApp(database.url, {
        HASH_SECRET: keys.HASH_SECRET,
        ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
        ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      });
      try {
        log(`Signing in ${users.length} users (password and second factor) …`);
        const cookies: string[] = [];
        for (const user of users) {
          // A code is accepted once per account: a kept database remembers the last step each one used.
          await clearLastStep(database.url, user.email);
          cookies.push(
            await signInWithSecondFactor(app.baseUrl, user.email, PASSWORD, currentTotpCode(keys.TOTP_SECRET)),
          );
        }
        await checkViews(app.baseUrl, cookies, views);

        log(`Warm-up ${WARM_UP_S} s …`);
        await httpLoad(app.baseUrl, cookies, views, WARM_UP_S);
        const memory = sampleServerMemory(app.launcher);
        log(
          `Measuring /statistik for ${DURATION_S} s: ${users.length} users, each a view every ${THINK_MS / 1000} s on average …`,
        );
        const paced = await pacedHttpLoad(app.baseUrl, cookies, views, DURATION_S, THINK_MS);
        log(`Measuring /statistik for ${DURATION_S} s: ${users.length} users without a pause (capacity) …`);
        const saturated = await httpLoad(app.baseUrl, cookies, views, DURATION_S);
        memory.stop();
        // The app's own job worker refreshes marked months every minute: anything marked meanwhile (the
        // hourly retention job erasing referrals, say) was computed beside the measured requests.
        http = { paced, saturated, rssMb: memory.peakMb(), marked: (await lastMark(database.adminUrl)) - markedBefore };
      } finally {
        await app.stop();
        if (profileDir) {
          log(`CPU profiles: ${profileDir} (summary: npx tsx tests/bench/support/profile-summary.ts ${profileDir})`);
        }
      }
    }

    log(`Baselines: statisticsFor and its SQL by ${users.length} callers, at the same pace, then without a pause …`);
    await appCodeLoad(users, views, WARM_UP_S);
    const code = await appCodeLoad(users, views, DURATION_S, THINK_MS);
    const sql = await sqlLoad(views, DURATION_S, THINK_MS);
    const codeSaturated = await appCodeLoad(users, views, DURATION_S);
    const sqlSaturated = await sqlLoad(views, DURATION_S);

    report({ users, views, http, code, sql, codeSaturated, sqlSaturated, rebuild, incremental, published });
    const p95 = (r: LoadResult | undefined) => (r?.latencies.length ? round(quantile(r.latencies, 0.95)) : 'n/a');
    await explainSlowest(
      database.adminUrl,
      sql,
      argv.includes('--explain') || !(quantile(http?.paced.latencies ?? [], 0.95) <= TARGET_MS),
    );
    printKeyValues({
      stats_p95_ms: p95(http?.paced),
      raw_sql_p95_ms: p95(sql),
      app_code_p95_ms: p95(code),
      stats_p50_ms: http ? round(quantile(http.paced.latencies, 0.5)) : 'n/a',
      stats_max_ms: http ? round(Math.max(...http.paced.latencies)) : 'n/a',
      ratio: http ? round(quantile(http.paced.latencies, 0.95) / quantile(sql.latencies, 0.95), 2) : 'n/a',
      errors: http ? http.paced.errors + http.saturated.errors : 'n/a',
      saturated_rps: http ? round(http.saturated.rps) : 'n/a',
      saturated_p95_ms: p95(http?.saturated),
      saturated_raw_sql_p95_ms: p95(sqlSaturated),
      rss_mb: http ? round(http.rssMb, 0) : 'n/a',
      refresh_all_s: rebuild.rebuilt ? round(rebuild.ms / 1000, 1) : 'n/a',
      refresh_all_months: rebuild.months,
      refresh_month_ms: round(incremental.ms, 0),
    });
  } finally {
    await database.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The published statistics

type Rebuild = { rebuilt: boolean; months: number; ms: number; markMs: number; vacuumMs: number };

/**
 * Every month computed again from the facts (`npm run statistics -- --all`): the migration marked them all
 * when it was applied to the kept database, and a later run would find nothing marked. Then VACUUM ANALYZE of
 * the rewritten tables, as autovacuum would do soon after: the page is measured against current statistics.
 */
async function rebuildStatistics(adminUrl: string, keep: boolean): Promise<Rebuild> {
  const { markAllMonths, refreshStatistics } = await import('@/lib/statistics/refresh');
  const cells = await withPgClient(adminUrl, async (c) => {
    return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM "StatsCell"')).rows[0]!.n;
  });
  const rebuilt = !keep || cells === 0;
  const t0 = performance.now();
  if (rebuilt) await markAllMonths();
  const marked = performance.now();
  log(rebuilt ? 'Computing the statistics of every month again (refreshStatistics) …' : 'Refreshing marked months …');
  const { months } = await refreshStatistics();
  const done = performance.now();
  await withPgClient(adminUrl, (c) => c.query('VACUUM (ANALYZE) "StatsCell", "StatsDuration"'));
  const vacuumMs = performance.now() - done;
  log(`  ${months} month(s) in ${round((done - t0) / 1000, 1)} s (VACUUM ANALYZE ${round(vacuumMs / 1000, 1)} s).`);
  return { rebuilt, months, ms: done - t0, markMs: marked - t0, vacuumMs };
}

/** One month computed again, as the job does after a change: the current one (Berlin), the busiest to redo. */
async function refreshCurrentMonth(): Promise<{ months: number; ms: number; month: string; referrals: number }> {
  const { db } = await import('@/lib/db');
  const { refreshStatistics } = await import('@/lib/statistics/refresh');
  const [{ month, referrals }] = (await db().$queryRaw<{ month: string; referrals: number }[]>`
    SELECT to_char(stats_month(now()), 'YYYY-MM') AS month,
           (SELECT count(*)::int FROM "Referral" WHERE stats_month("incidentAt") = stats_month(now())) AS referrals`) as [
    { month: string; referrals: number },
  ];
  await db().$executeRaw`INSERT INTO "StatsDirtyMonth" (month) VALUES (stats_month(now()))`;
  const t0 = performance.now();
  const { months } = await refreshStatistics();
  const ms = performance.now() - t0;
  log(`Incremental refresh of ${month} (${referrals} referrals): ${months} month(s) in ${round(ms, 0)} ms.`);
  return { months, ms, month, referrals };
}

async function publishedSize(adminUrl: string): Promise<{ cells: number; durations: number; months: number }> {
  return withPgClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ cells: number; durations: number; months: number }>(
      `SELECT (SELECT count(*)::int FROM "StatsCell") AS cells, (SELECT count(*)::int FROM "StatsDuration") AS durations,
              (SELECT count(DISTINCT month)::int FROM "StatsCell") AS months`,
    );
    return rows[0]!;
  });
}

/** The latest mark of a changed month (its serial), to see whether anything was marked during the run. */
async function lastMark(adminUrl: string): Promise<number> {
  return withPgClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ last: string }>(
      `SELECT coalesce(last_value, 0)::text AS last FROM "StatsDirtyMonth_id_seq"`,
    );
    return Number(rows[0]!.last);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Users and what they look at

/**
 * 2 auditors and an admin (directorate-wide), and 2 supervisors: one of the busiest inspection, one of the
 * busiest station (by the published referral counts of the last 12 months).
 */
async function createUsers(prisma: PrismaClient, totpSecret: string): Promise<User[]> {
  const busiest = async (column: 'stationId' | 'inspectionId') => {
    const [row] = await prisma.$queryRaw<{ id: string }[]>`
      SELECT ${Prisma.raw(`"${column}"`)}::text AS id FROM "StatsCell"
       WHERE family = 'VICTIM.COUNT' AND month > (now() - interval '1 year')::date
       GROUP BY 1 ORDER BY sum(value) DESC NULLS LAST LIMIT 1`;
    if (!row) throw new Error('no published statistics: did the refresh compute nothing?');
    return row.id;
  };
  const [station, inspection] = await Promise.all([
    prisma.station.findUniqueOrThrow({ where: { id: await busiest('stationId') }, select: { code: true } }),
    prisma.inspection.findUniqueOrThrow({ where: { id: await busiest('inspectionId') }, select: { code: true } }),
  ]);
  const specs: { role: Role; label: string; stationCode?: string; inspectionCode?: string }[] = [
    { role: 'AUDITOR', label: 'auditor 1' },
    { role: 'AUDITOR', label: 'auditor 2' },
    { role: 'ADMIN', label: 'admin' },
    { role: 'SUPERVISOR', label: `supervisor, inspection ${inspection.code}`, inspectionCode: inspection.code },
    { role: 'SUPERVISOR', label: `supervisor, station ${station.code}`, stationCode: station.code },
  ];
  const users: User[] = [];
  for (const [i, spec] of specs.entries()) {
    const email = `bench-stats-${i}@polizei.example`;
    const { id } = await ensureUser(prisma, {
      email,
      displayName: `Bench Statistik ${i}`,
      role: spec.role,
      password: PASSWORD,
      totpSecret,
      ...(spec.stationCode ? { stationCode: spec.stationCode } : {}),
      ...(spec.inspectionCode ? { inspectionCode: spec.inspectionCode } : {}),
    });
    // The actor as a request sees it (lib/auth/session-store.ts).
    const actor = await prisma.user.findUniqueOrThrow({
      where: { id },
      select: { id: true, role: true, displayName: true, stationId: true, inspectionId: true, partnerId: true },
    });
    if (actor.role !== spec.role) throw new Error(`${email} exists with the role ${actor.role}, not ${spec.role}`);
    users.push({ email, label: spec.label, actor });
  }
  return users;
}

type View = {
  view: string;
  user: number;
  /** The page's address for this view. */
  path: string;
  /** What the page makes of its address. */
  filters: StatsFilters;
  /** The statements `statisticsFor` runs for it (recorded, see `recordedSql`). */
  sql: Prisma.Sql[];
};
type Views = { byUser: View[][]; statements: number };

type ViewContext = { month: string; municipality: () => string; station: () => string };

/** The views, as the page's filter form makes them (German parameter names, lib/statistics/schema.ts). */
const MIX: { view: string; directorateOnly?: true; params: (c: ViewContext) => Record<string, string> }[] = [
  { view: 'default (last 12 months)', params: () => ({}) },
  {
    view: 'last quarter',
    params: (c) => {
      const [von, bis] = previousQuarter(c.month);
      return { von, bis };
    },
  },
  {
    view: 'a municipality, 12 months',
    params: (c) => ({ von: addMonths(c.month, -11), bis: c.month, gemeinde: c.municipality() }),
  },
  {
    view: 'a station, 12 months',
    directorateOnly: true,
    params: (c) => ({ von: addMonths(c.month, -11), bis: c.month, dienststelle: c.station() }),
  },
  { view: 'current year', params: (c) => ({ von: `${c.month.slice(0, 4)}-01`, bis: c.month }) },
  { view: '3 years', params: (c) => ({ von: addMonths(c.month, -35), bis: c.month }) },
];

/**
 * Each user's sequence: their views in turn, starting with a different one each, so that they do not ask for
 * the same at once. A municipality or station is one of the busiest of the user's scope, drawn each time.
 */
async function viewsFor(users: User[]): Promise<Views> {
  const { db } = await import('@/lib/db');
  const month = berlinDateOf(new Date()).slice(0, 7);
  const busiest = async (column: 'municipalityId' | 'stationId', actor: Actor) => {
    const scoped =
      actor.role !== 'SUPERVISOR'
        ? Prisma.empty
        : actor.stationId
          ? Prisma.sql`AND "stationId" = ${actor.stationId}::uuid`
          : Prisma.sql`AND "inspectionId" = ${actor.inspectionId}::uuid`;
    const rows = await db().$queryRaw<{ id: string }[]>`
      SELECT ${Prisma.raw(`"${column}"`)}::text AS id FROM "StatsCell"
       WHERE family = 'VICTIM.COUNT' AND month >= ${`${addMonths(month, -11)}-01`}::date ${scoped}
       GROUP BY 1 ORDER BY sum(value) DESC NULLS LAST LIMIT ${FILTER_CHOICES}`;
    if (rows.length === 0) throw new Error(`no published ${column} for ${actor.role} ${actor.id}`);
    return rows.map((r) => r.id);
  };
  const pick = (ids: string[]) => () => ids[Math.floor(Math.random() * ids.length)]!;
  const recorded = new Map<string, Prisma.Sql[]>();
  let statements = 0;
  const byUser: View[][] = [];
  for (const [u, user] of users.entries()) {
    const context: ViewContext = {
      month,
      municipality: pick(await busiest('municipalityId', user.actor)),
      station: pick(user.actor.role === 'SUPERVISOR' ? [] : await busiest('stationId', user.actor)),
    };
    const mix = MIX.filter((m) => !m.directorateOnly || user.actor.role !== 'SUPERVISOR');
    const sequence: View[] = [];
    for (let n = 0; sequence.length < SEQUENCE_LENGTH; n++) {
      const chosen = mix[(n + u) % mix.length]!;
      const params = chosen.params(context);
      const query = new URLSearchParams(params).toString();
      const { filters, problems } = parseStatsFilters(params, month);
      if (problems.length) throw new Error(`the view ${query} has problems: ${problems.join(', ')}`);
      const key = `${u} ${query}`;
      let sql = recorded.get(key);
      if (!sql) {
        sql = await recordedSql(user.actor, filters);
        recorded.set(key, sql);
        statements = Math.max(statements, sql.length);
      }
      sequence.push({ view: chosen.view, user: u, path: query ? `/statistik?${query}` : '/statistik', filters, sql });
    }
    byUser.push(sequence);
  }
  return { byUser, statements };
}

/**
 * The raw SQL statements `statisticsFor` runs for `actor` and `filters`, recorded by running it once with the
 * shared client (lib/db.ts, kept on globalThis) wrapped so that each `$queryRaw` is noted as it is sent. Its
 * model queries (the partners' and municipalities' names, the scope's name) are not part of the baseline.
 */
async function recordedSql(actor: Actor, filters: StatsFilters): Promise<Prisma.Sql[]> {
  const { db } = await import('@/lib/db');
  const { statisticsFor } = await import('@/lib/statistics/queries');
  const real = db();
  const shared = globalThis as unknown as { prisma?: PrismaClient };
  const recorded: Prisma.Sql[] = [];
  shared.prisma = new Proxy(real, {
    get(target, property) {
      if (property === '$queryRaw') {
        return (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
          const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
          recorded.push(sql);
          return target.$queryRaw(sql);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  try {
    await statisticsFor(actor, filters);
  } finally {
    shared.prisma = real;
  }
  if (recorded.length === 0) throw new Error('statisticsFor ran no raw SQL through db(): has lib/db.ts changed?');
  return recorded;
}

/** Each user sees each of their views (not the sign-in page, not an error) before anything is measured. */
async function checkViews(baseUrl: string, cookies: string[], views: Views): Promise<void> {
  for (const [i, cookie] of cookies.entries()) {
    for (const page of new Set(views.byUser[i]!.map((v) => v.path))) {
      const response = await fetch(`${baseUrl}${page}`, { headers: { Cookie: cookie }, redirect: 'manual' });
      const body = await response.text();
      if (response.status !== 200 || !body.includes(PAGE_MARK) || body.includes('data-testid="stats-problems"')) {
        throw new Error(
          `user ${i} does not get ${page} (${response.status} ${response.headers.get('location') ?? ''})`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Load

/** One request: its view and user, its latency (null: failed), and the size of the answer (HTTP only). */
type Sample = { view: string; user: number; ms: number | null; bytes?: number };

interface LoadResult {
  samples: Sample[];
  /** Answered requests' latencies. */
  latencies: number[];
  errors: number;
  requests: number;
  rps: number;
  /** Per statement of the SQL baseline (its position in `statisticsFor`): latencies, and the slowest one. */
  statements?: { latencies: number[]; slowest: { ms: number; sql: Prisma.Sql } | null }[];
}

function summary(samples: Sample[], seconds: number, lost = 0): LoadResult {
  const latencies = samples.flatMap((s) => (s.ms === null ? [] : [s.ms]));
  const errors = samples.length - latencies.length + lost;
  return { samples, latencies, errors, requests: latencies.length + errors, rps: latencies.length / seconds };
}

/**
 * One connection per user, each going through its own sequence of views in order (one request at a time, so
 * the n-th answer is the n-th view). A failed view's answer counts as an error, not as a latency.
 */
async function httpLoad(baseUrl: string, cookies: string[], views: Views, seconds: number): Promise<LoadResult> {
  const samples: Sample[] = [];
  let next = 0;
  const result = await autocannon({
    url: baseUrl,
    connections: cookies.length,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      const i = next++ % cookies.length;
      const sequence = views.byUser[i]!;
      client.setRequests(sequence.map((v) => ({ method: 'GET', path: v.path, headers: { Cookie: cookies[i]! } })));
      let answered = 0;
      client.on('response', (status: number, bytes: number, responseTime: number) => {
        const { view } = sequence[answered++ % sequence.length]!;
        samples.push({ view, user: i, ms: status === 200 ? responseTime : null, bytes });
      });
    },
  });
  return summary(samples, seconds, result.errors + result.timeouts);
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
  request: (caller: number, view: View) => Promise<number | void>,
): Promise<LoadResult> {
  const samples: Sample[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    views.byUser.map(async (sequence, i) => {
      if (thinkMs) await sleep(Math.random() * thinkMs);
      for (let n = 0; performance.now() < until; n++) {
        if (n > 0 && thinkMs) await sleep(-Math.log(1 - Math.random()) * thinkMs);
        const view = sequence[n % SEQUENCE_LENGTH]!;
        const t0 = performance.now();
        try {
          const bytes = await request(i, view);
          samples.push({ view: view.view, user: i, ms: performance.now() - t0, ...(bytes ? { bytes } : {}) });
        } catch {
          samples.push({ view: view.view, user: i, ms: null });
        }
      }
    }),
  );
  return summary(samples, seconds);
}

/** Users over HTTP at a human pace (`callerLoad`); without a pause, `httpLoad` does it cheaper. */
function pacedHttpLoad(
  baseUrl: string,
  cookies: string[],
  views: Views,
  seconds: number,
  thinkMs: number,
): Promise<LoadResult> {
  return callerLoad(views, seconds, thinkMs, async (i, view) => {
    const response = await fetch(`${baseUrl}${view.path}`, { headers: { Cookie: cookies[i]! }, redirect: 'manual' });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(String(response.status));
    return body.byteLength;
  });
}

/**
 * Baseline 1, the app's code without HTTP: `statisticsFor` itself (its SQL, the names it looks up, the
 * figures it sums), through the shared Prisma client made like the app's (lib/db.ts). Not the page's other
 * lookups (session, the filter's options) nor rendering.
 */
async function appCodeLoad(users: User[], views: Views, seconds: number, thinkMs = 0): Promise<LoadResult> {
  const { statisticsFor } = await import('@/lib/statistics/queries');
  return callerLoad(views, seconds, thinkMs, async (i, view) => {
    await statisticsFor(users[i]!.actor, view.filters);
  });
}

/**
 * Baseline 2, the SQL alone: the statements `statisticsFor` runs for each view, at once as it runs them,
 * through the same client. Each statement's latency is kept too (where the SQL's time goes).
 */
async function sqlLoad(views: Views, seconds: number, thinkMs = 0): Promise<LoadResult> {
  const { db } = await import('@/lib/db');
  const statements: NonNullable<LoadResult['statements']> = Array.from({ length: views.statements }, () => ({
    latencies: [],
    slowest: null,
  }));
  const load = await callerLoad(views, seconds, thinkMs, async (_, view) => {
    await Promise.all(
      view.sql.map(async (sql, k) => {
        const t0 = performance.now();
        await db().$queryRaw(sql);
        const ms = performance.now() - t0;
        const entry = statements[k]!;
        entry.latencies.push(ms);
        if (!entry.slowest || ms > entry.slowest.ms) entry.slowest = { ms, sql };
      }),
    );
  });
  return { ...load, statements };
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

const of = (load: LoadResult | undefined, keep: (s: Sample) => boolean) => {
  const samples = load?.samples.filter(keep) ?? [];
  return {
    latencies: samples.flatMap((s) => (s.ms === null ? [] : [s.ms])),
    errors: samples.filter((s) => s.ms === null).length,
  };
};

/** A short name for a recorded statement: its table and what it groups by (or how it begins). */
function statementName(sql: Prisma.Sql): string {
  const text = sql.text.replaceAll(/\s+/g, ' ').trim();
  const table = /FROM "(\w+)"/.exec(text)?.[1] ?? '?';
  const group = /GROUP BY ([^)]+)$/.exec(text)?.[1]?.trim();
  return group ? `${table}, GROUP BY ${group}` : `${table}, ${text.slice(0, 24)} …`;
}

function report(r: {
  users: User[];
  views: Views;
  http: { paced: LoadResult; saturated: LoadResult; rssMb: number; marked: number } | null;
  code: LoadResult;
  sql: LoadResult;
  codeSaturated: LoadResult;
  sqlSaturated: LoadResult;
  rebuild: Rebuild;
  incremental: { months: number; ms: number; month: string; referrals: number };
  published: { cells: number; durations: number; months: number };
}): void {
  const row = (measured: string, load: LoadResult | undefined, target = '') =>
    load
      ? {
          measured,
          requests: load.requests,
          'req/s': round(load.rps),
          ...stats(load.latencies),
          errors: load.errors,
          target,
        }
      : { measured, requests: 'n/a' };
  const pace = `a view every ${THINK_MS / 1000} s each`;
  const roles = r.users.map((u) => u.label).join(', ');
  printTable(
    `Statistics page, 1,000,000 referrals: ${r.users.length} users (${roles}), ${DURATION_S} s each run, after ${WARM_UP_S} s warm-up`,
    [
      row(`app: GET /statistik, ${pace}`, r.http?.paced, `p95 ≤ ${TARGET_MS} ms, 0 errors`),
      row('baseline: statisticsFor (app code, no HTTP), same pace', r.code),
      row(`baseline: its SQL (${r.views.statements} statements at once), same pace`, r.sql),
      row('app: without a pause (capacity)', r.http?.saturated, '0 errors'),
      row('baseline: statisticsFor without a pause', r.codeSaturated),
      row('baseline: SQL without a pause', r.sqlSaturated),
    ],
  );
  const share = (view: string) => {
    const all = r.views.byUser.flat();
    return round((100 * all.filter((v) => v.view === view).length) / all.length, 1);
  };
  const p95 = (latencies: number[]) => (latencies.length ? round(quantile(latencies, 0.95)) : '-');
  printTable(
    `By view, ${pace} (answered requests; a failed view counts as an error only)`,
    MIX.map(({ view }) => {
      const app = of(r.http?.paced, (s) => s.view === view);
      return {
        view,
        'share %': share(view),
        'app n': r.http ? app.latencies.length : 'n/a',
        'app p50 ms': app.latencies.length ? round(quantile(app.latencies, 0.5)) : '-',
        'app p95 ms': p95(app.latencies),
        'app max ms': app.latencies.length ? round(Math.max(...app.latencies)) : '-',
        'app errors': app.errors,
        'page kB': (() => {
          const sizes = (r.http?.paced.samples ?? []).filter((s) => s.view === view && s.bytes).map((s) => s.bytes!);
          return sizes.length ? round(quantile(sizes, 0.5) / 1024, 0) : '-';
        })(),
        'statisticsFor p95 ms': p95(of(r.code, (s) => s.view === view).latencies),
        'SQL p95 ms': p95(of(r.sql, (s) => s.view === view).latencies),
        'SQL max ms': (() => {
          const l = of(r.sql, (s) => s.view === view).latencies;
          return l.length ? round(Math.max(...l)) : '-';
        })(),
      };
    }),
  );
  printTable(
    `By user, ${pace}`,
    r.users.map((user, u) => {
      const app = of(r.http?.paced, (s) => s.user === u);
      return {
        user: user.label,
        'app n': r.http ? app.latencies.length : 'n/a',
        'app p95 ms': p95(app.latencies),
        'app errors': app.errors,
        'statisticsFor p95 ms': p95(of(r.code, (s) => s.user === u).latencies),
        'SQL p95 ms': p95(of(r.sql, (s) => s.user === u).latencies),
      };
    }),
  );
  const first = r.views.byUser.flat().find((v) => v.sql.length === r.views.statements);
  printTable(
    `The SQL baseline by statement, ${pace} (each statement's own time, the others running beside it)`,
    (r.sql.statements ?? []).map((s, k) => ({
      statement: `${k + 1}: ${first ? statementName(first.sql[k]!) : '?'}`,
      n: s.latencies.length,
      ...stats(s.latencies),
    })),
  );
  const rb = r.rebuild;
  printTable('Refresh, published size and memory', [
    {
      figure: rb.rebuilt ? 'refresh of every month (markAllMonths + refreshStatistics)' : 'refresh of marked months',
      value: `${round(rb.ms / 1000, 1)} s`,
      detail: `${rb.months} months (marking ${round(rb.markMs)} ms); VACUUM ANALYZE afterwards ${round(rb.vacuumMs / 1000, 1)} s`,
    },
    {
      figure: `incremental refresh of the current month (${r.incremental.month})`,
      value: `${round(r.incremental.ms, 0)} ms`,
      detail: `${r.incremental.months} month, ${r.incremental.referrals.toLocaleString('en-US')} referrals`,
    },
    {
      figure: 'published rows',
      value: r.published.cells.toLocaleString('en-US'),
      detail: `StatsCell over ${r.published.months} months; ${r.published.durations.toLocaleString('en-US')} StatsDuration`,
    },
    {
      figure: 'months marked while the app ran (its job refreshed them)',
      value: r.http ? r.http.marked : 'n/a',
      detail: r.http?.marked ? 'the job computed beside the measured requests' : '',
    },
    {
      figure: 'app server peak resident memory (MB)',
      value: r.http ? round(r.http.rssMb, 0) : 'n/a',
      detail: 'target ≤ 300',
    },
  ]);
}

/** The plan of the slowest statement of the SQL baseline (its slowest run), run once more: EXPLAIN ANALYZE. */
async function explainSlowest(adminUrl: string, sql: LoadResult, wanted: boolean): Promise<void> {
  if (!wanted) {
    log(`The page meets p95 ≤ ${TARGET_MS} ms: no query plan printed (--explain prints the slowest anyway).`);
    return;
  }
  const slowest = (sql.statements ?? [])
    .map((s) => ({ p95: s.latencies.length ? quantile(s.latencies, 0.95) : 0, slowest: s.slowest }))
    .sort((a, b) => b.p95 - a.p95)[0];
  if (!slowest?.slowest) return;
  const { text, values } = slowest.slowest.sql;
  const { rows } = await withPgClient(adminUrl, (c) =>
    c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values as unknown[]),
  );
  process.stdout.write(
    `\nSlowest statement (SQL p95 ${round(slowest.p95)} ms; this run ${round(slowest.slowest.ms)} ms in the baseline), again:\n` +
      `${text.replaceAll(/\s+/g, ' ').trim()}\n-- ${JSON.stringify(values)}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`,
  );
}

export const statsBenchmark: Benchmark = {
  name: 'stats',
  description:
    '5 users (auditors, admin, supervisors) open the statistics page over HTTP for 30 s with 1,000,000 referrals, beside its SQL',
  run,
};
