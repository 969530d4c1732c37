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

/**
 * Verifies the chain from the last intact checkpoint to its head and stores the result as a new checkpoint;
 * the head's hash goes to the log too (the daily job, and an auditor's "Jetzt prüfen").
 */
export async function checkpointAuditChain(): Promise<ChainCheck> {
  const { checkpoint } = await withPgClient(databaseUrl(), (client) => checkpointChain(client));
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
