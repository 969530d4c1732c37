/**
 * The audit trail's storage (issue 13, ADR 0012): append-only for the app's role and, through triggers that
 * always fire, for everyone short of switching them off as the tables' owner; chained in commit order;
 * verified from outside the database so that a row altered, removed or cut off is named; a year dropped
 * whole after its retention, never row by row.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { canonicalBytes, GENESIS_HASH, linkHash, verifyChain } from '@/lib/audit/chain';
import { checkpointChain } from '@/lib/audit/checkpoint';
import { dropAuditYear } from '@/lib/audit/drop-year';
import { checkpointAuditChain } from '@/lib/audit/verification';
import { QUEUES, SCHEDULES } from '@/lib/jobs/queues';
import { type AuditEventInput, recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { withDatabase } from '@/lib/db/embedded-postgres';
import { withPgClient } from '@/lib/db/pg-client';
import { createEmbeddedRuntimeRole, grantOn, schemaPowers } from '@/lib/db/runtime-role';

import { queryAt, resetDatabase, testDatabaseUrl } from '../helpers/db';

const run = promisify(execFile);
let appUrl: string;

/** One statement as the tables' owner (this file's database runs as the server's superuser). */
const owner = <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) =>
  queryAt<T>(testDatabaseUrl(), sql, values);

const verify = (range?: Parameters<typeof verifyChain>[1]) =>
  withPgClient(testDatabaseUrl(), (client) => verifyChain(client, range));

async function writeEvents(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await recordAudit(db(), { action: 'REFERRAL_VIEWED', entityType: 'Referral', entityId: `r-${i}` });
  }
}

/** A row changed as the owner, with the guard switched off for that one statement. */
async function tamper(sql: string): Promise<void> {
  await owner(`BEGIN;
    ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only";
    ${sql};
    ALTER TABLE "AuditEvent" ENABLE ALWAYS TRIGGER "AuditEvent_append_only";
    COMMIT`);
}

beforeAll(async () => {
  const roleUrl = await createEmbeddedRuntimeRole(testDatabaseUrl());
  appUrl = withDatabase(roleUrl, new URL(testDatabaseUrl()).pathname.slice(1));
  await withPgClient(testDatabaseUrl(), (client) => grantOn(client, 'vermittlung_app'));
});

beforeEach(resetDatabase);

