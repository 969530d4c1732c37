/**
 * Prisma migrations without Prisma's native schema engine (which cannot be downloaded offline): the same
 * engine compiled to WebAssembly, reached through a driver adapter. Migrations stay plain Prisma migrations
 * (`prisma/migrations/<timestamp>_<name>/migration.sql`, the `_prisma_migrations` table, sha256 checksums),
 * so `prisma migrate deploy` does the same wherever the native engine is available.
 * docs/decisions/0001-offline-migrations.md explains the choice; adapter.ts and wasm-engine.ts the pitfalls.
 *
 * Runs under plain tsx/node (CLI, Vitest global setup), so no `server-only` here.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList, SchemaFilter, SchemasContainer } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { installJobQueues } from '../../jobs/queues';
import { addAuditPartitions } from '../../audit/storage';
import { grantOn } from '../runtime-role';
import { createMigrationAdapter } from './adapter';
export { migrationChecksum } from './checksum';
import { lastPanicMessage, loadSchemaEngine, type SchemaEngine } from './wasm-engine';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_SCHEMA_PATH = path.join(REPO_ROOT, 'prisma', 'schema.prisma');
export const DEFAULT_MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');

/** Where schema and migrations live; tests point these at temporary copies. */
export interface MigrationPaths {
  schemaPath?: string;
  migrationsDir?: string;
}

// The engine requires the filter on every call (it mirrors prisma.config.ts `tables.external`); we manage
// every table in the database.
const FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

const LOCKFILE_NAME = 'migration_lock.toml';

/**
 * Applies pending migrations in name order, like `prisma migrate deploy`: each runs once, is recorded in
 * `_prisma_migrations` with its sha256 checksum, and an edited or failed migration stops the run.
 * Returns the names applied (empty when up to date).
 */
export async function applyMigrations(
  databaseUrl: string,
  options: MigrationPaths & { runtimeRole?: string } = {},
): Promise<string[]> {
  const migrationsList = await readMigrationsList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withMigrationLock(databaseUrl, async (client) => {
    const applied = await withEngine(databaseUrl, undefined, async (engine) => {
      const result = await engine.applyMigrations({ migrationsList, filters: FILTERS });
      return result.appliedMigrationNames;
    });
    // The job queues' own schema (pg-boss, ADR 0011), installed and migrated by the same owner.
    await installJobQueues(databaseUrl);
    // The audit trail's partitions for this year and the next (ADR 0012).
    await addAuditPartitions(client);
    // Inside the lock: concurrent GRANTs on one table fail ("tuple concurrently updated").
    if (options.runtimeRole) await grantOn(client, options.runtimeRole);
    return applied;
  });
}

/**
 * The names of the migrations not yet applied to the database (all of them for an empty one). Reads only
 * the migration history, so the app's own role can ask: `npm start` refuses to serve a database that
 * `npm run db:migrate` has not brought up to date.
 */
