/**
 * `npm run bench -- queue [--skip-build] [--fresh] [--cpu-prof]`: 20 supervisors of different scopes (stations and
 * inspections), each signed in through the real sign-in with the second factor, open the review queue
 * ("/pruefung") over HTTP for 30 s with a mix of views: the default, other statuses, each filter, a later page.
 * First at a (brisk) human pace, each supervisor a view every 2 s on average: the response time a supervisor
 * gets, the figure against the target. Then without any pause, 20 requests always in flight: the capacity on
 * this machine, where p95 is mostly the wait for the two cores.
 * Baseline in the same run, both ways: the queue's own SQL (lib/review/queries.ts: the page query and the
 * counts, as `reviewQueue` runs them, through a Prisma client like the app's) with 20 callers and the same mix.
 * DESIGN.md section 11: queue p95 ≤ 50 ms with 1,000,000 referrals; app server ≤ 300 MB resident.
 *
 * The 1,000,000 referrals (lib/cli/fill-referrals.ts, as `npm run db:fill`) take minutes to write, so the
 * filled database is kept in `${BENCH_QUEUE_DIR:-$TMPDIR/vermittlung-bench-queue}` with the keys it was
 * sealed with, and reused by later runs (with any new migrations applied; support/kept-referrals.ts, shared
 * with the statistics benchmark); `--fresh` starts it anew. Its history ends when it was filled: the older it
 * gets, the longer its open referrals seem to wait.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';

import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { allowServerOnlyModules } from '@/lib/cli/fill-server-only';
import { createPrismaClient } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { QueueFilters } from '@/lib/review/queries';
import type { ReviewScope } from '@/lib/review/scope';
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

const SUPERVISORS = 20;
const DURATION_S = 30;
const WARM_UP_S = 5;
/**
 * A supervisor's pause between two views of the queue, on average. Working the queue, a supervisor opens it,
 * opens a referral, reads it and decides: one view of the queue per half minute or so. 2 s is a supervisor
 * clicking through tabs and filters without reading; 20 of them at once are about 10 views a second.
 */
const THINK_MS = 2_000;
const PASSWORD = 'Bench-Passwort-2026-lang';
/** Each supervisor's requests, in order, cycled: the same sequence for the HTTP run and the baseline. */
const SEQUENCE_LENGTH = 400;