describe("the app's role", () => {
  it('writes events only as pending ones, reads the chain, and can neither change nor remove anything', async () => {
    await queryAt(appUrl, `INSERT INTO "AuditPending" (action, "entityType") VALUES ('REFERRAL_VIEWED', 'Referral')`);
    const events = await queryAt<{ id: string; action: string }>(appUrl, `SELECT id::text, action FROM "AuditEvent"`);
    expect(events).toEqual([{ id: '1', action: 'REFERRAL_VIEWED' }]);
    // Nothing waits between transactions: the chain trigger moved the event at commit.
    expect(await owner(`SELECT * FROM "AuditPending"`)).toEqual([]);

    for (const statement of [
      `UPDATE "AuditEvent" SET action = 'X'`,
      `DELETE FROM "AuditEvent"`,
      `TRUNCATE "AuditEvent"`,
      `INSERT INTO "AuditEvent" (id, at, action, "prevHash", hash) VALUES (2, now(), 'X', '\\x00', '\\x00')`,
      `UPDATE "AuditEvent_2026" SET action = 'X'`,
      `DELETE FROM "AuditEvent_2026"`,
      `TRUNCATE "AuditEvent_2026"`,
      `UPDATE "AuditHead" SET "eventId" = 0`,
      `SELECT * FROM "AuditPending"`,
      `DELETE FROM "AuditPending"`,
      `UPDATE "AuditCheckpoint" SET "brokenAt" = NULL`,
      `INSERT INTO "AuditCheckpoint" ("eventId", "eventAt", hash, "verifiedFrom") VALUES (9, now(), '\\x00', 1)`,
      `DELETE FROM "AuditCheckpoint"`,
      `TRUNCATE "AuditCheckpoint"`,
    ]) {
      await expect(queryAt(appUrl, statement), statement).rejects.toMatchObject({ code: '42501' });
    }
    // Nothing it writes can make verification fail or stop: no list with gaps, no details that are not an
    // object, no record of a dropped year (only the owner drops years), no checkpoint past the head.
    for (const [statement, code] of [
      [
        `INSERT INTO "AuditPending" (action, "subjectIds") VALUES ('X', ARRAY[NULL, '0190a000-0000-7000-8000-000000000001']::uuid[])`,
        '23514',
      ],
      [
        `INSERT INTO "AuditPending" (action, "subjectIds") VALUES ('X', '[0:0]={0190a000-0000-7000-8000-000000000001}')`,
        '23514',
      ],
      [`INSERT INTO "AuditPending" (action, details) VALUES ('X', '[1, 2]')`, '23514'],
      [`INSERT INTO "AuditPending" (action, details) VALUES ('AUDIT_YEAR_DROPPED', '{"lastEventId": "1"}')`, '42501'],
      [`SELECT * FROM audit_store_checkpoint(99, 1, NULL)`, '23514'],
    ] as const) {
      await expect(queryAt(appUrl, statement), statement).rejects.toMatchObject({ code });
    }
    // A checkpoint stores the hash the database holds for the position, whatever the caller would claim.
    const [stored] = await queryAt<{ hash: string }>(
      appUrl,
      `SELECT encode(hash, 'hex') AS hash FROM audit_store_checkpoint(1, 1, NULL)`,
    );
    expect(stored!.hash).toBe(
      (await owner<{ hash: string }>(`SELECT encode(hash, 'hex') AS hash FROM "AuditEvent"`))[0]!.hash,
    );
    // No temporary table can shadow the pending events on a pooled connection.
    await expect(queryAt(appUrl, `CREATE TEMP TABLE "AuditPending" (id int)`)).rejects.toMatchObject({ code: '42501' });
    expect((await verify()).ok).toBe(true);
  });

  it('gets no rights on a partition added later, and npm start would refuse a role that has them', async () => {
    await owner(`SELECT audit_add_partition(2031)`);
    expect(
      await queryAt<{ insert: boolean }>(appUrl, `SELECT has_table_privilege('"AuditEvent_2031"', 'INSERT') AS insert`),
    ).toEqual([{ insert: false }]);
    expect(await schemaPowers(appUrl)).toBeNull();
    await owner(`GRANT INSERT ON "AuditEvent_2031" TO vermittlung_app`);
    expect(await schemaPowers(appUrl)).toBe(
      'it may write the audit trail itself ("AuditEvent_2031"): run npm run db:migrate',
    );
    await owner(`DROP TABLE "AuditEvent_2031"`);
  });

  it('is refused by the triggers even where privileges would allow it (the owner, a superuser, replica mode)', async () => {
    await writeEvents(1);
    for (const statement of [
      `UPDATE "AuditEvent" SET action = 'X'`,
      `DELETE FROM "AuditEvent"`,
      `TRUNCATE "AuditEvent"`,
      `TRUNCATE "AuditEvent_2026"`,
      `SET session_replication_role = replica; DELETE FROM "AuditEvent"`,
    ]) {
      await expect(owner(statement), statement).rejects.toThrow(/append-only/);
    }
    expect(await owner(`SELECT count(*)::int AS n FROM "AuditEvent"`)).toEqual([{ n: 1 }]);
  });
});

