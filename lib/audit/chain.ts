/**
 * The audit trail's hash chain (ADR 0012), checked from outside the database: every event's hash is SHA-256
 * over its predecessor's hash and the event's canonical bytes, which the chain trigger (migration
 * `audit_trail_chain`, `audit_canonical`) computes at commit and this module computes again from the stored
 * columns. Whoever changes, removes or inserts a row without rewriting every later hash breaks the chain at
 * that row; a rewritten tail no longer matches a checkpoint kept elsewhere. Plain Node (CLI, worker, pages).
 */
import { createHash } from 'node:crypto';

import type pg from 'pg';

/** The predecessor of the first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** One stored event, as verification reads it. */
export type ChainEvent = {
  id: bigint;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  subjectIds: string[] | null;
  reason: string | null;
  recipient: string | null;
  /** The details' entries as the database holds them: key, JSON type and value text (null for JSON null). */
  details: [key: string, type: string, value: string | null][] | null;
  prevHash: Buffer;
  hash: Buffer;
};

const LABEL = Buffer.from('audit-event/1', 'utf8');
const NULL_FIELD = Buffer.from([0]);

/** 0x00 for null, else 0x01, the byte length (4 bytes, big-endian) and the UTF-8 bytes (as `audit_field`). */
function field(value: string | null): Buffer {
  if (value === null) return NULL_FIELD;
  const bytes = Buffer.from(value, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 1;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** The bytes an event's hash covers, version 1: the same as the database's `audit_canonical`. */
export function canonicalBytes(event: Omit<ChainEvent, 'prevHash' | 'hash'>): Buffer {
  const parts = [
    LABEL,
    field(event.id.toString()),
    field(String(event.at.getTime())),
    field(event.actorId),
    field(event.actorRole),
    field(event.action),
    field(event.entityType),
    field(event.entityId),
    field(event.subjectIds === null ? null : event.subjectIds.join(',')),
    field(event.reason),
    field(event.recipient),
  ];
  if (event.details === null) {
    parts.push(NULL_FIELD);
  } else {
    parts.push(Buffer.from([1]));
    // Ordered by the keys' UTF-8 bytes, as the database's COLLATE "C".
    const entries = [...event.details].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    for (const [key, type, value] of entries) parts.push(field(key), field(type), field(value));
  }
  return Buffer.concat(parts);
}

export function linkHash(prevHash: Buffer, event: Omit<ChainEvent, 'prevHash' | 'hash'>): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalBytes(event)).digest();
}

/** Why a link is broken. */
export type Break =
  /** The position is missing: an event was removed (or the chain was cut there). */
  | 'MISSING'
  /** The event does not name its predecessor's hash: inserted, or its predecessor was rewritten. */
  | 'PREVIOUS_HASH'
  /** The event's content does not give its hash: altered. */
  | 'HASH'
  /** Earlier than its predecessor: rewritten or inserted. */
  | 'TIME'
  /** The chain ends before a checkpoint or the head the database records: cut off at the end. */
  | 'TRUNCATED'
  /** The oldest event left does not continue where a dropped year's record says the chain ended. */
  | 'START';

export type Verification = {
  ok: boolean;
  /** Events checked. */
  checked: number;
  firstId: bigint | null;
  lastId: bigint | null;
  lastAt: Date | null;
  lastHash: Buffer | null;
  broken: { id: bigint; problem: Break } | null;
};

/** As pg returns it: the position as text (a bigint). */
type Row = Omit<ChainEvent, 'id'> & { id: string };

const BATCH = 5_000;

/** Reads the events from `afterId` (exclusive) on, in chain order, in batches of one snapshot. */
async function* eventsAfter(client: pg.ClientBase, afterId: bigint, untilAt: Date | null): AsyncGenerator<ChainEvent> {
  let cursor = afterId;
  for (;;) {
    const { rows } = await client.query<Row>(
      `SELECT id::text, at, "actorId"::text AS "actorId", "actorRole"::text AS "actorRole", action, "entityType",
              "entityId", "subjectIds"::text[] AS "subjectIds", reason, recipient,
              CASE WHEN details IS NULL THEN NULL ELSE
                (SELECT coalesce(json_agg(json_build_array(key, jsonb_typeof(value), value #>> '{}')), '[]')
                   FROM jsonb_each(details)) END AS details,
              "prevHash", hash
         FROM public."AuditEvent"
        WHERE id > $1 AND ($2::timestamptz IS NULL OR at < $2)
        ORDER BY "AuditEvent".id
        LIMIT ${BATCH}`,
      [cursor.toString(), untilAt],
    );
    for (const row of rows) yield { ...row, id: BigInt(row.id) };
    if (rows.length < BATCH) return;
    cursor = BigInt(rows.at(-1)!.id);
  }
}

/**
 * Verifies the chain: all of it, or the events at or after `from` and before `to`. Runs in one read-only
 * snapshot, so events committed meanwhile neither appear half nor count as missing. Reports the first broken
 * link. Whole-chain checks also compare the end with the head the database keeps and with every stored
 * checkpoint, and the start with the record of the last year dropped.
 */