async function run(argv: readonly string[]): Promise<void> {
  ensureBuild(argv);
  const dir = keptReferralsDir();
  if (argv.includes('--fresh')) await fsp.rm(dir, { recursive: true, force: true });
  const keys = await keptKeys(dir);
  const database = await startBenchDatabase({ keepIn: path.join(dir, 'postgres') });
  try {
    // This process seals the supervisors' second factor and runs the baseline: with the app's keys and
    // connection. Set before anything reads the configuration (lib/env.ts caches it).
    Object.assign(process.env, {
      HASH_SECRET: keys.HASH_SECRET,
      ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
      DATABASE_URL: database.url,
    });
    resetEnvCache();
    allowServerOnlyModules();
    await ensureFilled(database.adminUrl, dir);

    const prisma = createPrismaClient(database.url);
    let supervisors: Supervisor[];
    try {
      supervisors = await createSupervisors(prisma, keys.TOTP_SECRET);
    } finally {
      await prisma.$disconnect();
    }
    const views = await viewsFor(supervisors);

    // `--cpu-prof`: V8 CPU profiles of the app's processes, to see where a request's time goes.
    const profileDir = argv.includes('--cpu-prof')
      ? await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-queue-prof-'))
      : null;
    const app = await startApp(database.url, {
      HASH_SECRET: keys.HASH_SECRET,
      ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
      ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
    });
    try {
      log(`Signing in ${SUPERVISORS} supervisors (password and second factor) …`);
      const cookies: string[] = [];
      for (const s of supervisors) {
        // A code is accepted once per account: a kept database remembers the last step each one used.
        await clearLastStep(database.url, s.email);
        cookies.push(await signInWithSecondFactor(app.baseUrl, s.email, PASSWORD, currentTotpCode(keys.TOTP_SECRET)));
      }
      await checkSignedIn(app.baseUrl, cookies);

      log(`Warm-up ${WARM_UP_S} s …`);
      await httpLoad(app.baseUrl, cookies, views, WARM_UP_S);
      const memory = sampleServerMemory(app.launcher);
      log(
        `Measuring /pruefung for ${DURATION_S} s: ${SUPERVISORS} supervisors, each a view every ${THINK_MS / 1000} s on average …`,
      );
      const http = await pacedHttpLoad(app.baseUrl, cookies, views, DURATION_S, THINK_MS);
      log(`Measuring /pruefung for ${DURATION_S} s: ${SUPERVISORS} supervisors without a pause (capacity) …`);
      const httpSaturated = await httpLoad(app.baseUrl, cookies, views, DURATION_S);
      memory.stop();

      log(`Baseline: the queue's SQL by ${SUPERVISORS} callers, at the same pace, then without a pause …`);
      const sql = await sqlLoad(supervisors, views, DURATION_S, THINK_MS);
      await sqlLoad(supervisors, views, WARM_UP_S);
      const sqlSaturated = await sqlLoad(supervisors, views, DURATION_S);

      const ratio = http.p95 / sql.p95;
      printTable(
        `Review queue: ${SUPERVISORS} supervisors (${views.label}), ${DURATION_S} s each run, after ${WARM_UP_S} s warm-up`,
        [
          row(`app: GET /pruefung, a view every ${THINK_MS / 1000} s each`, http, 'p95 ≤ 50 ms, 0 errors'),
          row('baseline: page + counts SQL, same pace', sql, ''),
          row('app: without a pause (capacity)', httpSaturated, '0 errors'),
          row('baseline: SQL without a pause', sqlSaturated, ''),
        ],
      );
      printTable(
        `By view, a view every ${THINK_MS / 1000} s each (answered requests; a view that fails is counted as errors only)`,
        MIX.map(({ view }) => {
          const app = http.byView.get(view);
          const raw = sql.byView.get(view);
          return {
            view,
            'share %': views.share.get(view) ?? 0,
            'app p95 ms': app?.latencies.length ? round(quantile(app.latencies, 0.95)) : '-',
            'app errors': app?.errors ?? 0,
            'SQL p95 ms': raw?.latencies.length ? round(quantile(raw.latencies, 0.95)) : '-',
            'SQL errors': raw?.errors ?? 0,
          };
        }),
      );
      printTable('Ratio and memory', [
        { figure: 'p95 app / baseline (paced)', value: round(ratio, 2), target: '' },
        {
          figure: 'p95 app / baseline (without a pause)',
          value: round(httpSaturated.p95 / sqlSaturated.p95, 2),
          target: '',
        },
        { figure: 'app server peak resident memory (MB)', value: round(memory.peakMb(), 0), target: '≤ 300' },
      ]);
      printKeyValues({
        queue_p95_ms: round(http.p95),
        raw_sql_p95_ms: round(sql.p95),
        ratio: round(ratio, 2),
        saturated_p95_ms: round(httpSaturated.p95),
        saturated_rps: round(httpSaturated.rps),
        saturated_raw_sql_p95_ms: round(sqlSaturated.p95),
        errors: http.errors + httpSaturated.errors,
        rss_mb: round(memory.peakMb(), 0),
      });
    } finally {
      await app.stop();
      if (profileDir) {
        log(`CPU profiles: ${profileDir} (summary: npx tsx tests/bench/support/profile-summary.ts ${profileDir})`);
      }
    }
  } finally {
    await database.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Supervisors and what they look at

type Supervisor = { email: string; scope: ReviewScope; scopeName: string };
type Views = {
  /** Per supervisor: each request's view, its URL path and the filters the page makes of it, in order. */
  bySupervisor: { view: string; path: string; filters: QueueFilters }[][];
  /** Each view's share of all requests, in percent. */
  share: Map<string, number>;
  label: string;
};

/**
 * 20 supervisors: every inspection twice (its whole range, the heaviest queue), the rest each one station,
 * the busiest first.
 */
async function createSupervisors(prisma: PrismaClient, totpSecret: string): Promise<Supervisor[]> {
  const inspections = await prisma.inspection.findMany({ select: { id: true, code: true }, orderBy: { code: 'asc' } });
  const busiest = await prisma.referral.groupBy({
    by: ['stationId'],
    _count: { _all: true },
    orderBy: { _count: { stationId: 'desc' } },
  });
  const stations = await prisma.station.findMany({ select: { id: true, code: true } });
  const codeOf = new Map(stations.map((s) => [s.id, s.code]));
  const specs: { code: string; kind: 'station' | 'inspection' }[] = [
    ...inspections.flatMap((i) => [
      { code: i.code, kind: 'inspection' as const },
      { code: i.code, kind: 'inspection' as const },
    ]),
    ...busiest.map((b) => ({ code: codeOf.get(b.stationId)!, kind: 'station' as const })),
  ].slice(0, SUPERVISORS);
  const supervisors: Supervisor[] = [];
  for (const [i, spec] of specs.entries()) {
    const email = `bench-supervisor-${i}@polizei.example`;
    const { id } = await ensureUser(prisma, {
      email,
      displayName: `Bench Dienstaufsicht ${i}`,
      role: 'SUPERVISOR',
      password: PASSWORD,
      totpSecret,
      ...(spec.kind === 'station' ? { stationCode: spec.code } : { inspectionCode: spec.code }),
    });
    const user = await prisma.user.findUniqueOrThrow({
      where: { id },
      select: { stationId: true, inspectionId: true },
    });
    const scope: ReviewScope = user.stationId ? { stationId: user.stationId } : { inspectionId: user.inspectionId! };
    supervisors.push({ email, scope, scopeName: `${spec.kind} ${spec.code}` });
  }
  return supervisors;
}

/**
 * The mix of views, as the page's links make them: mostly "to review", the other open statuses, the filters
 * (high risk, overdue, a municipality of the scope, a partner), closed and purged history, and a later page.
 */
const MIX: { view: string; weight: number; params: (c: ViewContext) => Record<string, string> | null }[] = [
  { view: 'default (to review)', weight: 30, params: () => ({}) },
  { view: 'status=RETURNED', weight: 5, params: () => ({ status: 'RETURNED' }) },
  { view: 'status=APPROVED', weight: 4, params: () => ({ status: 'APPROVED' }) },
  { view: 'status=DISPATCHED', weight: 4, params: () => ({ status: 'DISPATCHED' }) },
  { view: 'status=ACKNOWLEDGED', weight: 9, params: () => ({ status: 'ACKNOWLEDGED' }) },
  { view: 'status=CLOSED', weight: 6, params: () => ({ status: 'CLOSED' }) },
  { view: 'status=WITHDRAWN', weight: 2, params: () => ({ status: 'WITHDRAWN' }) },
  { view: 'status=PURGED', weight: 2, params: () => ({ status: 'PURGED' }) },
  { view: 'highRisk=1', weight: 7, params: () => ({ highRisk: '1' }) },
  { view: 'overdue=1', weight: 8, params: () => ({ overdue: '1' }) },
  { view: 'status=ACKNOWLEDGED&overdue=1', weight: 3, params: () => ({ status: 'ACKNOWLEDGED', overdue: '1' }) },
  { view: 'municipality=<of the scope>', weight: 6, params: (c) => ({ municipality: c.municipality }) },
  { view: 'partner=<one of five>', weight: 6, params: (c) => ({ partner: c.partner() }) },
  {
    view: 'status=CLOSED, second page',
    weight: 8,
    params: (c) => (c.secondPage ? { status: 'CLOSED', nach: c.secondPage } : null),
  },
];

type ViewContext = { municipality: string; partner: () => string; secondPage: string | null };

async function viewsFor(supervisors: Supervisor[]): Promise<Views> {
  const { db } = await import('@/lib/db');
  const { encodeQueueCursor, queueFilters, queuePageSql, QUEUE_PAGE_SIZE } = await import('@/lib/review/queries');
  const partners = await db().partner.findMany({ select: { id: true } });
  const counts = new Map<string, number>();
  const bySupervisor: Views['bySupervisor'] = [];
  for (const s of supervisors) {
    const [municipality] = await db().$queryRaw<{ id: string }[]>`
      SELECT "municipalityId" AS id FROM "Referral"
       WHERE ${'stationId' in s.scope ? s.scope.stationId : s.scope.inspectionId}::uuid IN ("stationId", "inspectionId")
         AND status = 'ACKNOWLEDGED'
       GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`;
    // The cursor of the page's "more" link on the first page of closed referrals.
    const first = await db().$queryRaw<{ id: string; highRisk: boolean; statusChangedAt: Date }[]>(
      queuePageSql(s.scope, queueFilters.parse({ status: 'CLOSED' }), new Date()),
    );
    const context: ViewContext = {
      municipality: municipality?.id ?? '',
      partner: () => partners[Math.floor(Math.random() * partners.length)]!.id,
      secondPage: first.length > QUEUE_PAGE_SIZE ? encodeQueueCursor(first[QUEUE_PAGE_SIZE - 1]!) : null,
    };
    const total = MIX.reduce((sum, m) => sum + m.weight, 0);
    const sequence: Views['bySupervisor'][number] = [];
    while (sequence.length < SEQUENCE_LENGTH) {
      let x = Math.random() * total;
      const chosen = MIX.find((m) => (x -= m.weight) < 0)!;
      const params = chosen.params(context);
      if (!params) continue;
      const query = new URLSearchParams(params).toString();
      // Exactly what the page makes of its URL (app/(app)/pruefung/page.tsx).
      const filters = queueFilters.parse({ ...params, cursor: params.nach });
      sequence.push({ view: chosen.view, path: query ? `/pruefung?${query}` : '/pruefung', filters });
      counts.set(chosen.view, (counts.get(chosen.view) ?? 0) + 1);
    }
    bySupervisor.push(sequence);
  }
  const all = [...counts.values()].reduce((a, b) => a + b, 0);
  const scopes = supervisors.map((s) => s.scopeName.split(' ')[0]);
  return {
    bySupervisor,
    share: new Map(MIX.map((m) => [m.view, round((100 * (counts.get(m.view) ?? 0)) / all, 1)])),
    label: `${scopes.filter((k) => k === 'inspection').length} inspection- and ${scopes.filter((k) => k === 'station').length} station-scoped`,
  };
}

/** Each supervisor sees the queue (not the sign-in page, not an error) before anything is measured. */
async function checkSignedIn(baseUrl: string, cookies: string[]): Promise<void> {
  for (const [i, cookie] of cookies.entries()) {
    const response = await fetch(`${baseUrl}/pruefung`, {
      headers: { Cookie: cookie },
      redirect: 'manual',
    });
    const body = await response.text();
    if (response.status !== 200 || !body.includes('data-testid="queue-tabs"')) {
      throw new Error(
        `supervisor ${i} does not see the queue (${response.status} ${response.headers.get('location') ?? ''})`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Latencies and failures of each view. */
  byView: Map<string, { latencies: number[]; errors: number }>;
}

/** Records one request of `view`. */
function tally(byView: LoadResult['byView'], view: string, latency: number | null): void {
  let entry = byView.get(view);
  if (!entry) byView.set(view, (entry = { latencies: [], errors: 0 }));
  if (latency === null) entry.errors++;
  else entry.latencies.push(latency);
}

const row = (measured: string, r: LoadResult, target: string) => ({
  measured,
  requests: r.requests,
  'req/s': round(r.rps),
  'p50 ms': round(r.p50),
  'p95 ms': round(r.p95),
  'p99 ms': round(r.p99),
  errors: r.errors,
  target,
});

/**
 * One connection per supervisor, each going through its own sequence of views in order (one request at a
 * time, so the n-th answer is the n-th view). A failed view's answer counts as an error, not as a latency.
 */
async function httpLoad(baseUrl: string, cookies: string[], views: Views, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const byView: LoadResult['byView'] = new Map();
  let errors = 0;
  let next = 0;
  const result = await autocannon({
    url: baseUrl,
    connections: cookies.length,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      const i = next++ % cookies.length;
      const sequence = views.bySupervisor[i]!;
      client.setRequests(sequence.map((v) => ({ method: 'GET', path: v.path, headers: { Cookie: cookies[i]! } })));
      let answered = 0;
      client.on('response', (status: number, _bytes: number, responseTime: number) => {
        const { view } = sequence[answered++ % sequence.length]!;
        if (status === 200) latencies.push(responseTime);
        else errors++;
        tally(byView, view, status === 200 ? responseTime : null);
      });
    },
  });
  errors += result.errors + result.timeouts;
  return summary(latencies, errors, seconds, byView);
}

/**
 * `callers` each going through their sequence of views, one request at a time, for `seconds`. With
 * `thinkMs`: at a human pace, each reading a view for a while (`thinkMs` on average, exponentially
 * distributed, so that they do not click in step) before the next, the first after a random part of it.
 * `request` throws for a failed view.
 */
async function callerLoad(
  callers: number,
  views: Views,
  seconds: number,
  thinkMs: number,
  request: (caller: number, view: Views['bySupervisor'][number][number]) => Promise<void>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const byView: LoadResult['byView'] = new Map();
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      if (thinkMs) await sleep(Math.random() * thinkMs);
      for (let n = 0; performance.now() < until; n++) {
        if (n > 0 && thinkMs) await sleep(thinkTime(thinkMs));
        const view = views.bySupervisor[i]![n % SEQUENCE_LENGTH]!;
        const t0 = performance.now();
        try {
          await request(i, view);
          const latency = performance.now() - t0;
          latencies.push(latency);
          tally(byView, view.view, latency);
        } catch {
          errors++;
          tally(byView, view.view, null);
        }
      }
    }),
  );
  return summary(latencies, errors, seconds, byView);
}

/** An exponentially distributed pause with this mean. */
const thinkTime = (meanMs: number) => -Math.log(1 - Math.random()) * meanMs;

/** Supervisors over HTTP at a human pace (`callerLoad`); without a pause, `httpLoad` does it cheaper. */
function pacedHttpLoad(
  baseUrl: string,
  cookies: string[],
  views: Views,
  seconds: number,
  thinkMs: number,
): Promise<LoadResult> {
  return callerLoad(cookies.length, views, seconds, thinkMs, async (i, view) => {
    const response = await fetch(`${baseUrl}${view.path}`, { headers: { Cookie: cookies[i]! }, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(String(response.status));
  });
}

/**
 * The baseline: what `reviewQueue` asks the database for each view (the page query and the counts, at once),
 * without HTTP, session, rendering, or the page's other lookups. Through a Prisma client made like the app's
 * (lib/db.ts), so the ratio shows what the app adds to its queries.
 */
async function sqlLoad(supervisors: Supervisor[], views: Views, seconds: number, thinkMs = 0): Promise<LoadResult> {
  const { db } = await import('@/lib/db');
  const { queueCounts, queuePageSql } = await import('@/lib/review/queries');
  return callerLoad(supervisors.length, views, seconds, thinkMs, async (i, { filters }) => {
    const { scope } = supervisors[i]!;
    const now = new Date();
    await Promise.all([db().$queryRaw(queuePageSql(scope, filters, now)), queueCounts(scope, now)]);
  });
}

function summary(latencies: number[], errors: number, seconds: number, byView: LoadResult['byView']): LoadResult {
  return {
    byView,
    requests: latencies.length + errors,
    errors,
    rps: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
  };
}

export const queueBenchmark: Benchmark = {
  name: 'queue',
  description: '20 supervisors open the review queue over HTTP for 30 s with 1,000,000 referrals, beside its SQL',
  run,
};
