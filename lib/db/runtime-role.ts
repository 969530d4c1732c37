/**
 * The app's own database role may read and write rows, never change the schema (DESIGN.md section 8):
 * migrations run separately, with MIGRATION_DATABASE_URL (README, "Production"). After every migration run the
 * runtime role is granted exactly what the app needs on the tables that exist then. The audit trail is
 * narrower still: append-only (lib/audit/storage.ts). Plain Node (CLI, launcher, tests), no server-only.
 */
import pg from 'pg';

import { auditGrantStatements } from '../audit/storage';
import { jobGrants } from '../jobs/queues';
import { withPgClient } from './pg-client';

/** The runtime role the launcher creates on an embedded (development or test) server. */
const EMBEDDED_RUNTIME_ROLE = 'vermittlung_app';
/** Loopback only, like the embedded superuser's; published on purpose (development and tests only). */
const EMBEDDED_RUNTIME_PASSWORD = 'vermittlung-app-local-only';

/**
 * Grants `role` data access to every table of the app's schema: rows yes (SELECT, INSERT, UPDATE, DELETE),
 * schema no (no CREATE, ALTER, DROP; not the tables' owner). Tables the migrating role creates later get the
 * same grants by default, so an app that keeps running across `npm run db:migrate` can use them at once. The
 * migration history is read-only for it (the start-up check reads it). Nobody but the owners may create
 * objects in the schema. Idempotent; `applyMigrations` runs it on the migrating (owner) connection, under
 * the migration lock.
 */
export async function grantOn(client: pg.ClientBase, role: string): Promise<void> {
  const who = pg.escapeIdentifier(role);
  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const database = pg.escapeIdentifier(rows[0]!.db);
  const statements = [
    `GRANT CONNECT ON DATABASE ${database} TO ${who}`,
    // No temporary tables: one named like an app table would shadow it for the rest of a pooled connection.
    `REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA public TO ${who}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${who}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${who}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${who}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${who}`,
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ${who}`,
    // PostgreSQL before 15 let every role create objects in public; a later one keeps that after an upgrade.
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
    // The job queues (lib/jobs/queues.ts): rows and pg-boss's functions, never its schema.
    ...jobGrants(role),
    // The audit trail (ADR 0012): append-only for the app, whatever the grants above gave.
    ...(await auditGrantStatements(client, role)),
  ];
  // One transaction: the broad grants above are never visible without the audit trail's narrowing.
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * On an embedded server: the runtime role, created once (cluster-wide). Returns the connection string the
 * app runs with; `applyMigrations(…, { runtimeRole })` grants it its access.
 */
export async function createEmbeddedRuntimeRole(adminUrl: string): Promise<string> {
  await withPgClient(adminUrl, async (client) => {
    // Two launchers or test files on one server may get here at once: a duplicate is fine.
    await client
      .query(
        `CREATE ROLE ${EMBEDDED_RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${EMBEDDED_RUNTIME_PASSWORD}'`,
      )
      .catch((error: { code?: string }) => {
        if (error.code !== '42710' && error.code !== '23505') throw error; // duplicate_object, unique_violation
      });
  });
  const url = new URL(adminUrl);
  url.username = EMBEDDED_RUNTIME_ROLE;
  url.password = EMBEDDED_RUNTIME_PASSWORD;
  return url.toString();
}

/**
 * Why the role behind `url` could change the schema (superuser, owner of the app's tables, allowed to create
 * in it) or write the audit trail other than through its pending events, or null when it can only work with
 * rows. `npm start` refuses such a connection in production: the
 * audit trail's protection (DESIGN.md section 7) holds only against a role that cannot alter its tables.
 */
export async function schemaPowers(url: string): Promise<string | null> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ superuser: boolean; owned: number; create: boolean }>(
      `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned,
              has_schema_privilege('public', 'CREATE') AS create`,
    );
    const { superuser, owned, create } = rows[0]!;
    if (superuser) return 'it is a superuser';
    if (owned > 0) return `it owns ${owned} of the app's tables`;
    if (create) return 'it may create objects in the schema "public"';
    const { rows: audit } = await client.query<{ relation: string }>(
      `SELECT c.relname AS relation FROM pg_class c
        WHERE (c.oid = to_regclass('"AuditEvent"') OR c.oid = to_regclass('"AuditHead"')
               OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass('"AuditEvent"')))
          AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
               OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))`,
    );
    if (audit.length > 0)
      return `it may write the audit trail itself ("${audit[0]!.relation}"): run npm run db:migrate`;
    return null;
  });
}

/** The role a connection string logs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}
