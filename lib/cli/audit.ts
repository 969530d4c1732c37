/**
 * The audit trail's commands (README, "Audit trail"; ADR 0012; plain tsx/node):
 *
 *   npm run audit:verify [-- --from 2026-01-01] [--to 2026-02-01]
 *       verify the hash chain, all of it or the events from one day (Berlin) up to another (exclusive); names the
 *       first broken link. A whole-chain run stores a checkpoint and prints the head's hash: keep it elsewhere.
 *   npm run audit:drop-year -- <year> [--dry-run]
 *       drop a year's events whole once their retention is over (the end of the following year); uses
 *       MIGRATION_DATABASE_URL (the tables' owner), records the drop as an audit event.
 *
 * Uses DATABASE_URL, or the development embedded PostgreSQL when it is unset. Exit codes: 0 intact / done,
 * 1 broken / refused / failed, 2 usage error.
 */
import { parseArgs } from 'node:util';

import { checkpointChain } from '@/lib/audit/checkpoint';
import { type Verification, verifyChain } from '@/lib/audit/chain';
import { dropAuditYear } from '@/lib/audit/drop-year';
import { berlinLocalToInstant } from '@/lib/time/berlin';
import { withPgClient } from '@/lib/db/pg-client';
import { elapsed, openConfiguredDatabase } from './database';
import { failedWithMessage, runCommand } from './run-command';

const USAGE = 'Usage: tsx lib/cli/audit.ts verify [--from YYYY-MM-DD] [--to YYYY-MM-DD] | drop-year <year> [--dry-run]';
const PROBLEMS: Record<string, string> = {
  MISSING: 'missing: an event was removed here',
  PREVIOUS_HASH: "does not name its predecessor's hash: inserted, or its predecessor was changed",
  HASH: 'its content does not give its hash: changed',
  TIME: 'is earlier than its predecessor',
  TRUNCATED: 'the chain ends before the head or a checkpoint: events were cut off at the end',
  START: 'the oldest event does not continue where the last dropped year ended',
};

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Midnight (Berlin) at the start of a day given as YYYY-MM-DD. */
function dayStart(day: string | undefined, name: string): Date | undefined {
  if (day === undefined) return undefined;
  const result = /^\d{4}-\d{2}-\d{2}$/.test(day) ? berlinLocalToInstant(`${day}T00:00`) : null;
  if (!result || !result.ok) throw new UsageError(`--${name} takes a day as YYYY-MM-DD, not "${day}"`);
  return result.instant;
}

class UsageError extends Error {}

function report(verification: Verification): void {
  const range =
    verification.firstId === null ? 'no events' : `events ${verification.firstId} to ${verification.lastId}`;
  if (verification.broken) {
    out(`BROKEN at event ${verification.broken.id}: ${PROBLEMS[verification.broken.problem]}.`);
    out(`${verification.checked} events before it are intact (${range}).`);
    return;
  }
  out(`Intact: ${verification.checked} events verified (${range}).`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  if (command === 'verify' && positionals.length === 0) {
    const from = dayStart(values.from, 'from');
    const to = dayStart(values.to, 'to');
    const database = await openConfiguredDatabase('runtime');
    const start = Date.now();
    try {
      return await withPgClient(database.url, async (client) => {
        if (from || to) {
          const verification = await verifyChain(client, { from, to });
          report(verification);
          out(`(${elapsed(start)})`);
          return verification.ok ? 0 : 1;
        }
        const { verification, checkpoint } = await checkpointChain(client, { whole: true });
        report(verification);
        out(`Head: event ${checkpoint.eventId} at ${checkpoint.eventAt.toISOString()}`);
        out(`Head hash: ${checkpoint.hash.toString('hex')}  (stored as a checkpoint; keep a copy elsewhere)`);
        out(`(${elapsed(start)})`);
        return verification.ok ? 0 : 1;
      });
    } finally {
      await database.stop();
    }
  }
  if (command === 'drop-year' && positionals.length === 1 && /^\d{4}$/.test(positionals[0]!)) {
    const year = Number(positionals[0]);
    const database = await openConfiguredDatabase('migration');
    try {
      const result = await withPgClient(database.url, (client) =>
        dropAuditYear(client, year, { dryRun: values['dry-run'] }),
      );
      if (!result.ok) {
        console.error(`Refused: ${result.reason}.`);
        return 1;
      }
      const what = `${result.events} events of ${year}${result.lastEventId === null ? '' : ` (up to event ${result.lastEventId})`}`;
      out(
        result.dropped
          ? `Dropped ${what}; the drop is recorded in the trail.`
          : `Would drop ${what} (nothing changed).`,
      );
      return 0;
    } finally {
      await database.stop();
    }
  }
  console.error(USAGE);
  return 2;
}

runCommand(main, (error) => {
  if (!(error instanceof UsageError)) return failedWithMessage(error);
  console.error(`${error.message}\n${USAGE}`);
  return 2;
});
