/**
 * `npm run bench -- submit`: 20 officers, each signed in through the real sign-in, submit complete
 * consented referrals through the very request the browser sends to the server action, for 30 s. Baseline in
 * the same run: 20 plain `pg` clients insert the same number of equivalent rows (referral plus audit event,
 * one transaction each) straight into the same database. DESIGN.md section 11: p95 ≤ 60 ms, throughput
 * ≥ 10 % of the raw inserts, no errors, app server ≤ 300 MB resident.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import pg from 'pg';

import { createPrismaClient } from '@/lib/db/client';
import { consentedSubmission, ensureUser, seedReferenceData } from '@/prisma/factories';

import type { Benchmark } from './support/benchmark';
import {
  ensureBuild,
  log,
  printKeyValues,
  printTable,
  quantile,
  round,
  sampleServerMemory,
  startApp,
  startBenchDatabase,
} from './support/harness';
import { actionResultOk, serverActionHeaders, serverActionId, signIn } from './support/http';

const OFFICERS = 20;
const DURATION_S = 30;
const WARM_UP_S = 5;
const PASSWORD = 'Bench-Passwort-2026-lang';
const MUNICIPALITY = 'Garbsen';

async function run(argv: readonly string[]): Promise<void> {
  ensureBuild(argv);
  const database = await startBenchDatabase();
  try {
    const prisma = createPrismaClient(database.url);
    let municipalityId: string;
    try {
      await seedReferenceData(prisma);
      const stations = await prisma.station.findMany({ select: { code: true }, orderBy: { code: 'asc' } });
      for (let i = 0; i < OFFICERS; i++) {
        await ensureUser(prisma, {
          email: `bench-officer-${i}@polizei.example`,
          displayName: `Bench ${i}`,
          role: 'OFFICER',
          password: PASSWORD,
          stationCode: stations[i % stations.length]!.code,
        });
      }
      municipalityId = (await prisma.municipality.findUniqueOrThrow({ where: { name: MUNICIPALITY } })).id;
    } finally {
      await prisma.$disconnect();
    }

    // `--cpu-prof`: V8 CPU profiles of the app's processes, to see where the time goes before optimising.
    const profileDir = argv.includes('--cpu-prof')
      ? await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-submit-prof-'))
      : null;
    const app = await startApp(
      database.url,
      profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {},
    );
    try {
      const cookies = await Promise.all(
        Array.from({ length: OFFICERS }, (_, i) => signIn(app.baseUrl, `bench-officer-${i}@polizei.example`, PASSWORD)),
      );
      const actionId = serverActionId('lib/referrals/actions.ts', 'submitReferralAction');
      // Each submission another case (the same number and person again would be refused as a likely duplicate).
      let cases = 0;
      const body = () =>
        JSON.stringify([
          consentedSubmission(municipalityId, { caseNumber: `2026/${String(++cases).padStart(8, '0')}` }),
        ]);

      log(`Warm-up ${WARM_UP_S} s …`);
      await load(app.baseUrl, actionId, cookies, body, WARM_UP_S);
      log(`Measuring ${DURATION_S} s with ${OFFICERS} concurrent officers …`);
      const memory = sampleServerMemory(app.launcher);
      const submit = await load(app.baseUrl, actionId, cookies, body, DURATION_S);
      memory.stop();

      log(`Baseline: ${submit.ok} transactions through plain pg …`);
      const raw = await rawInserts(database.url, municipalityId, submit.ok);

      const ratio = submit.rps / raw.rps;
      printTable(`Submit: ${OFFICERS} concurrent officers, ${DURATION_S} s (after ${WARM_UP_S} s warm-up)`, [
        {
          measured: 'app: server action over HTTP',
          requests: submit.ok + submit.errors,
          'req/s': round(submit.rps),
          'p50 ms': round(submit.p50),
          'p95 ms': round(submit.p95),
          'p99 ms': round(submit.p99),
          errors: submit.errors,
          target: 'p95 ≤ 60 ms, 0 errors',
        },
        {
          measured: 'baseline: plain pg INSERTs',
          requests: raw.count,
          'req/s': round(raw.rps),
          'p50 ms': round(raw.p50),
          'p95 ms': round(raw.p95),
          'p99 ms': round(raw.p99),
          errors: 0,
          target: '',
        },
      ]);
      printTable('Ratio and memory', [
        { figure: 'throughput app / baseline', value: round(ratio, 3), target: '≥ 0.10' },
        { figure: 'app server peak resident memory (MB)', value: round(memory.peakMb(), 0), target: '≤ 300' },
      ]);
      printKeyValues({
        submit_rps: round(submit.rps),
        submit_p95_ms: round(submit.p95),
        raw_rps: round(raw.rps),
        raw_p95_ms: round(raw.p95),
        ratio: round(ratio, 3),
        errors: submit.errors,
        rss_mb: round(memory.peakMb(), 0),
      });
    } finally {
      await app.stop();
      if (profileDir)
        log(`CPU profiles: ${profileDir} (summary: npx tsx tests/bench/support/profile-summary.ts ${profileDir})`);
    }
  } finally {
    await database.stop();
  }
}

interface LoadResult {
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One autocannon run: one connection per officer, each request a new referral (new idempotency key). */
async function load(
  baseUrl: string,
  actionId: string,
  cookies: string[],
  body: () => string,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let next = 0;
  const result = await autocannon({
    url: `${baseUrl}/vermittlungen/neu`,
    method: 'POST',
    connections: cookies.length,
    duration: seconds,
    timeout: 10,
    setupClient: (client) => {
      const headers = serverActionHeaders(baseUrl, actionId, cookies[next++ % cookies.length]!);
      client.setHeadersAndBody(headers, body());
      // The answer is an RSC stream that may arrive in several pieces: judge it once it is complete.
      let received = '';
      client.on('body', (piece: Buffer) => {
        received += piece.toString('utf8');
      });
      client.on('response', (status: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
        if (status === 200 && actionResultOk(received)) ok++;
        else errors++;
        received = '';
        client.setBody(body());
      });
    },
  });
  errors += result.errors + result.timeouts;
  return {
    ok,
    errors,
    rps: ok / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
  };
}

