/**
 * How the audit trail is kept in the database (ADR 0012): yearly partitions made ahead of time, and the
 * app's role narrowed to what the chain needs. Runs on the migrating (owner) connection after every
 * migration run, under the migration lock. Plain Node (CLI, launcher, tests), no server-only.
 */
import pg from 'pg';

/** Years made ahead of the current one: a year without its partition could not record anything. */
const YEARS_AHEAD = 2;

/** The current year (Berlin) and the next ones get their partition; a no-op before the audit migration. */
export async function addAuditPartitions(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ ready: boolean }>(
    `SELECT to_regproc('audit_add_partition') IS NOT NULL AS ready`,
  );
  if (!rows[0]?.ready) return;
  await client.query(
    `SELECT audit_add_partition(y)
       FROM generate_series(extract(year FROM now() AT TIME ZONE 'Europe/Berlin')::integer,
                            extract(year FROM now() AT TIME ZONE 'Europe/Berlin')::integer + $1::integer) AS y`,
    [YEARS_AHEAD],
  );
}

/**
 * What the app's role may do with the audit tables, after `GRANT … ON ALL TABLES` gave it rows everywhere:
 * events and the head only read (the chain trigger writes them, as their owner); pending events only
 * inserted; checkpoints read, and stored only through `audit_store_checkpoint` (which reads the hash itself);
 * the partitions themselves nothing (the parent checks access).
 */
export async function auditGrantStatements(client: pg.ClientBase, role: string): Promise<string[]> {
  const { rows } = await client.query<{ partition: string }>(
    `SELECT format('%I', c.relname) AS partition
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass('"AuditEvent"')`,
  );
  const { rows: ready } = await client.query<{ ready: boolean }>(
    `SELECT to_regclass('"AuditPending"') IS NOT NULL AS ready`,
  );
  if (!ready[0]?.ready) return [];
  const who = pg.escapeIdentifier(role);
  return [
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "AuditEvent", "AuditHead" FROM ${who}`,
    `REVOKE SELECT, UPDATE, DELETE, TRUNCATE ON "AuditPending" FROM ${who}`,
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "AuditCheckpoint" FROM ${who}`,
    `GRANT EXECUTE ON FUNCTION audit_store_checkpoint(bigint, bigint, bigint) TO ${who}`,
    ...rows.map((row) => `REVOKE ALL ON ${row.partition} FROM ${who}`),
  ];
}
