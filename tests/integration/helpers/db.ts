/**
 * Helpers for integration tests. The database itself is prepared per test file by
 * tests/integration/setup/test-database.ts (DATABASE_URL points at it).
 */
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from '@/lib/db/embedded-postgres';

let pool: pg.Pool | undefined;

/** URL of this test file's own database. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: is tests/integration/setup/test-database.ts a setup file?');
  return url;
}

/** URL of another database on the test server (e.g. one a test creates itself). */
export function serverDatabaseUrl(databaseName: string): string {
  return withDatabase(inject('integrationDatabase').serverUrl, databaseName);
}

function testPool(): pg.Pool {
  if (!pool) {
    // One connection, released when idle: the database is dropped WITH (FORCE) after the file, and an
    // idle client must neither keep the worker alive nor crash it with an unhandled 'error' event.
    pool = new pg.Pool({
      connectionString: testDatabaseUrl(),
      max: 1,
      idleTimeoutMillis: 1_000,
      allowExitOnIdle: true,
    });
    pool.on('error', () => {});
  }
  return pool;
}

/**
 * Empties every application table (not `_prisma_migrations`) and restarts identity sequences, for use in
 * `beforeEach`. One TRUNCATE … CASCADE for all tables, so foreign keys need no particular order. The audit
 * trail refuses TRUNCATE with triggers that always fire (ADR 0012): as the database's owner, this switches
 * them off for the one transaction that empties the tables, and starts the chain from its first link again.
 */
export async function resetDatabase(): Promise<void> {
  // Read every time: a test may add an audit partition (a past year), with guards of its own.
  const { rows } = await testPool().query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name
       FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'
      ORDER BY tablename`,
  );
  const { rows: guards } = await testPool().query<{ relation: string; trigger: string }>(
    `SELECT format('%I', c.relname) AS relation, format('%I', t.tgname) AS trigger
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgenabled = 'A' AND t.tgfoid = to_regproc('audit_append_only')`,
  );
  const each = (template: string) =>
    guards.map((g) => template.replace('$relation', g.relation).replace('$trigger', g.trigger));
  const statement = rows.length
    ? [
        'BEGIN',
        ...each('ALTER TABLE ONLY $relation DISABLE TRIGGER $trigger'),
        `TRUNCATE TABLE ${rows.map((row) => row.name).join(', ')} RESTART IDENTITY CASCADE`,
        ...each('ALTER TABLE ONLY $relation ENABLE ALWAYS TRIGGER $trigger'),
        ...(rows.some((row) => row.name === 'public."AuditHead"')
          ? [`INSERT INTO "AuditHead" VALUES (1, 0, 'epoch', '\\x${'00'.repeat(32)}')`]
          : []),
        'COMMIT',
      ].join(';\n')
    : 'SELECT 1';
  await testPool().query(statement);
}

/** One statement on its own connection to `url` (another database than this file's, or another role). */
export async function queryAt<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const createdDatabases: string[] = [];

/** A new, completely empty database on the test server; `dropEmptyDatabases` (in afterAll) removes them. */
export async function emptyDatabase(prefix = 'empty'): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  await queryAt(serverDatabaseUrl('postgres'), `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  createdDatabases.push(name);
  return serverDatabaseUrl(name);
}

export async function dropEmptyDatabases(): Promise<void> {
  for (const name of createdDatabases.splice(0)) {
    await queryAt(serverDatabaseUrl('postgres'), `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
}