export async function verifyChain(
  client: pg.ClientBase,
  range: { from?: Date; to?: Date; afterId?: bigint; afterHash?: Buffer } = {},
): Promise<Verification> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    return await verifyInSnapshot(client, range);
  } finally {
    await client.query('COMMIT');
  }
}

async function verifyInSnapshot(
  client: pg.ClientBase,
  range: { from?: Date; to?: Date; afterId?: bigint; afterHash?: Buffer },
): Promise<Verification> {
  const whole = !range.from && !range.to && range.afterId === undefined;
  // Where to start: after a known link (a checkpoint), at the first event of the range, or at the oldest kept.
  let expectedId: bigint | null = null;
  let prevHash: Buffer | null = range.afterHash ?? null;
  let prevAt = new Date(0);
  let afterId = range.afterId ?? 0n;
  if (range.afterId !== undefined) {
    expectedId = range.afterId + 1n;
  } else {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id::text FROM public."AuditEvent" WHERE $1::timestamptz IS NULL OR at >= $1 ORDER BY "AuditEvent".id LIMIT 1`,
      [range.from ?? null],
    );
    if (rows[0]) {
      const first = BigInt(rows[0].id);
      afterId = first - 1n;
      expectedId = first;
      const before = await client.query<{ hash: Buffer; at: Date }>(
        `SELECT hash, at FROM public."AuditEvent" WHERE id = $1`,
        [afterId.toString()],
      );
      if (before.rows[0]) {
        prevHash = before.rows[0].hash;
        prevAt = before.rows[0].at;
      } else if (first === 1n) {
        prevHash = GENESIS_HASH;
      }
    }
  }

  const result: Verification = {
    ok: true,
    checked: 0,
    firstId: null,
    lastId: null,
    lastAt: null,
    lastHash: null,
    broken: null,
  };
  const fail = (id: bigint, problem: Break): Verification => ({ ...result, ok: false, broken: { id, problem } });

  for await (const event of eventsAfter(client, afterId, range.to ?? null)) {
    if (expectedId !== null && event.id !== expectedId) return fail(expectedId, 'MISSING');
    if (prevHash === null) {
      // The oldest event kept, after years dropped: it must continue where the record of the drop says.
      if (whole && !(await startsWhereItShould(client, event))) return fail(event.id, 'START');
      prevHash = event.prevHash;
    }
    if (!event.prevHash.equals(prevHash)) return fail(event.id, 'PREVIOUS_HASH');
    if (!linkHash(prevHash, event).equals(event.hash)) return fail(event.id, 'HASH');
    if (event.at < prevAt) return fail(event.id, 'TIME');
    result.checked += 1;
    result.firstId ??= event.id;
    result.lastId = event.id;
    result.lastAt = event.at;
    result.lastHash = event.hash;
    prevHash = event.hash;
    prevAt = event.at;
    expectedId = event.id + 1n;
  }

  if (whole || range.afterId !== undefined) {
    const end = result.lastId ?? afterId;
    const { rows: head } = await client.query<{ eventId: string; hash: Buffer }>(
      `SELECT "eventId"::text AS "eventId", hash FROM public."AuditHead"`,
    );
    if (head[0] && BigInt(head[0].eventId) !== end) return fail(end + 1n, 'TRUNCATED');
    // Every checkpoint of the kept chain, also those before this run's start: a stored position whose event
    // changed since is found on every run, not only by the next whole verification.
    const { rows: checkpoints } = await client.query<{ eventId: string; hash: Buffer; stored: Buffer | null }>(
      `SELECT c."eventId"::text AS "eventId", c.hash, e.hash AS stored
         FROM public."AuditCheckpoint" c LEFT JOIN public."AuditEvent" e ON e.id = c."eventId"
        WHERE c."eventId" > 0 AND c."eventId" >= (SELECT coalesce(min(id), 0) FROM public."AuditEvent")
        ORDER BY c."eventId"`,
    );
    for (const checkpoint of checkpoints) {
      const id = BigInt(checkpoint.eventId);
      if (id > end) return fail(end + 1n, 'TRUNCATED');
      if (!checkpoint.stored || !checkpoint.stored.equals(checkpoint.hash)) return fail(id, 'HASH');
    }
  }
  return result;
}

/**
 * Whether the oldest event kept starts the chain as it should: the first event after 32 zero bytes, or, after
 * years were dropped, the event after the last link that the record of the latest drop names (only the tables'
 * owner can write such a record: `audit_pending_guard`).
 */
export async function startsWhereItShould(
  client: pg.ClientBase,
  oldest: Pick<ChainEvent, 'id' | 'prevHash'>,
): Promise<boolean> {
  if (oldest.id === 1n) return oldest.prevHash.equals(GENESIS_HASH);
  const { rows } = await client.query<{ lastEventId: string; lastHash: string }>(
    `SELECT details->>'lastEventId' AS "lastEventId", details->>'lastHash' AS "lastHash"
       FROM public."AuditEvent" WHERE action = 'AUDIT_YEAR_DROPPED' AND details ? 'lastEventId'
      ORDER BY id DESC LIMIT 1`,
  );
  const drop = rows[0];
  return (
    drop !== undefined &&
    BigInt(drop.lastEventId) === oldest.id - 1n &&
    Buffer.from(drop.lastHash, 'hex').equals(oldest.prevHash)
  );
}
