/**
 * lib/db/migrate against a real PostgreSQL: the WebAssembly schema engine must behave like
 * `prisma migrate deploy` / `migrate dev --create-only` / `migrate diff`, on temporary copies of the
 * schema and the migrations so the repository's files are never touched.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  createMigration,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  diffSchemaAgainstMigrations,
  migrationChecksum,
} from '@/lib/db/migrate';
import { dropEmptyDatabases, emptyDatabase, queryAt, serverDatabaseUrl } from '../helpers/db';

const scratch: string[] = [];

/** Temporary copies of schema.prisma and prisma/migrations; `edit` changes the schema copy. */
async function workspace(edit: (schema: string) => string = (s) => s) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrate-test-'));
  scratch.push(dir);
  const schemaPath = path.join(dir, 'schema.prisma');
  const migrationsDir = path.join(dir, 'migrations');
  await fs.writeFile(schemaPath, edit(await fs.readFile(DEFAULT_SCHEMA_PATH, 'utf8')));
  await fs.cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  return { schemaPath, migrationsDir };
}

async function committedMigrations(): Promise<{ name: string; sql: string }[]> {
  const entries = await fs.readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      sql: await fs.readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql'), 'utf8'),
    })),
  );
}

const addNotesAndArchive = (schema: string) =>
  schema.replace(/^model Partner \{$/m, 'model Partner {\n  notes String?') +
  '\nmodel Archive {\n  id   Int    @id @default(autoincrement())\n  body String\n}\n';

afterAll(async () => {
  await dropEmptyDatabases();
  await Promise.all(scratch.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe('applyMigrations', () => {
  let url: string;
  let firstRun: string[];

  beforeAll(async () => {
    url = await emptyDatabase('migrate');
    firstRun = await applyMigrations(url);
  });

  it('applies every committed migration to an empty database, in order', async () => {
    const migrations = await committedMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(migrations.map((m) => m.name));

    const tables = await queryAt<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'User', 'Referral', 'ReferralTrack', 'RoutingRule', 'AuditEvent']),
    );
  });

  it('records each migration in _prisma_migrations with the sha256 checksum the Prisma CLI uses', async () => {
    const rows = await queryAt<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const migrations = await committedMigrations();
    expect(rows).toEqual(
      migrations.map((m) => ({
        migration_name: m.name,
        checksum: migrationChecksum(m.sql),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
      })),
    );
    // Independent of our helper: the value is a lower-case hex sha256.
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is a no-op the second time', async () => {
    expect(await applyMigrations(url)).toEqual([]);
    const [{ count }] = (await queryAt<{ count: string }>(url, 'SELECT count(*) FROM _prisma_migrations')) as [
      { count: string },
    ];
    expect(Number(count)).toBe(firstRun.length);
  });

  it('runs a migration as one atomic script: statements containing ";" survive, a failure leaves nothing behind', async () => {
    const { migrationsDir } = await workspace();
    const extra = path.join(migrationsDir, '29991231000000_extra');
    await fs.mkdir(extra);
    await fs.writeFile(
      path.join(extra, 'migration.sql'),
      `CREATE TABLE "Extra" (id int);\nCOMMENT ON TABLE "Extra" IS 'a; b';\n` +
        `CREATE FUNCTION extra_one() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n`,
    );
    expect(await applyMigrations(url, { migrationsDir })).toEqual(['29991231000000_extra']);
    const [comment] = await queryAt<{ c: string }>(url, `SELECT obj_description('"Extra"'::regclass) AS c`);
    expect(comment?.c).toBe('a; b');

    const broken = path.join(migrationsDir, '29991231000001_broken');
    await fs.mkdir(broken);
    await fs.writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE "Half" (id int);\nSELECT * FROM "DoesNotExist";\n',
    );
    const failure = await applyMigrations(url, { migrationsDir }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/DoesNotExist/);
    expect((failure as Error).message).not.toMatch(/apply_migration\.rs/); // engine span trace stripped
    const half = await queryAt(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(half).toEqual([]);
    // Like `migrate deploy`: a failed migration blocks further runs until it is resolved.
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/P3009/);
  });
});

