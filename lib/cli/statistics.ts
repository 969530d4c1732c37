/**
 * `npm run statistics [-- --all]` (README, "Statistics"; plain tsx/node): compute the statistics of every
 * month marked since the last run now, as the job does every minute; `--all` computes every month again
 * (after restoring a backup, say). Aggregates only; prints how many months it computed.
 *
 * Uses DATABASE_URL, or the development embedded PostgreSQL when it is unset. Exit codes: 0 done, 1 failed,
 * 2 usage error.
 */
import { parseArgs } from 'node:util';

import { adoptDatabaseUrl } from '@/lib/env';

import { elapsed, openConfiguredDatabase } from './database';
import { allowServerOnlyModules } from './fill-server-only';
import { runCommand } from './run-command';

async function main(argv: string[]): Promise<number> {
  let all: boolean;
  try {
    all = parseArgs({ args: argv, options: { all: { type: 'boolean', default: false } } }).values.all!;
  } catch {
    console.error('Usage: tsx lib/cli/statistics.ts [--all]');
    return 2;
  }
  const start = Date.now();
  const database = await openConfiguredDatabase();
  adoptDatabaseUrl(database.url);
  allowServerOnlyModules();
  const { refreshStatistics, markAllMonths } = await import('@/lib/statistics/refresh');
  const { db } = await import('@/lib/db');
  try {
    if (all) await markAllMonths();
    const { months } = await refreshStatistics();
    process.stdout.write(`Statistics of ${months} month(s) computed (${elapsed(start)}).\n`);
    return 0;
  } finally {
    await db().$disconnect();
    await database.stop();
  }
}

runCommand(main);
