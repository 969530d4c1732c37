/**
 * Migrations are a step of their own (README, "Production"): they run under an advisory lock, so that two
 * instances or two operators never migrate at once, and with a role that may change the schema, while the
 * app's own role may only read and write rows.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { applyMigrations, MIGRATION_LOCK_KEY, pendingMigrations } from '@/lib/db/migrate';
import { createEmbeddedRuntimeRole, schemaPowers } from '@/lib/db/runtime-role';

import { dropEmptyDatabases, emptyDatabase, queryAt } from '../helpers/db';

const run = promisify(execFile);

const history = (url: string) =>
  queryAt<{ migration_name: string }>(
    url,
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL',
  );

afterAll(dropEmptyDatabases);

describe('npm run db:migrate', () => {
  it('run three times at once (operators, instances): all succeed, each migration applied once, the app role granted', async () => {
    const adminUrl = await emptyDatabase('roles');
    const appUrl = await createEmbeddedRuntimeRole(adminUrl);
    const { MIGRATION_DATABASE_URL: _unset, ...environment } = process.env;
    const migrate = () =>
      run('node_modules/.bin/tsx', ['lib/cli/db.ts', 'migrate'], {
        env: { ...environment, DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: adminUrl },
      });
    const outputs = (await Promise.all([migrate(), migrate(), migrate()])).map((result) => result.stdout);
    expect(outputs.filter((out) => out.startsWith('Applied ')).length).toBe(1);
    expect(outputs.filter((out) => out.startsWith('Database is up to date.')).length).toBe(2);
    const names = (await history(adminUrl)).map((row) => row.migration_name);
    expect(new Set(names).size).toBe(names.length);
    expect(await pendingMigrations(appUrl)).toEqual([]);
    await queryAt(appUrl, 'SELECT count(*) FROM "User"');
  }, 60_000);

  it('waits while another run holds the migration lock, then applies', async () => {
    const url = await emptyDatabase('roles');
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    let finished = false;
    const migrating = applyMigrations(url).finally(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(finished).toBe(false);
    expect(await pendingMigrations(url)).not.toEqual([]);
    await other.end(); // the other run's session ends: its lock is released
    expect((await migrating).length).toBeGreaterThan(0);
    expect(await pendingMigrations(url)).toEqual([]);
  });
});

describe("the app's own database role", () => {
  it('reads and writes rows but cannot change the schema or the migration history', async () => {
    const adminUrl = await emptyDatabase('roles');
    const appUrl = await createEmbeddedRuntimeRole(adminUrl);
    await applyMigrations(adminUrl, { runtimeRole: 'vermittlung_app' });
    expect(new URL(appUrl).username).toBe('vermittlung_app');

    await queryAt(appUrl, `INSERT INTO "Municipality" (id, name, kind) VALUES (gen_random_uuid(), 'Testort', 'Stadt')`);
    await queryAt(appUrl, `UPDATE "Municipality" SET kind = 'Gemeinde' WHERE name = 'Testort'`);
    await queryAt(appUrl, `DELETE FROM "Municipality" WHERE name = 'Testort'`);
    expect(await pendingMigrations(appUrl)).toEqual([]);
    expect(await schemaPowers(appUrl)).toBeNull();
    expect(await schemaPowers(adminUrl)).toBe('it is a superuser');

    // A table a later migration creates is the app's to use at once (default privileges), not to change.
    await queryAt(adminUrl, 'CREATE TABLE "Later" (id int)');
    await queryAt(appUrl, 'INSERT INTO "Later" VALUES (1)');
    await expect(queryAt(appUrl, 'ALTER TABLE "Later" ADD COLUMN x int')).rejects.toMatchObject({ code: '42501' });

    for (const ddl of [
      'CREATE TABLE "Intruder" (id int)',
      'ALTER TABLE "User" ADD COLUMN "intruder" text',
      'DROP TABLE "Session"',
      'TRUNCATE "User"',
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('x', 'x', 'x', now())`,
    ]) {
      await expect(queryAt(appUrl, ddl), ddl).rejects.toMatchObject({ code: expect.stringMatching(/^42501$/) });
    }
  });
});