describe('migration 20261126040956_referral_tracks_and_encryption', () => {
  const MIGRATION = '20261126040956_referral_tracks_and_encryption';

  it('upgrades a database with clear-text referrals: they and their keys go, declined offers stay', async () => {
    // The database as it was before: every migration up to this one, reference data, an officer.
    const { migrationsDir } = await workspace();
    // This migration and every later one are applied afterwards, from the committed folder.
    const later = (await fs.readdir(migrationsDir)).filter((name) => /^\d{14}_/.test(name) && name >= MIGRATION).sort();
    for (const name of later) await fs.rm(path.join(migrationsDir, name), { recursive: true });
    const url = await emptyDatabase('upgrade');
    await applyMigrations(url, { migrationsDir });
    // Written in SQL: the app's client knows only today's schema, not the one of this moment.
    await queryAt(
      url,
      `WITH i AS (INSERT INTO "Inspection" (id, code, name) VALUES (gen_random_uuid(), 'PI-GAR', 'PI Garbsen') RETURNING id),
            s AS (INSERT INTO "Station" (id, code, name, "inspectionId")
                  SELECT gen_random_uuid(), 'PK-GARBSEN', 'PK Garbsen', id FROM i RETURNING id),
            m AS (INSERT INTO "Municipality" (id, name, kind, "inspectionId")
                  SELECT gen_random_uuid(), 'Garbsen', 'Stadt', id FROM i RETURNING id),
            p AS (INSERT INTO "Partner" (id, code, name, kind, tracks, genders, phone, address, "notificationEmail",
                                         "activeFrom", languages, description)
                  VALUES (gen_random_uuid(), 'BISS-REGION', 'BISS Region', 'VICTIM_SUPPORT', '{VICTIM}', '{FEMALE}',
                          '0511 1', 'Hannover', 'biss@partner.example', '2024-01-01', '{de}', 'Beratung') RETURNING id),
            r AS (INSERT INTO "RoutingRule" (id, track, gender, "municipalityId", "partnerId", "validFrom")
                  SELECT gen_random_uuid(), 'VICTIM', 'FEMALE', m.id, p.id, '2024-01-01' FROM m, p RETURNING id)
       INSERT INTO "User" (id, email, "displayName", role, "stationId")
       SELECT gen_random_uuid(), 'officer@upgrade.example', 'Officer', 'OFFICER', s.id FROM s, r`,
    );
    const keys = { referral: randomUUID(), declined: randomUUID() };
    await queryAt(
      url,
      `INSERT INTO "Referral" (id, "caseNumber", "incidentAt", "municipalityId", "stationId", "createdById",
              "firstName", "lastName", phone, gender, "partnerId", "routingRuleId", "routingRuleVersion",
              "routingReason", "consentGivenAt", "idempotencyKey")
       SELECT gen_random_uuid(), '2026/000777', now(), r."municipalityId", u."stationId", u.id,
              'Klara', 'Klartext', '+495111234567', 'FEMALE', r."partnerId", r.id, r.version, 'RULE', now(), $1
         FROM "RoutingRule" r, "User" u
        WHERE r.track = 'VICTIM' AND r.gender = 'FEMALE' AND u.email = 'officer@upgrade.example'
        LIMIT 1`,
      [keys.referral],
    );
    await queryAt(
      url,
      `INSERT INTO "DeclinedOffer" (id, "incidentDate", "municipalityId", gender, "stationId", "idempotencyKey")
       SELECT gen_random_uuid(), current_date, m.id, 'DIVERSE', s.id, $1
         FROM "Municipality" m, "Station" s WHERE m.name = 'Garbsen' AND s.code = 'PK-GARBSEN'`,
      [keys.declined],
    );
    await queryAt(
      url,
      `INSERT INTO "SubmissionKey" (key, kind, "payloadHash") VALUES ($1, 'REFERRAL', '\\x00'), ($2, 'DECLINED', '\\x01')`,
      [keys.referral, keys.declined],
    );

    expect(await queryAt(url, `SELECT "lastName" FROM "Referral"`)).toEqual([{ lastName: 'Klartext' }]);

    expect(await applyMigrations(url)).toEqual(later);
    // Clear text cannot be sealed in SQL (the keys live in the app's configuration): such referrals are gone,
    // and with them their idempotency keys, so that their forms may be sent anew.
    expect(await queryAt(url, `SELECT id FROM "Referral"`)).toEqual([]);
    expect(await queryAt(url, `SELECT key::text, kind::text FROM "SubmissionKey"`)).toEqual([
      { key: keys.declined, kind: 'DECLINED' },
    ]);
    expect(await queryAt(url, `SELECT "idempotencyKey"::text AS key FROM "DeclinedOffer"`)).toEqual([
      { key: keys.declined },
    ]);
    const columns = await queryAt<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Referral' ORDER BY column_name`,
    );
    const clearText = ['firstName', 'lastName', 'phone', 'caseNumber'];
    expect(columns.map((c) => c.column_name).filter((name) => clearText.includes(name))).toEqual([]);
    expect(columns.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(['dataKey', 'details', 'caseNumberIndex']),
    );
  });
});

