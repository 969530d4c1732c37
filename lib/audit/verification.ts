import 'server-only';

import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { logRecord } from '@/lib/log';

import { withPgClient } from '@/lib/db/pg-client';

import { type Checkpoint, checkpointChain, checkpointRecord } from './checkpoint';

/** A checkpoint as pages and actions pass it on (strings for bigints and hashes: it crosses to the client). */
export type ChainCheck = {
  at: Date;
  eventId: string;
  eventAt: Date;
  hash: string;
  verifiedFrom: string;
  brokenAt: string | null;
};

function toCheck(checkpoint: Omit<Checkpoint, 'hash'> & { hash: Uint8Array }): ChainCheck {
  return {
    at: checkpoint.at,
    eventId: checkpoint.eventId.toString(),
    eventAt: checkpoint.eventAt,
    hash: Buffer.from(checkpoint.hash).toString('hex'),
    verifiedFrom: checkpoint.verifiedFrom.toString(),
    brokenAt: checkpoint.brokenAt?.toString() ?? null,
  };
}

function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}

/** One verification at a time, whoever asks (the daily job, auditors pressing "Jetzt prüfen"). */
const CHECKPOINT_LOCK = 'audit-checkpoint';
/** A checkpoint this fresh is the answer: asking again within a minute verifies nothing new. */
const FRESH_MS = 60_000;

/**
 * Verifies the chain from the last intact checkpoint to its head and stores the result as a new checkpoint;
 * the head's hash goes to the log too (the daily job, and an auditor's "Jetzt prüfen"). While another run is
 * under way, or when the last checkpoint is under a minute old, that one is the answer (null: the first
 * verification ever is running right now).
 */
export async function checkpointAuditChain(): Promise<ChainCheck | null> {
  const latest = () => db().auditCheckpoint.findFirst({ orderBy: { id: 'desc' } });
  const recent = await latest();
  if (recent && Date.now() - recent.at.getTime() < FRESH_MS) return toCheck(recent);
  const checkpoint = await withPgClient(databaseUrl(), async (client) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      CHECKPOINT_LOCK,
    ]);
    if (!rows[0]?.locked) return null;
    // The lock is the session's: it ends with this connection at the latest.
    return (await checkpointChain(client)).checkpoint;
  });
  if (!checkpoint) {
    // Another run holds the lock: its predecessor, or nothing yet when it is the very first.
    const stored = await latest();
    return stored && toCheck(stored);
  }
  logRecord(checkpoint.brokenAt === null ? 'info' : 'error', checkpointRecord(checkpoint));
  return toCheck(checkpoint);
}

/** The chain's state for the auditor: the newest checkpoints and the head now. */
export async function auditChainState(): Promise<{
  checkpoints: ChainCheck[];
  headEventId: string;
  headAt: Date | null;
}> {
  const [checkpoints, head] = await Promise.all([
    db().auditCheckpoint.findMany({ orderBy: { id: 'desc' }, take: 10 }),
    db().auditHead.findUnique({ where: { one: 1 }, select: { eventId: true, at: true } }),
  ]);
  return {
    checkpoints: checkpoints.map(toCheck),
    headEventId: (head?.eventId ?? 0n).toString(),
    headAt: head && head.eventId > 0n ? head.at : null,
  };
}