export async function pendingMigrations(databaseUrl: string, paths: MigrationPaths = {}): Promise<string[]> {
  const migrationsList = await readMigrationsList(paths.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client
      .query<{ name: string }>(
        `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      )
      .catch((error: { code?: string }) => {
        if (error.code === '42P01') return { rows: [] }; // no history table: nothing applied yet
        throw error;
      });
    const applied = new Set(rows.map((row) => row.name));
    return migrationsList.migrationDirectories.map((d) => d.path).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/**
 * Our advisory lock around a whole migration run, so that two instances or two operators never migrate at
 * once: the second waits and then finds nothing left to do. (The schema engine takes its own lock, key
 * 72707369, inside each call; ours does not rely on that and covers the run as a whole.) Held by a session
 * of its own and released when that session ends, also if this process dies.
 */
export const MIGRATION_LOCK_KEY = '7236661001';

async function withMigrationLock<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'vermittlung-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface CreateMigrationOptions extends MigrationPaths {
  /** Data-loss warnings for the new migration (dropped columns, new unique constraints, …). */
  onWarning?: (message: string) => void;
}

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL that takes the migration history to
 * schema.prisma, like `prisma migrate dev --create-only`. Returns the new folder, or null when the schema
 * already matches the migrations.
 *
 * Pending migrations are applied to the development database first (the engine checks its history), but
 * the new migration is NOT applied: it can still be reviewed and edited (an edited, applied migration would
 * count as drift). `npm run db:migrate` or `npm run dev` applies it.
 */
export async function createMigration(
  databaseUrl: string,
  name: string,
  options: CreateMigrationOptions = {},
): Promise<string | null> {
  const migrationName = normaliseMigrationName(name);
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const schema = await readSchema(options.schemaPath ?? DEFAULT_SCHEMA_PATH);

  return withMigrationLock(databaseUrl, () =>
    withEngine(databaseUrl, schema, async (engine) => {
      const migrationsList = await readMigrationsList(migrationsDir);
      // Bring the development database up to the history first, like `migrate dev` does; an edited or
      // diverged history shows up in the diagnostic below.
      await engine.applyMigrations({ migrationsList, filters: FILTERS });
      // Besides telling whether the database drifted, devDiagnostic sets up the engine's shadow-database
      // handling for the calls that follow: without it (or with applyMigrations in between) createMigration
      // fails with "shadow DB must be provided through an external factory".
      const diagnostic = await engine.devDiagnostic({ migrationsList, filters: FILTERS });
      if (diagnostic.action.tag === 'reset') {
        throw new Error(
          `The development database does not match the migration history: ${diagnostic.action.reason}\n` +
            'Nothing was written. Reset the development database (delete its data directory) and retry.',
        );
      }

      if (options.onWarning) {
        const loss = await engine.evaluateDataLoss({ migrationsList, schema, filters: FILTERS });
        for (const item of [...loss.warnings, ...loss.unexecutableSteps]) options.onWarning(item.message);
      }

      const created = await engine.createMigration({
        draft: false,
        migrationName,
        migrationsList,
        schema,
        filters: FILTERS,
      });
      if (created.migrationScript === null) return null;

      // Same files the Prisma CLI writes: the folder, migration.<ext>, and the lock file naming the provider.
      const folder = path.join(migrationsDir, created.generatedMigrationName);
      await fs.mkdir(migrationsDir, { recursive: true });
      await fs.mkdir(folder); // fails if it exists: never overwrite a migration
      await fs.writeFile(path.join(folder, `migration.${created.extension}`), created.migrationScript, 'utf8');
      await writeLockfile(migrationsDir, created.connectorType);
      return folder;
    }),
  );
}

/**
 * SQL that would take a database built from the migrations to the state schema.prisma describes; empty
 * when they agree. The migrations are replayed into a temporary shadow database on the server behind
 * `databaseUrl` (created and dropped here); the database named in the URL is not touched.
 */
export async function diffSchemaAgainstMigrations(databaseUrl: string, paths: MigrationPaths = {}): Promise<string> {
  const migrationsList = await readMigrationsList(paths.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schema = await readSchema(paths.schemaPath ?? DEFAULT_SCHEMA_PATH);
  return withEngine(databaseUrl, schema, async (engine) => {
    const result = await engine.diff({
      // Without any migration there is no lock file to tell the engine the connector: start from nothing.
      from:
        migrationsList.migrationDirectories.length > 0 ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: null,
      filters: FILTERS,
    });
    return isEffectivelyEmpty(result.stdout ?? '') ? '' : (result.stdout ?? '');
  });
}

// ---------------------------------------------------------------------------------------------------------

async function withEngine<T>(
  databaseUrl: string,
  schema: SchemasContainer | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const adapter = createMigrationAdapter(databaseUrl);
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngineClass.new(
      { datamodels: schema?.files.map((file) => [file.path, file.content] as [string, string]) },
      () => {}, // engine trace logs; nothing we need to show
      adapter.factory,
    );
    return await work(engine);
  } catch (error) {
    throw readableEngineError(error);
  } finally {
    engine?.free();
    await adapter.disposeAll();
  }
}

/**
 * Engine errors are Errors (SchemaConnectorError) or objects with a Prisma error code (P3xxx); both carry a
 * Rust span trace ("   0: sql_schema_connector::…") that means nothing to a developer. Panics arrive as a
 * bare RuntimeError whose message is in the panic registry.
 */
function readableEngineError(error: unknown): Error {
  if (error instanceof Error && error.name === 'RuntimeError') {
    return new Error(`Schema engine panic: ${lastPanicMessage() ?? error.message}`, { cause: error });
  }
  const e = error as { message?: unknown; code?: unknown } | undefined;
  const raw = typeof e?.message === 'string' ? e.message : String(error);
  const message = raw.split(/\n\s+0: \w+::/)[0]?.trimEnd() || raw;
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return new Error(`${code}${message}`, { cause: error });
}

async function readSchema(schemaPath: string): Promise<SchemasContainer> {
  const content = await fs.readFile(schemaPath, 'utf8');
  return { files: [{ path: schemaPath, content }] };
}

/** The migrations folder as the Prisma CLI hands it to the engine: every sub-folder, sorted by name. */
async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockfileContent = await fs.readFile(path.join(baseDir, LOCKFILE_NAME), 'utf8').catch(() => null);
  const entries = await fs.readdir(baseDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const content = await fs
          .readFile(path.join(baseDir, entry.name, 'migration.sql'), 'utf8')
          .then((value) => ({ tag: 'ok' as const, value }))
          .catch((error: Error) => ({ tag: 'error' as const, value: error.message }));
        return { path: entry.name, migrationFile: { path: 'migration.sql', content } };
      }),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: LOCKFILE_NAME, content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

async function writeLockfile(migrationsDir: string, provider: string): Promise<void> {
  const content =
    '# Please do not edit this file manually\n' +
    '# It should be added in your version-control system (e.g., Git)\n' +
    `provider = "${provider}"\n`;
  await fs.writeFile(path.join(migrationsDir, LOCKFILE_NAME), content, 'utf8');
}

/** "Add referral status" → "add_referral_status"; the folder name must stay a plain identifier. */
export function normaliseMigrationName(name: string): string {
  const normalised = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!normalised) throw new Error('Migration name must contain letters or digits, e.g. "add_referral_notes".');
  return normalised.slice(0, 200);
}

/** The engine prints "-- This is an empty migration." when nothing differs. */
function isEffectivelyEmpty(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
