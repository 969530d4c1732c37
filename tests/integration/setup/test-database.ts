/**
 * Per-test-file setup (Vitest `setupFiles`, runs in the worker before the test file is imported): a fresh
 * database copied from the migrated template, exposed as DATABASE_URL before any application module reads
 * its configuration. Files therefore never share data and can run in parallel. Tests may set process.env;
 * application code reads it only through lib/env.ts.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { withDatabase } from '@/lib/db/embedded-postgres';

const { serverUrl, templateDatabase } = inject('integrationDatabase');
const databaseName = `test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

await admin(`CREATE DATABASE ${pg.escapeIdentifier(databaseName)} TEMPLATE ${pg.escapeIdentifier(templateDatabase)}`);
process.env.DATABASE_URL = withDatabase(serverUrl, databaseName);

afterAll(async () => {
  // The job sender's pool would report the forced disconnection as an error.
  const { stopJobSender } = await import('@/lib/jobs/boss');
  await stopJobSender();
  // FORCE: the application's connection pool may still be open at this point.
  await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
});
