/**
 * The kept database of 1,000,000 referrals (lib/cli/fill-referrals.ts, as `npm run db:fill`) that the queue
 * and statistics benchmarks share: filled once into `${BENCH_QUEUE_DIR:-$TMPDIR/vermittlung-bench-queue}`
 * (with the keys it was sealed with, support/kept.ts), reused by later runs with any new migrations applied.
 * Its history ends when it was filled (the `filled-at` stamp beside it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { log } from './harness';

export const REFERRALS = 1_000_000;

/** Where the filled database is kept. */
export function keptReferralsDir(): string {
  return path.resolve(process.env.BENCH_QUEUE_DIR ?? path.join(os.tmpdir(), 'vermittlung-bench-queue'));
}

async function countReferrals(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM "Referral"')).rows[0]!.n;
  } finally {
    await client.end();
  }
}

/** Fills up to REFERRALS (what an interrupted fill left is kept), as the migrating role a deployment has. */
export async function ensureFilled(adminUrl: string, dir: string): Promise<void> {
  const { seed } = await import('@/prisma/seed');
  await seed(adminUrl);
  const present = await countReferrals(adminUrl);
  const stamp = path.join(dir, 'filled-at');
  if (present >= REFERRALS) {
    const filledAt = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : 'unknown';
    log(`Reusing the filled database in ${dir} (${present.toLocaleString('en-US')} referrals, filled ${filledAt}).`);
    return;
  }
  const { analyseFilledTables, fillReferrals } = await import('@/lib/cli/fill-referrals');
  const missing = REFERRALS - present;
  log(`Filling ${missing.toLocaleString('en-US')} referrals into ${dir} (once; later runs reuse it) …`);
  let shown = 0;
  const result = await fillReferrals(adminUrl, {
    count: missing,
    onProgress: ({ done, total, elapsedMs }) => {
      if (done < total && done - shown < total / 10) return;
      shown = done;
      log(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} in ${(elapsedMs / 1000).toFixed(0)} s`);
    },
  });
  await analyseFilledTables(adminUrl);
  fs.writeFileSync(stamp, new Date().toISOString());
  log(`Filled ${result.referrals.toLocaleString('en-US')} referrals in ${(result.elapsedMs / 1000).toFixed(0)} s.`);
}
