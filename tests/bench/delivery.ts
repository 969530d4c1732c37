/**
 * `npm run bench -- delivery`: 1,000 approvals, one every 100 ms, by a supervisor through the very request the
 * browser sends; how long until each referral is visible in the BISS inbox (the DISPATCHED step committed:
 * what the inbox reads) and until its signed webhook has arrived at the partner's receiver (verified with
 * the Standard Webhooks library). Production topology: `npm start` with `JOB_WORKER=off` and one
 * `npm run worker` process; notices go to a real SMTP server on this machine (each counted).
 *
 * Baseline in the same run: the job queue alone (pg-boss on the same database, same polling, same pace) with
 * a handler that does nothing: what any delivery through the queue costs before our own work.
 * DESIGN.md section 11: inbox visible ≤ 2 s after approval (p95).
 *
 * The worker runs with NODE_ENV=development (everything else as in production: the same keys, database and
 * build of the code): production's webhook policy never connects to loopback, and the receiver is on this
 * machine.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';

import { PgBoss } from 'pg-boss';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';

import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { createPrismaClient } from '@/lib/db/client';
import { resetEnvCache } from '@/lib/env';
import { FETCH, JOB_SCHEMA } from '@/lib/jobs/queues';
import { startMailCatcher } from '@/lib/mail/dev-server';
import { newWebhookSecret, sealWebhookSecret } from '@/lib/webhooks/secret';
import { consentedSubmission, ensureUser, seedReferenceData } from '@/prisma/factories';

import type { Benchmark } from './support/benchmark';
import {
  BENCH_AUTH_SECRET,
  ensureBuild,
  log,
  printKeyValues,
  printTable,
  quantile,
  round,
  ROOT,
  sampleServerMemory,
  sleep,
  startApp,
  startBenchDatabase,
  stoppable,
} from './support/harness';
import { actionResultOk, serverActionHeaders, serverActionId, signIn, signInWithSecondFactor } from './support/http';

const APPROVALS = 1_000;
const PACE_MS = 100;
const FILERS = 8;
const PASSWORD = 'Bench-Passwort-2026-lang';
const PARTNER = 'BISS-REGION';
const MUNICIPALITY = 'Garbsen';
const TIMEOUT_MS = 120_000;

type Keys = { HASH_SECRET: string; ENCRYPTION_KEYS: string; TOTP_SECRET: string };

async function run(argv: readonly string[]): Promise<void> {
  ensureBuild(argv);
  const keys: Keys = {
    HASH_SECRET: `bench-${randomBytes(24).toString('base64url')}-not-for-production-use`,
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    TOTP_SECRET: 'BENCHDELIVERYTOTPSECRETBASE32AAA',
  };
  // The partner's webhook secret and the supervisor's second factor are sealed with the run's keyring.
  Object.assign(process.env, { HASH_SECRET: keys.HASH_SECRET, ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS });
  resetEnvCache();

  const database = await startBenchDatabase();
  const mail = await startMailCatcher();
  const receiver = await startReceiver();
  try {
    const webhookSecret = newWebhookSecret();
    receiver.verifyWith(webhookSecret);
    let municipalityId: string;
    const prisma = createPrismaClient(database.url);
    try {
      await seedReferenceData(prisma);
      await ensureUser(prisma, {
        email: 'bench-officer@polizei.example',
        displayName: 'Bench Einsatzkraft',
        role: 'OFFICER',
        password: PASSWORD,
        stationCode: 'PK-GARBSEN',
      });
      await ensureUser(prisma, {
        email: 'bench-supervisor@polizei.example',
        displayName: 'Bench Dienstaufsicht',
        role: 'SUPERVISOR',
        password: PASSWORD,
        totpSecret: keys.TOTP_SECRET,
        inspectionCode: 'PI-GAR',
      });
      const partner = await prisma.partner.findUniqueOrThrow({ where: { code: PARTNER } });
      await prisma.partner.update({
        where: { id: partner.id },
        data: {
          webhookUrl: receiver.url,
          webhookSecret: sealWebhookSecret(partner.id, webhookSecret),
          webhookSecretAt: new Date(),
        },
      });
      municipalityId = (await prisma.municipality.findUniqueOrThrow({ where: { name: MUNICIPALITY } })).id;
    } finally {
      await prisma.$disconnect();
    }

    const common = {
      HASH_SECRET: keys.HASH_SECRET,
      ENCRYPTION_KEYS: keys.ENCRYPTION_KEYS,
      SMTP_URL: mail.url,
      MAIL_FROM: 'no-reply@bench.invalid',
    };
    const app = await startApp(database.url, { ...common, JOB_WORKER: 'off' });
    const stopWorker = startWorkerProcess(database.url, app.baseUrl, common);
    try {
      const officer = await signIn(app.baseUrl, 'bench-officer@polizei.example', PASSWORD);
      const supervisor = await signInWithSecondFactor(
        app.baseUrl,
        'bench-supervisor@polizei.example',
        PASSWORD,
        currentTotpCode(keys.TOTP_SECRET),
      );

      log(`Filing ${APPROVALS} referrals (${FILERS} at a time) …`);
      const referralIds = await fileReferrals(app.baseUrl, officer, database.url, municipalityId);

      log(`Approving ${APPROVALS}, one every ${PACE_MS} ms, while watching the inbox and the receiver …`);
      const memory = sampleServerMemory(app.launcher);
      const watcher = watchInbox(database.url);
      const approved = await approveAll(app.baseUrl, supervisor, referralIds);
      const visible = await watcher.until(referralIds.length);
      const arrived = await receiver.until(referralIds.length);
      memory.stop();
      const mails = await waitForMails(mail, referralIds.length);

      const inbox = latencies(approved.at, visible);
      const webhook = latencies(approved.at, arrived.byReferral);

      log(`Baseline: ${APPROVALS} empty jobs through pg-boss, same polling, same pace …`);
      const baseline = await queueBaseline(database.adminUrl, APPROVALS);

      printTable(`Delivery: ${APPROVALS} approvals, one every ${PACE_MS} ms`, [
        stats('approval → visible in the inbox', inbox, 'p95 ≤ 2,000 ms'),
        stats('approval → webhook verified at the partner', webhook, ''),
        stats('baseline: empty job, send → handled', baseline, ''),
      ]);
      printTable('Checks', [
        { figure: 'approvals refused', value: approved.errors, target: '0' },
        { figure: 'webhooks failing verification', value: receiver.forged(), target: '0' },
        { figure: 'webhooks received twice (same id)', value: arrived.duplicates, target: '0' },
        { figure: 'notification e-mails received', value: mails, target: String(APPROVALS) },
        { figure: 'app server peak resident memory (MB)', value: round(memory.peakMb(), 0), target: '≤ 300' },
      ]);
      printKeyValues({
        delivery_p50_ms: round(quantile(inbox, 0.5)),
        delivery_p95_ms: round(quantile(inbox, 0.95)),
        webhook_p50_ms: round(quantile(webhook, 0.5)),
        webhook_p95_ms: round(quantile(webhook, 0.95)),
        baseline_p95_ms: round(quantile(baseline, 0.95)),
        errors: approved.errors + receiver.forged(),
        mails,
        rss_mb: round(memory.peakMb(), 0),
      });
    } finally {
      await stopWorker();
      await app.stop();
    }
  } finally {
    await receiver.stop();
    await mail.stop();
    await database.stop();
  }
}

/** The partner's receiving system: verifies every request as the Standard Webhooks library does. */
async function startReceiver() {
  let verifier: Webhook | null = null;
  const byReferral = new Map<string, number>();
  const seen = new Set<string>();
  let duplicates = 0;
  let forged = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = verifier!.verify(body, request.headers as Record<string, string>) as {
          data: { id: string };
        };
        const id = request.headers['webhook-id'] as string;
        if (seen.has(id)) duplicates += 1;
        seen.add(id);
        byReferral.set(event.data.id, at);
        response.writeHead(204).end();
      } catch {
        forged += 1;
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/vermittlung`,
    verifyWith: (secret: string) => {
      verifier = new Webhook(secret);
    },
    forged: () => forged,
    /** Waits until `count` deliveries arrived; keyed by the delivery (track) id. */
    until: async (count: number) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while (byReferral.size < count && Date.now() < deadline) await sleep(50);
      if (byReferral.size < count) throw new Error(`only ${byReferral.size} of ${count} webhooks arrived`);
      return { byReferral: await byReferralId(byReferral), duplicates };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let trackToReferral: Map<string, string> = new Map();

/** Arrival times by referral (the webhook names the delivery, i.e. the track). */
async function byReferralId(byTrack: Map<string, number>): Promise<Map<string, number>> {
  return new Map([...byTrack].map(([track, at]) => [trackToReferral.get(track) ?? track, at]));
}

/** `npm run worker` against the benchmark's database. */
function startWorkerProcess(databaseUrl: string, appUrl: string, common: Record<string, string>): () => Promise<void> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['lib/cli/worker.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...common,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: BENCH_AUTH_SECRET,
      APP_URL: appUrl,
    } as NodeJS.ProcessEnv,
  });
  return stoppable(child, 15_000);
}

/** The officer files the referrals through the form's server action; their ids, in filing order. */
async function fileReferrals(baseUrl: string, cookie: string, databaseUrl: string, municipalityId: string) {
  const actionId = serverActionId('lib/referrals/actions.ts', 'submitReferralAction');
  let next = 0;
  const filer = async () => {
    while (next < APPROVALS) {
      const n = ++next;
      const response = await fetch(`${baseUrl}/vermittlungen/neu`, {
        method: 'POST',
        headers: serverActionHeaders(baseUrl, actionId, cookie),
        body: JSON.stringify([
          consentedSubmission(municipalityId, { caseNumber: `2026/${String(n).padStart(8, '0')}` }),
        ]),
      });
      if (!actionResultOk(await response.text())) throw new Error(`filing referral ${n} failed (${response.status})`);
    }
  };
  await Promise.all(Array.from({ length: FILERS }, filer));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; trackId: string }>(
      `SELECT r.id, t.id AS "trackId" FROM "Referral" r JOIN "ReferralTrack" t ON t."referralId" = r.id
        WHERE r.status = 'SUBMITTED' ORDER BY r."submittedAt", r.id`,
    );
    trackToReferral = new Map(rows.map((r) => [r.trackId, r.id]));
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

/** Approves each referral at the pace; the moment the approval's answer came back (it has committed). */
async function approveAll(baseUrl: string, cookie: string, referralIds: string[]) {
  const actionId = serverActionId('lib/review/actions.ts', 'approveReferralAction');
  const at = new Map<string, number>();
  let errors = 0;
  const started = Date.now();
  await Promise.all(
    referralIds.map(async (referralId, i) => {
      await sleep(Math.max(0, started + i * PACE_MS - Date.now()));
      const response = await fetch(`${baseUrl}/pruefung/${referralId}`, {
        method: 'POST',
        headers: serverActionHeaders(baseUrl, actionId, cookie),
        body: JSON.stringify([{ referralId, version: 1 }]),
      });
      if (actionResultOk(await response.text())) at.set(referralId, Date.now());
      else errors += 1;
    }),
  );
  return { at, errors };
}

/**
 * What the inbox shows: a delivery is there once its DISPATCHED step has committed. Polled every 20 ms, as
 * the partner's inbox query would find it (same table, same condition).
 */
function watchInbox(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const seen = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ referralId: string }>(
        `SELECT t."referralId" FROM "ReferralTrack" t JOIN "Partner" p ON p.id = t."partnerId"
          WHERE p.code = $1 AND t.status = 'DISPATCHED'`,
        [PARTNER],
      );
      const now = Date.now();
      for (const row of rows) if (!seen.has(row.referralId)) seen.set(row.referralId, now);
      await sleep(20);
    }
    await client.end();
  })();
  return {
    until: async (count: number) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while (seen.size < count && Date.now() < deadline) await sleep(50);
      stopped = true;
      await loop;
      if (seen.size < count) throw new Error(`only ${seen.size} of ${count} referrals reached the inbox`);
      return seen;
    },
  };
}

async function waitForMails(mail: { dir: string }, count: number): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  const deadline = Date.now() + 30_000;
  let received = 0;
  while (Date.now() < deadline) {
    received = (await readdir(mail.dir)).filter((f) => f.endsWith('.eml')).length;
    if (received >= count) break;
    await sleep(200);
  }
  return received;
}

/** Empty jobs through pg-boss on the same database, at the same pace and fetching as the app's queues. */
async function queueBaseline(adminUrl: string, count: number): Promise<number[]> {
  const boss = new PgBoss({ connectionString: adminUrl, schema: JOB_SCHEMA, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  const name = 'bench-baseline';
  if (!(await boss.getQueue(name))) await boss.createQueue(name);
  const sentAt = new Map<string, number>();
  const handled: number[] = [];
  await boss.work<{ n: string }>(name, FETCH, async (jobs) => {
    for (const job of jobs) {
      const sent = sentAt.get(job.data.n);
      if (sent !== undefined) handled.push(Date.now() - sent);
    }
  });
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + i * PACE_MS - Date.now()));
    sentAt.set(String(i), Date.now());
    await boss.send(name, { n: String(i) });
  }
  const deadline = Date.now() + TIMEOUT_MS;
  while (handled.length < count && Date.now() < deadline) await sleep(50);
  await boss.stop({ graceful: false });
  return handled;
}

function latencies(from: Map<string, number>, to: Map<string, number>): number[] {
  return [...from].flatMap(([id, start]) => {
    const end = to.get(id);
    return end === undefined ? [] : [Math.max(0, end - start)];
  });
}

function stats(measured: string, samples: number[], target: string) {
  return {
    measured,
    count: samples.length,
    'p50 ms': round(quantile(samples, 0.5)),
    'p95 ms': round(quantile(samples, 0.95)),
    'p99 ms': round(quantile(samples, 0.99)),
    'max ms': round(Math.max(...samples)),
    target,
  };
}

export const deliveryBenchmark: Benchmark = {
  name: 'delivery',
  description: 'approval → partner inbox and signed webhook, 1,000 approvals (target: inbox p95 ≤ 2 s)',
  run,
};
