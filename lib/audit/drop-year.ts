/**
 * The end of an audit year (DESIGN.md section 7): events are kept until the end of the following year, then
 * their year's partition is dropped whole, by the owner of the tables (`npm run audit:drop-year -- <year>`),
 * never row by row. The drop is itself an audit event that names the last link dropped, so verification
 * knows where the remaining chain must continue (lib/audit/chain.ts). Plain Node.
 */
import pg from 'pg';

import { startsWhereItShould, verifyChain } from './chain';

export type DropYearResult =
  { ok: true; dropped: boolean; events: number; lastEventId: bigint | null } | { ok: false; reason: string };

/** The calendar year in Berlin. */
function berlinYear(instant: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(instant));
}

/** Midnight of 1 January in Berlin: the partitions' bounds. */
async function yearStart(client: pg.ClientBase, year: number): Promise<Date> {
  const { rows } = await client.query<{ at: Date }>(
    `SELECT make_timestamptz($1, 1, 1, 0, 0, 0, 'Europe/Berlin') AS at`,
    [year],
  );
  return rows[0]!.at;
}

/**
 * Drops the audit events of `year`, when its retention is over (the year before last, or older) and no older
 * year is left. The year's chain is verified first: evidence of tampering is never dropped unseen.
 */
export async function dropAuditYear(
  client: pg.ClientBase,
  year: number,
  { now = new Date(), dryRun = false }: { now?: Date; dryRun?: boolean } = {},
): Promise<DropYearResult> {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) return { ok: false, reason: 'not a year' };
  const keptFrom = berlinYear(now) - 1;
  if (year >= keptFrom) {
    return { ok: false, reason: `events of ${year} are kept until the end of ${year + 1}` };
  }
  const partition = `AuditEvent_${year}`;
  const [from, to] = [await yearStart(client, year), await yearStart(client, year + 1)];
  const { rows: older } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM public."AuditEvent" WHERE at < $1 LIMIT 1) o`,
    [from],
  );
  if (older[0]!.n > 0) return { ok: false, reason: 'an older year is still kept: drop it first' };
  // The year must start where the chain does (a range alone trusts its first link), then verify throughout.
  const { rows: first } = await client.query<{ id: string; prevHash: Buffer }>(
    `SELECT id::text, "prevHash" FROM public."AuditEvent" WHERE at >= $1 AND at < $2 ORDER BY "AuditEvent".id LIMIT 1`,
    [from, to],
  );
  if (first[0] && !(await startsWhereItShould(client, { id: BigInt(first[0].id), prevHash: first[0].prevHash }))) {
    return {
      ok: false,
      reason: `the chain of ${year} does not start where it should (event ${first[0].id}): investigate before dropping`,
    };
  }
  const verification = await verifyChain(client, { from, to });
  if (!verification.ok) {
    return {
      ok: false,
      reason: `the chain of ${year} is broken at event ${verification.broken!.id} (${verification.broken!.problem}): investigate before dropping`,
    };
  }
  const summary = { events: verification.checked, lastEventId: verification.lastId };
  const { rows: exists } = await client.query<{ exists: boolean }>(
    `SELECT to_regclass(format('%I', $1::text)) IS NOT NULL AS exists`,
    [partition],
  );
  if (dryRun || !exists[0]!.exists) return { ok: true, dropped: false, ...summary };

  await client.query('BEGIN');
  try {
    // Detaching needs the table to itself: wait at most 5 s for readers (an auditor's search, a verification)
    // rather than hold up every audited write queued behind it; the operator runs it again.
    await client.query(`SET LOCAL lock_timeout = '5s'`);
    await client.query(`LOCK TABLE public."AuditEvent" IN ACCESS EXCLUSIVE MODE`);
    await client.query(`ALTER TABLE public."AuditEvent" DETACH PARTITION ${pg.escapeIdentifier(partition)}`);
    await client.query(`DROP TABLE ${pg.escapeIdentifier(partition)}`);
    await client.query(
      `INSERT INTO public."AuditPending" (action, reason, details) VALUES ('AUDIT_YEAR_DROPPED', 'RETENTION_ENDED', $1)`,
      [
        {
          year,
          events: summary.events,
          ...(verification.lastId !== null && {
            lastEventId: verification.lastId.toString(),
            lastHash: verification.lastHash!.toString('hex'),
          }),
        },
      ],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return { ok: true, dropped: true, ...summary };
}
