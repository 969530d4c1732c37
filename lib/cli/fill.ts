/**
 * `npm run db:fill [-- <count>]`: adds `count` (default 1,000,000) realistic referrals to the configured
 * database (DATABASE_URL, else the development embedded PostgreSQL, as `npm run db:seed` finds it), with
 * eight years of history, their tracks, timelines (with the partners' contact attempts and outcomes) and
 * submission keys, encrypted like real ones (lib/cli/fill-referrals.ts), and about 0.3 declined offers per
 * referral over the same years. For trying the app and measuring it with many years of data (DESIGN.md
 * section 11); never for a production database. Running it again adds as many again.
 *
 * Keys: ENCRYPTION_KEYS and HASH_SECRET as the app has them. Against the development embedded PostgreSQL
 * without ENCRYPTION_KEYS, the key `npm run dev` made on this machine (lib/crypto/local-keyring.ts), so the
 * development server opens what is filled here.
 *
 * Exit codes: 0 filled, 1 failed, 2 usage error.
 */
import { localDevelopmentKeyring } from '@/lib/crypto/local-keyring';
import { adoptLocalKeyring, env, hasConfiguredKeyring } from '@/lib/env';

import { elapsed, openConfiguredDatabase } from './database';
import { allowServerOnlyModules } from './fill-server-only';
import { runCommand } from './run-command';

const DEFAULT_COUNT = 1_000_000;
const USAGE = 'Usage: npm run db:fill [-- <count>]   (default 1000000)';

const out = (line: string) => process.stdout.write(`${line}\n`);
const grouped = (n: number) => n.toLocaleString('en-US');

async function main(argv: string[]): Promise<number> {
  const count = argv[0] === undefined ? DEFAULT_COUNT : Number(argv[0].replaceAll(/[_,]/g, ''));
  if (argv.length > 1 || !Number.isInteger(count) || count < 1) {
    console.error(USAGE);
    return 2;
  }
  if (env().NODE_ENV === 'production') {
    console.error('db:fill writes made-up referrals: never into a production database (NODE_ENV=production).');
    return 1;
  }
  allowServerOnlyModules();
  // Imported after the line above: these load the app's server-only sealing code.
  const { analyseFilledTables, fillReferrals } = await import('./fill-referrals');
  const { seed } = await import('@/prisma/seed');

  const database = await openConfiguredDatabase();
  try {
    if (database.embedded && !hasConfiguredKeyring()) {
      adoptLocalKeyring(localDevelopmentKeyring(env().DATA_DIR).keyring);
      out(
        `Encrypting with the development key of this machine (${env().DATA_DIR}/encryption-keys), as npm run dev does.`,
      );
    }
    const start = Date.now();
    out(`Filling ${database.description} with ${grouped(count)} referrals …`);
    // Reference data first (idempotent, as db:seed): a fresh database can be filled at once.
    await seed(database.url);
    let shown = 0;
    const result = await fillReferrals(database.url, {
      count,
      onProgress: ({ done, total, elapsedMs }) => {
        // About every 5 %, with the rate so far.
        if (done < total && done - shown < total / 20) return;
        shown = done;
        const rate = Math.round(done / (elapsedMs / 1000));
        out(
          `  ${grouped(done)} / ${grouped(total)} (${Math.round((100 * done) / total)} %), ${grouped(rate)}/s, ${elapsed(start)}`,
        );
      },
    });
    out(`Updating the planner's statistics (VACUUM ANALYZE) …`);
    await analyseFilledTables(database.url);
    const statuses = Object.entries(result.byStatus)
      .sort(([, a], [, b]) => b - a)
      .map(([status, n]) => `${status} ${grouped(n)}`)
      .join(', ');
    out(
      `Filled ${grouped(result.referrals)} referrals (${grouped(result.tracks)} tracks, ${grouped(result.events)} timeline events) and ${grouped(result.declinedOffers)} declined offers in ${elapsed(start)}.`,
    );
    out(`  by status: ${statuses}; ${grouped(result.overdueToReview)} waiting for review are overdue.`);
    return 0;
  } finally {
    await database.stop();
  }
}

runCommand(main);