/**
 * The baseline: the rows one submit writes (the referral and its audit event, in one transaction), inserted
 * by 20 plain `pg` clients as fast as they go, until `count` transactions are done.
 */
async function rawInserts(
  url: string,
  municipalityId: string,
  count: number,
): Promise<{ count: number; rps: number; p50: number; p95: number; p99: number }> {
  const pool = new pg.Pool({ connectionString: url, max: OFFICERS });
  try {
    const { rows } = await pool.query<{
      officer: string;
      station: string;
      inspection: string;
      partner: string;
      rule: string;
    }>(
      `SELECT u.id AS officer, u."stationId" AS station, s."inspectionId" AS inspection, r."partnerId" AS partner,
              r.id AS rule
         FROM "User" u JOIN "Station" s ON s.id = u."stationId", "RoutingRule" r
        WHERE u.email = 'bench-officer-0@polizei.example' AND r."municipalityId" = $1 AND r.gender = 'FEMALE'
        LIMIT 1`,
      [municipalityId],
    );
    const fixed = rows[0]!;
    const latencies: number[] = [];
    let remaining = count;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: OFFICERS }, async () => {
        const client = await pool.connect();
        try {
          while (remaining-- > 0) {
            const t0 = performance.now();
            const input = consentedSubmission(municipalityId);
            const id = randomUUID();
            // The same rows the app writes (a referral with its sealed sections, one track, its first timeline
            // entry), with ciphertexts
            // of about the app's length but no encryption: the baseline is the database's own insert speed.
            await client.query('BEGIN');
            const { rows: created } = await client.query<{ id: string }>(
              `INSERT INTO "Referral" (id, "incidentAt", "municipalityId", "stationId", "inspectionId", "createdById",
                 "highRisk", "caseNumberIndex", "dataKey", details, "idempotencyKey", "submittedAt", "updatedAt",
                 "statusChangedAt", "dueAt")
               VALUES ($1, now() - interval '1 hour', $2, $3, $9, $4, false, $5, $6, $7, $8, now(), now(), now(),
                       now() + interval '4 hours')
               RETURNING id`,
              [
                id,
                municipalityId,
                fixed.station,
                fixed.officer,
                randomBytes(32),
                `v2.bench.${randomBytes(90).toString('base64url')}`,
                `e1.${randomBytes(280).toString('base64url')}`,
                input.idempotencyKey,
                fixed.inspection,
              ],
            );
            await client.query(
              `INSERT INTO "ReferralEvent" (id, "referralId", step, "toStatus", "actorId", "actorRole")
               VALUES ($1, $2, 'SUBMITTED', 'SUBMITTED', $3, 'OFFICER')`,
              [randomUUID(), id, fixed.officer],
            );
            await client.query(
              `INSERT INTO "ReferralTrack" (id, "referralId", track, gender, "partnerId", "routingRuleId",
                 "routingRuleVersion", "routingReason", "lawfulBasis", "consentMethod", "consentGivenAt", channels, person)
               VALUES ($1, $2, 'VICTIM', 'FEMALE', $3, $4, 1, 'RULE', 'CONSENT', 'VERBAL', now(), '{}', $5)`,
              [randomUUID(), id, fixed.partner, fixed.rule, `e1.${randomBytes(240).toString('base64url')}`],
            );
            await client.query(
              // As the app writes it: a pending event, chained at commit (ADR 0012).
              `INSERT INTO "AuditPending" ("actorId", "actorRole", action, "entityType", "entityId", details)
               VALUES ($1, 'OFFICER', 'REFERRAL_CREATED', 'Referral', $2, $3)`,
              [
                fixed.officer,
                created[0]!.id,
                JSON.stringify({ 'victim.routingReason': 'RULE', 'victim.ruleVersion': 1 }),
              ],
            );
            await client.query('COMMIT');
            latencies.push(performance.now() - t0);
          }
        } finally {
          client.release();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      count: latencies.length,
      rps: latencies.length / seconds,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
    };
  } finally {
    await pool.end();
  }
}

export const submitBenchmark: Benchmark = {
  name: 'submit',
  description: '20 officers submit referrals through the server action for 30 s, beside plain pg inserts',
  run,
};
