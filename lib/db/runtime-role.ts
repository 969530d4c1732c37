/**
 * The app's own database role may read and write rows, never change the schema (DESIGN.md section 8):
 * migrations run separately, with MIGRATION_DATABASE_URL (README, "Production"). After every migration run the
 * runtime role is granted exactly what the app needs on the tables that exist then. The audit issue narrows
 * this further (append-only audit tables). Plain Node (CLI, launcher, tests), no server-only.
 */
import pg from 'pg';

/** The runtime role the launcher creates on an embedded (development or test) server. */
export const EMBEDDED_RUNTIME_ROLE = 'vermittlung_app';
/** Loopback only, like the embedded superuser's; published on purpose (development and tests only). */
const EMBEDDED_RUNTIME_PASSWORD = 'vermittlung-app-local-only';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Grants `role` data access to every table of the app's schema: rows yes (SELECT, INSERT, UPDATE, DELETE),
 * schema no (no CREATE, ALTER, DROP; not the tables' owner). The migration history is read-only for it (the
 * start-up check reads it). Idempotent; run with the migrating (owner) connection.
 */
export async function grantRuntimeAccess(adminUrl: string, role: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const who = pg.escapeIdentifier(role);
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0]!.db)} TO ${who}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${who}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${who}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${who}`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${who}`);
  });
}

/**
 * On an embedded server: the runtime role (created once, cluster-wide), granted access to this database.
 * Returns the connection string the app runs with.
 */
export async function embeddedRuntimeUrl(adminUrl: string): Promise<string> {
  await withClient(adminUrl, async (client) => {
    // Two launchers or test files on one server may get here at once: a duplicate is fine.
    await client
      .query(
        `CREATE ROLE ${EMBEDDED_RUNTIME_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${EMBEDDED_RUNTIME_PASSWORD}'`,
      )
      .catch((error: { code?: string }) => {
        if (error.code !== '42710' && error.code !== '23505') throw error; // duplicate_object, unique_violation
      });
  });
  await grantRuntimeAccess(adminUrl, EMBEDDED_RUNTIME_ROLE);
  const url = new URL(adminUrl);
  url.username = EMBEDDED_RUNTIME_ROLE;
  url.password = EMBEDDED_RUNTIME_PASSWORD;
  return url.toString();
}

/** The role a connection string logs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}
