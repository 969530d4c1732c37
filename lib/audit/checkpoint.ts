/**
 * Checkpoints of the audit chain (ADR 0012): each verification run stores the head it reached and what it
 * found, and prints the head's hash. A daily job verifies what was added since the last intact checkpoint;
 * `npm run audit:verify` checks everything. An auditor who keeps the printed hashes elsewhere detects a tail
 * cut off and rewritten by someone who could also remove the stored checkpoints. Plain Node.
 */
import type pg from 'pg';

import { type Verification, verifyChain } from './chain';

/** PostgreSQL's largest bigint. */
const MAX_ID = '9223372036854775807';

export type Checkpoint = {
  at: Date;
  eventId: bigint;
  eventAt: Date;
  hash: Buffer;
  verifiedFrom: bigint;
  brokenAt: bigint | null;
};

type CheckpointRow = Omit<Checkpoint, 'eventId' | 'verifiedFrom' | 'brokenAt'> & {
  eventId: string;
  verifiedFrom: string;
  brokenAt: string | null;
};

const CHECKPOINT_COLUMNS = `at, "eventId"::text AS "eventId", "eventAt", hash, "verifiedFrom"::text AS "verifiedFrom",
  "brokenAt"::text AS "brokenAt"`;

function fromRow(row: CheckpointRow): Checkpoint {
  return {
    ...row,
    eventId: BigInt(row.eventId),
    verifiedFrom: BigInt(row.verifiedFrom),
    brokenAt: row.brokenAt === null ? null : BigInt(row.brokenAt),
  };
}

/**
 * Verifies the chain, from the last intact checkpoint on (or all of it with `whole`), and stores a checkpoint
 * with the position reached (its hash read by the database, `audit_store_checkpoint`). Once a run has found a
 * break, later runs start before it and find it again: the alarm stays.
 */
export async function checkpointChain(
  client: pg.ClientBase,
  { whole = false }: { whole?: boolean } = {},
): Promise<{ verification: Verification; checkpoint: Checkpoint }> {
  const { rows } = await client.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM public."AuditCheckpoint"
      WHERE "brokenAt" IS NULL
        AND id < coalesce((SELECT min(id) FROM public."AuditCheckpoint" WHERE "brokenAt" IS NOT NULL), ${MAX_ID})
      ORDER BY id DESC LIMIT 1`,
  );
  const last = !whole && rows[0] ? fromRow(rows[0]) : null;
  const verification = await verifyChain(
    client,
    last && last.eventId > 0n ? { afterId: last.eventId, afterHash: last.hash } : {},
  );
  const reached = verification.lastId ?? last?.eventId ?? 0n;
  const verifiedFrom = verification.firstId ?? reached + 1n;
  const { rows: stored } = await client.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM audit_store_checkpoint($1, $2, $3)`,
    [reached.toString(), verifiedFrom.toString(), verification.broken?.id.toString() ?? null],
  );
  return { verification, checkpoint: fromRow(stored[0]!) };
}

/** The checkpoint for the log: positions and hashes only, nothing of any event's content. */
export function checkpointRecord(checkpoint: Checkpoint): Record<string, string | null> {
  return {
    msg: 'audit checkpoint',
    event: checkpoint.eventId.toString(),
    eventAt: checkpoint.eventAt.toISOString(),
    hash: checkpoint.hash.toString('hex'),
    verifiedFrom: checkpoint.verifiedFrom.toString(),
    brokenAt: checkpoint.brokenAt?.toString() ?? null,
  };
}
