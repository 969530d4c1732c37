/**
 * Checkpoints of the audit chain (ADR 0012): each verification run stores the head it reached and what it
 * found, and prints the head's hash. A daily job verifies what was added since the last intact checkpoint;
 * `npm run audit:verify` checks everything. An auditor who keeps the printed hashes elsewhere detects a tail
 * cut off and rewritten by someone who could also remove the stored checkpoints. Plain Node.
 */
import type pg from 'pg';

import { GENESIS_HASH, type Verification, verifyChain } from './chain';

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

/** The newest checkpoints, newest first (the auditor's view of the chain). */
export async function latestCheckpoints(client: pg.ClientBase, limit: number): Promise<Checkpoint[]> {
  const { rows } = await client.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM "AuditCheckpoint" ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows.map(fromRow);
}

/**
 * Verifies the chain, from the last intact checkpoint on (or all of it with `whole`), and stores a checkpoint
 * with the head reached. A break found once is found again by every later run from the same checkpoint:
 * the alarm stays until someone has looked.
 */
export async function checkpointChain(
  client: pg.ClientBase,
  { whole = false }: { whole?: boolean } = {},
): Promise<{ verification: Verification; checkpoint: Checkpoint }> {
  const { rows } = await client.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM "AuditCheckpoint" WHERE "brokenAt" IS NULL ORDER BY id DESC LIMIT 1`,
  );
  const last = !whole && rows[0] ? fromRow(rows[0]) : null;
  const verification = await verifyChain(
    client,
    last && last.eventId > 0n ? { afterId: last.eventId, afterHash: last.hash } : {},
  );
  const reached = {
    eventId: verification.lastId ?? last?.eventId ?? 0n,
    eventAt: verification.lastAt ?? last?.eventAt ?? new Date(0),
    hash: verification.lastHash ?? last?.hash ?? GENESIS_HASH,
  };
  const verifiedFrom = verification.firstId ?? (last ? last.eventId + 1n : 1n);
  const { rows: stored } = await client.query<CheckpointRow>(
    `INSERT INTO "AuditCheckpoint" ("eventId", "eventAt", hash, "verifiedFrom", "brokenAt")
     VALUES ($1, $2, $3, $4, $5) RETURNING ${CHECKPOINT_COLUMNS}`,
    [
      reached.eventId.toString(),
      reached.eventAt,
      reached.hash,
      verifiedFrom.toString(),
      verification.broken?.id.toString() ?? null,
    ],
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
