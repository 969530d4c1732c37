/**
 * `npm run retention [-- --dry-run]` (README, "Retention"; plain tsx/node): erase the personal data of every
 * referral whose retention period has ended, as the hourly job does, or with --dry-run only list them (id,
 * status, rule, when it fell due: no personal data). Then, like the job, re-wrap under a new key-encryption
 * key and record which old keys may be destroyed (ADR 0013).
 *
 * Uses DATABASE_URL, or the development embedded PostgreSQL when it is unset. Exit codes: 0 done, 1 failed,
 * 2 usage error.
 */
import { parseArgs } from 'node:util';

import { localDevelopmentKeyring } from '@/lib/crypto/local-keyring';
import { adoptDatabaseUrl, adoptLocalKeyring, env, hasConfiguredKeyring, holdsDevelopmentKey } from '@/lib/env';

import { openConfiguredDatabase } from './database';
import { allowServerOnlyModules } from './fill-server-only';
import { runCommand } from './run-command';

const out = (line: string) => process.stdout.write(`${line}\n`);
const LISTED = 200;

async function main(argv: string[]): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean', default: false } } }).values['dry-run']!;
  } catch {
    console.error('Usage: tsx lib/cli/retention.ts [--dry-run]');
    return 2;
  }
  const database = await openConfiguredDatabase();
  adoptDatabaseUrl(database.url);
  if (database.embedded && !hasConfiguredKeyring()) adoptLocalKeyring(localDevelopmentKeyring(env().DATA_DIR).keyring);
  // Never re-wrap real secrets under the key published for development (as `npm run keys:rotate`).
  if (!database.embedded && holdsDevelopmentKey(env().ENCRYPTION_KEYS)) {
    await database.stop();
    console.error("ENCRYPTION_KEYS is unset or holds the published development key: run this with the app's keys.");
    return 1;
  }
  allowServerOnlyModules();
  const { listDueReferrals, retentionPolicy } = await import('@/lib/retention/queries');
  const { runRetention } = await import('@/lib/retention/service');
  const { maintainKeyring } = await import('@/lib/crypto/key-states');
  const { db } = await import('@/lib/db');
  try {
    const policy = await retentionPolicy();
    out(
      `Periods: ${policy.afterAcknowledgementDays} days after acknowledgement, ` +
        `${policy.withoutAcknowledgementDays} days after submission without one.`,
    );
    if (dryRun) {
      const { total, referrals } = await listDueReferrals({ limit: LISTED });
      for (const r of referrals)
        out(`${r.id}  ${r.status.padEnd(12)}  ${r.rule.padEnd(23)}  due ${r.dueAt.toISOString()}`);
      if (total > referrals.length) out(`… and ${total - referrals.length} more.`);
      out(`${total} referral(s) due for erasure. Nothing was changed (--dry-run).`);
      return 0;
    }
    const { purged } = await runRetention({ trigger: 'COMMAND' });
    out(`${purged} referral(s) erased and marked PURGED.`);
    const { rewrapped } = await maintainKeyring();
    if (rewrapped > 0) out(`${rewrapped} stored key(s) and secret(s) re-wrapped under the current encryption key.`);
    return 0;
  } finally {
    await db().$disconnect();
    await database.stop();
  }
}

runCommand(main);
