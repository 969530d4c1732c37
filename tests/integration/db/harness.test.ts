/**
 * The integration-test harness itself (vitest.config.ts, tests/integration/setup, helpers/db.ts): each
 * file gets its own migrated database before application modules load, and resetDatabase() empties it.
 */
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetDatabase, testDatabaseUrl } from '../helpers/db';

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('integration harness', () => {
  beforeEach(resetDatabase);

  it('gives this file its own database, copied from the migrated template', async () => {
    expect(new URL(testDatabaseUrl()).pathname).toMatch(/^\/test_[0-9a-f]{16}$/);
    const [{ count }] = (await sql<{ count: string }>('SELECT count(*) FROM _prisma_migrations')) as [
      { count: string },
    ];
    expect(Number(count)).toBeGreaterThan(0);
  });

  it('sets DATABASE_URL before application modules read their configuration', async () => {
    const { env } = await import('@/lib/env');
    expect(env().DATABASE_URL).toBe(testDatabaseUrl());
  });

  it('replaces server-only with an empty module', async () => {
    await expect(import('server-only')).resolves.toBeDefined();
  });

  it('resetDatabase empties application tables, restarts identities and keeps the migration history', async () => {
    await sql(`INSERT INTO "AuditPending" (action) VALUES ('first'), ('second')`);
    await resetDatabase();
    expect(await sql('SELECT * FROM "AuditEvent"')).toEqual([]);
    await sql(`INSERT INTO "AuditPending" (action) VALUES ('after reset')`);
    // The chain starts again: the first event is at position 1, after 32 zero bytes.
    expect(await sql(`SELECT id, encode("prevHash", 'hex') AS prev FROM "AuditEvent"`)).toEqual([
      { id: '1', prev: '00'.repeat(32) },
    ]);
    expect((await sql('SELECT 1 FROM _prisma_migrations')).length).toBeGreaterThan(0);
  });
});