describe('the chain', () => {
  it('numbers events in commit order, without gaps, when transactions commit out of their start order', async () => {
    const first = await db().$transaction(async (tx) => {
      await recordAudit(tx, { action: 'USER_CREATED', entityType: 'User', entityId: 'first-started' });
      // A second transaction starts, writes and commits while the first is still open.
      await recordAudit(db(), { action: 'USER_CREATED', entityType: 'User', entityId: 'second-started' });
      return 'done';
    });
    expect(first).toBe('done');
    // A rolled-back transaction leaves no event and no gap.
    await expect(
      db().$transaction(async (tx) => {
        await recordAudit(tx, { action: 'USER_CREATED', entityType: 'User', entityId: 'rolled-back' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await recordAudit(db(), { action: 'USER_CREATED', entityType: 'User', entityId: 'third' });

    const rows = await owner<{ id: string; entityId: string }>(
      `SELECT id::text, "entityId" FROM "AuditEvent" ORDER BY "AuditEvent".id`,
    );
    expect(rows).toEqual([
      { id: '1', entityId: 'second-started' },
      { id: '2', entityId: 'first-started' },
      { id: '3', entityId: 'third' },
    ]);
    expect(await verify()).toMatchObject({ ok: true, checked: 3, firstId: 1n, lastId: 3n });
  });

  it('keeps order and integrity under 40 concurrent transactions', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db().$transaction(async (tx) => {
          await recordAudit(tx, { action: 'REFERRAL_VIEWED', entityType: 'Referral', entityId: `a-${i}` });
          await recordAudit(tx, { action: 'REFERRAL_VIEWED', entityType: 'Referral', entityId: `b-${i}` });
        }),
      ),
    );
    expect(await verify()).toMatchObject({ broken: null, ok: true, checked: 80 });
    // A transaction's events are adjacent: the head is held from its first to its commit.
    const rows = await owner<{ id: string; entityId: string }>(
      `SELECT id::text, "entityId" FROM "AuditEvent" ORDER BY "AuditEvent".id`,
    );
    for (let i = 0; i < rows.length; i += 2) {
      expect(rows[i]!.entityId.replace('a-', 'b-')).toBe(rows[i + 1]!.entityId);
    }
  });

  it('hashes the same bytes in the database and in verification, whatever the content', async () => {
    const awkward: Omit<AuditEventInput, 'action'>[] = [
      { details: { 'ä-ü': 'ß 😀 "quoted" \\ back', b: 1.5, a: 10, z: null, t: true, f: false, empty: '' } },
      { details: {} },
      { details: { Z: 'upper before lower', a: 'x', ab: 'y', b: 'z' } },
      { reason: 'Grund mit Zeilen\numbruch', recipient: 'Partner', subjectIds: [] },
      {
        subjectIds: ['0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002'],
        actorRole: 'AUDITOR' as const,
        actorId: '0190a000-0000-7000-8000-0000000000aa',
      },
    ];
    for (const extra of awkward) await recordAudit(db(), { action: 'AUDIT_SEARCHED', ...extra });
    // Numbers keep the database's own spelling (1.50 stays 1.50): written by hand, as a migration might.
    await owner(`INSERT INTO "AuditPending" (action, details) VALUES ('AUDIT_SEARCHED', '{"n": 1.50, "m": 1e3}')`);
    const verification = await verify();
    expect(verification).toMatchObject({ ok: true, checked: awkward.length + 1 });

    const [sqlBytes] = await owner<{ bytes: Buffer }>(
      `SELECT audit_canonical(id, at, "actorId", "actorRole"::text, action, "entityType", "entityId", "subjectIds",
                              reason, recipient, details) AS bytes
         FROM "AuditEvent" WHERE id = 1`,
    );
    const [row] = await owner<{ at: Date; details: [string, string, string | null][] }>(
      `SELECT at, (SELECT json_agg(json_build_array(key, jsonb_typeof(value), value #>> '{}')) FROM jsonb_each(details)) AS details
         FROM "AuditEvent" WHERE id = 1`,
    );
    const fields = {
      id: 1n,
      at: row!.at,
      actorId: null,
      actorRole: null,
      action: 'AUDIT_SEARCHED',
      entityType: null,
      entityId: null,
      subjectIds: null,
      reason: null,
      recipient: null,
      details: row!.details,
    };
    expect(canonicalBytes(fields).equals(sqlBytes!.bytes)).toBe(true);
    expect(linkHash(GENESIS_HASH, fields).toString('hex')).toBe(
      (await owner<{ hash: string }>(`SELECT encode(hash, 'hex') AS hash FROM "AuditEvent" WHERE id = 1`))[0]!.hash,
    );
  });
});

describe('verification', () => {
  beforeEach(() => writeEvents(6));

  it('names a row altered by the owner', async () => {
    await tamper(`UPDATE "AuditEvent" SET "entityId" = 'someone-else' WHERE id = 4`);
    expect(await verify()).toMatchObject({ ok: false, checked: 3, broken: { id: 4n, problem: 'HASH' } });
    // The events before it still verify on their own.
    expect(
      (await verify({ to: (await owner<{ at: Date }>(`SELECT at FROM "AuditEvent" WHERE id = 4`))[0]!.at })).ok,
    ).toBe(true);
  });

  it('names a row removed, a row whose hash was recomputed, and a tail cut off', async () => {
    await tamper(`DELETE FROM "AuditEvent" WHERE id = 3`);
    expect((await verify()).broken).toEqual({ id: 3n, problem: 'MISSING' });

    await resetDatabase();
    await writeEvents(6);
    // Changed and re-hashed, but the next event still names the old hash.
    await tamper(`UPDATE "AuditEvent" SET "entityId" = 'x',
      hash = sha256("prevHash" || audit_canonical(id, at, "actorId", "actorRole"::text, action, "entityType", 'x',
                    "subjectIds", reason, recipient, details)) WHERE id = 2`);
    expect((await verify()).broken).toEqual({ id: 3n, problem: 'PREVIOUS_HASH' });

    await resetDatabase();
    await writeEvents(6);
    await tamper(`DELETE FROM "AuditEvent" WHERE id >= 5`);
    expect((await verify()).broken).toEqual({ id: 5n, problem: 'TRUNCATED' });
  });

  it('stores checkpoints; a tail cut off with the head rewritten still shows against the last checkpoint', async () => {
    const first = await withPgClient(testDatabaseUrl(), (client) => checkpointChain(client));
    expect(first.checkpoint).toMatchObject({ eventId: 6n, verifiedFrom: 1n, brokenAt: null });
    await writeEvents(2);
    const second = await withPgClient(testDatabaseUrl(), (client) => checkpointChain(client));
    // Only what is new since the last checkpoint is verified again.
    expect(second.checkpoint).toMatchObject({ eventId: 8n, verifiedFrom: 7n, brokenAt: null });
    expect(second.verification.checked).toBe(2);

    await tamper(`DELETE FROM "AuditEvent" WHERE id >= 7`);
    await owner(`UPDATE "AuditHead" SET "eventId" = 6, hash = (SELECT hash FROM "AuditEvent" WHERE id = 6)`);
    expect((await verify()).broken).toEqual({ id: 7n, problem: 'TRUNCATED' });
  });

  it('the daily job (a pg-boss schedule) stores a checkpoint and logs positions and the hash, nothing else', async () => {
    expect(SCHEDULES).toContainEqual({ queue: QUEUES.checkpoint.name, cron: '15 3 * * *' });
    const lines: string[] = [];
    const log = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk).trimEnd());
      return true;
    });
    try {
      const check = (await checkpointAuditChain())!;
      expect(check).toMatchObject({ eventId: '6', verifiedFrom: '1', brokenAt: null });
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
        {
          level: 'info',
          msg: 'audit checkpoint',
          event: '6',
          eventAt: check.eventAt.toISOString(),
          hash: check.hash,
          verifiedFrom: '1',
          brokenAt: null,
        },
      ]);
    } finally {
      log.mockRestore();
    }
    expect(await db().auditCheckpoint.count()).toBe(1);
  });

  it('npm run audit:verify prints the head and exits 0 when intact, names the break and exits 1 when not', async () => {
    const cli = (...args: string[]) =>
      run('node_modules/.bin/tsx', ['lib/cli/audit.ts', 'verify', ...args], {
        env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      });
    const intact = await cli();
    expect(intact.stdout).toMatch(/Intact: 6 events verified \(events 1 to 6\)/);
    expect(intact.stdout).toMatch(/Head hash: [0-9a-f]{64}/);

    await tamper(`UPDATE "AuditEvent" SET reason = 'inserted later' WHERE id = 5`);
    const broken = await cli().catch((error: { code: number; stdout: string }) => error);
    expect(broken).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/BROKEN at event 5: its content does not give its hash/),
    });

    const range = await cli('--from', '2000-01-01', '--to', '2000-02-01');
    expect(range.stdout).toMatch(/Intact: 0 events verified \(no events\)/);
    await expect(cli('--from', '1.1.2026')).rejects.toMatchObject({ code: 2 });
  });
});