describe('diffSchemaAgainstMigrations', () => {
  it('is empty for the committed schema and migrations', async () => {
    expect(await diffSchemaAgainstMigrations(serverDatabaseUrl('postgres'))).toBe('');
  });

  it('returns the missing SQL for a changed schema, and cleans up its shadow database', async () => {
    const paths = await workspace(addNotesAndArchive);
    const sql = await diffSchemaAgainstMigrations(serverDatabaseUrl('postgres'), paths);
    expect(sql).toMatch(/ALTER TABLE "Partner" ADD COLUMN\s+"notes" TEXT/);
    expect(sql).toContain('CREATE TABLE "Archive"');
    expect(sql).not.toContain('"Referral"');

    const shadows = await queryAt(
      serverDatabaseUrl('postgres'),
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'",
    );
    expect(shadows).toEqual([]);
  });
});

describe('createMigration', () => {
  it('writes nothing when the schema matches the migrations', async () => {
    const paths = await workspace();
    const url = await emptyDatabase('migrate');
    expect(await createMigration(url, 'nothing', paths)).toBeNull();
    expect((await fs.readdir(paths.migrationsDir)).sort()).toEqual((await fs.readdir(DEFAULT_MIGRATIONS_DIR)).sort());
  });

  it('writes a migration folder like the Prisma CLI and leaves it unapplied for review', async () => {
    const paths = await workspace(addNotesAndArchive);
    const url = await emptyDatabase('migrate');
    const folder = await createMigration(url, 'Add notes & archive', paths);

    expect(folder).not.toBeNull();
    expect(path.basename(folder ?? '')).toMatch(/^\d{14}_add_notes_archive$/);
    const sql = await fs.readFile(path.join(folder ?? '', 'migration.sql'), 'utf8');
    expect(sql).toContain('ALTER TABLE "Partner" ADD COLUMN');
    expect(sql).toContain('CREATE TABLE "Archive"');
    expect(await fs.readFile(path.join(paths.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );

    // Pending migrations were applied to the development database, the new one was not.
    const applied = await queryAt<{ migration_name: string }>(
      url,
      'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(applied.map((r) => r.migration_name)).toEqual((await committedMigrations()).map((m) => m.name));

    // With the new migration the schema and the history agree again.
    expect(await diffSchemaAgainstMigrations(url, paths)).toBe('');
    expect(await createMigration(url, 'again', paths)).toBeNull();
  });

  it('reports data-loss warnings and still writes the migration', async () => {
    const paths = await workspace((schema) =>
      schema.replace(/(model AuditEvent \{[^}]*?)^ {2}reason +String\?\n/m, '$1'),
    );
    const url = await emptyDatabase('migrate');
    await applyMigrations(url);
    // Prisma only warns about data that exists.
    await queryAt(url, `INSERT INTO "AuditPending" (action, reason) VALUES ('test', 'a reason')`);
    const warnings: string[] = [];
    const folder = await createMigration(url, 'drop_reason', {
      ...paths,
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings.join('\n')).toMatch(/drop the column `reason` on the `AuditEvent` table/);
    expect(await fs.readFile(path.join(folder ?? '', 'migration.sql'), 'utf8')).toContain('DROP COLUMN "reason"');
  });

  it('refuses a name without letters or digits', async () => {
    const paths = await workspace(addNotesAndArchive);
    await expect(createMigration(serverDatabaseUrl('postgres'), ' -- ', paths)).rejects.toThrow(/Migration name/);
  });
});

describe('process lifetime', () => {
  it('lets a script exit right after migrating (no lingering engine timer or idle pool)', async () => {
    const url = await emptyDatabase('migrate');
    const script = path.join(import.meta.dirname, 'fixtures', 'apply-and-report.ts');
    const tsx = path.resolve('node_modules', '.bin', 'tsx');
    const started = Date.now();
    const { stdout } = await promisify(execFile)(tsx, [script, url], { timeout: 20_000 });
    const finishedAt = Number(stdout.trim().split('\n').at(-1));
    expect(Number.isFinite(finishedAt)).toBe(true);
    // Without the unref'd timer the process stayed alive for many seconds after finishing.
    expect(Date.now() - finishedAt).toBeLessThan(2_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