describe('dropping a year', () => {
  /** Events of past years, as they would have been chained then (written as the owner). */
  async function history(years: number[]): Promise<void> {
    let prev: Buffer = GENESIS_HASH;
    let id = 0n;
    for (const year of years) {
      await owner(`SELECT audit_add_partition($1)`, [year]);
      for (const month of [2, 6, 11]) {
        id += 1n;
        const event = {
          id,
          at: new Date(Date.UTC(year, month, 1)),
          actorId: null,
          actorRole: null,
          action: 'REFERRAL_VIEWED',
          entityType: 'Referral',
          entityId: `old-${id}`,
          subjectIds: null,
          reason: null,
          recipient: null,
          details: null,
        };
        const hash = linkHash(prev, event);
        await owner(
          `INSERT INTO "AuditEvent" (id, at, action, "entityType", "entityId", "prevHash", hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [id.toString(), event.at, event.action, event.entityType, event.entityId, prev, hash],
        );
        prev = hash;
        await owner(`UPDATE "AuditHead" SET "eventId" = $1, at = $2, hash = $3`, [id.toString(), event.at, hash]);
      }
    }
  }
  const dropAt = (year: number, now: Date, dryRun = false) =>
    withPgClient(testDatabaseUrl(), (client) => dropAuditYear(client, year, { now, dryRun }));

  it('only after the end of the following year, oldest first, whole, recorded, and the chain still verifies', async () => {
    await history([2023, 2024]);
    await writeEvents(2);
    const now = new Date('2026-11-26T12:00:00Z');
    expect(await dropAt(2025, now)).toEqual({ ok: false, reason: 'events of 2025 are kept until the end of 2026' });
    expect(await dropAt(2024, now)).toEqual({ ok: false, reason: 'an older year is still kept: drop it first' });
    expect(await dropAt(2023, now, true)).toEqual({ ok: true, dropped: false, events: 3, lastEventId: 3n });
    expect(await owner(`SELECT count(*)::int AS n FROM "AuditEvent"`)).toEqual([{ n: 8 }]);

    expect(await dropAt(2023, now)).toEqual({ ok: true, dropped: true, events: 3, lastEventId: 3n });
    expect(await owner(`SELECT to_regclass('"AuditEvent_2023"') AS gone`)).toEqual([{ gone: null }]);
    const [drop] = await owner<{ reason: string; details: object }>(
      `SELECT reason, details FROM "AuditEvent" WHERE action = 'AUDIT_YEAR_DROPPED'`,
    );
    expect(drop).toMatchObject({ reason: 'RETENTION_ENDED', details: { year: 2023, events: 3, lastEventId: '3' } });
    expect(await verify()).toMatchObject({ ok: true, firstId: 4n, lastId: 9n });

    // A chain whose oldest event does not continue the dropped one is not intact.
    await tamper(`DELETE FROM "AuditEvent" WHERE id = 4`);
    expect((await verify()).broken).toEqual({ id: 5n, problem: 'START' });
  });

  it('refuses a year whose first events were removed, though the rest of it verifies', async () => {
    await history([2023]);
    await tamper(`DELETE FROM "AuditEvent" WHERE id = 1`);
    expect(await dropAt(2023, new Date('2026-01-01T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'the chain of 2023 does not start where it should (event 2): investigate before dropping',
    });
  });

  it('refuses a year whose chain is broken: evidence is not dropped unseen', async () => {
    await history([2023]);
    await tamper(`UPDATE "AuditEvent" SET "entityId" = 'changed' WHERE id = 2`);
    expect(await dropAt(2023, new Date('2026-01-01T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'the chain of 2023 is broken at event 2 (HASH): investigate before dropping',
    });
  });
});
