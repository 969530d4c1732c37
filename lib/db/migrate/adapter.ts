/**
 * The driver adapter the WebAssembly schema engine talks to PostgreSQL through: @prisma/adapter-pg with
 * three corrections, each for an observed failure (shared/TOOLCHAIN.md, "Prisma 7 offline"):
 *
 * 1. `"char"` columns. The engine's introspection selects PostgreSQL's internal one-byte `"char"` type
 *    (pg_class.relkind, pg_constraint.contype, …). adapter-pg cannot map OID 18 ("Column type 'char' could
 *    not be deserialized"), and the engine expects those columns as the Character column type. A pg Client
 *    subclass relabels them as text before adapter-pg looks, and remembers which columns they were.
 * 2. Scripts. adapter-pg's `executeScript` splits on every ";" (breaks function bodies and string literals)
 *    and runs the pieces outside a transaction. The native engine sends a migration as one simple-protocol
 *    query, which PostgreSQL runs atomically; we do the same.
 * 3. Shadow database. adapter-pg's helper loses the password when given a Pool, replays into the main
 *    database when given a connection string, and drops the database before closing its pool. Ours creates
 *    a uniquely named database, connects, and on dispose closes the pool first, then
 *    `DROP DATABASE … WITH (FORCE)`.
 *
 * Every pool uses `allowExitOnIdle` and is ended by `disposeAll()`, so a CLI exits as soon as it is done.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';

const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_COLUMNS = Symbol('charColumns');

type PgResult = pg.QueryResult & { rows: unknown[] & { [CHAR_COLUMNS]?: number[] } };

function relabelCharColumns(result: unknown): unknown {
  if (Array.isArray(result)) return result.map(relabelCharColumns); // multi-statement results
  const res = result as PgResult | undefined;
  if (!res?.fields) return result;
  const indices: number[] = [];
  res.fields.forEach((field, index) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID; // values are already plain strings: pg has no parser for "char"
      indices.push(index);
    }
  });
  // adapter-pg returns this same rows array in its result set, so the marker travels with it.
  if (indices.length > 0) Object.defineProperty(res.rows, CHAR_COLUMNS, { value: indices });
  return result;
}

/** pg.Client whose results never contain OID 18; used through pg.Pool's `Client` option. */
class CharRelabellingClient extends pg.Client {
  // pg's query() has many overloads (promise, callback, submittable); we only post-process results.
  override query(...args: unknown[]): never {
    const query = super.query as (...a: unknown[]) => unknown;
    const first = args[0] as { submit?: unknown } | undefined;
    if (first && typeof first.submit === 'function') return query.apply(this, args) as never;
    const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (error: unknown, result: unknown) => void;
      args[callbackIndex] = (error: unknown, result: unknown) =>
        callback(error, error ? result : relabelCharColumns(result));
      return query.apply(this, args) as never;
    }
    return (query.apply(this, args) as Promise<unknown>).then(relabelCharColumns) as never;
  }
}

function restoreCharColumnTypes(result: SqlResultSet): SqlResultSet {
  const indices = (result.rows as unknown[] & { [CHAR_COLUMNS]?: number[] })[CHAR_COLUMNS];
  for (const index of indices ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
  return result;
}

function toAdapterError(error: unknown): unknown {
  const e = error as Partial<pg.DatabaseError> | undefined;
  if (e && typeof e.code === 'string' && typeof e.severity === 'string') {
    return new DriverAdapterError({
      kind: 'postgres',
      code: e.code,
      severity: e.severity,
      message: e.message ?? '',
      detail: e.detail,
      column: e.column,
      hint: e.hint,
    });
  }
  return error;
}

export interface ConnectionParams {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: pg.PoolConfig['ssl'];
}

/** Split a postgres:// URL into separate fields (see point 3 above for why not pass the string on). */
export function parseDatabaseUrl(url: string): ConnectionParams {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('DATABASE_URL must be a postgresql:// URL');
  const sslmode = parsed.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    // The engine only reaches local or private databases here; honour an explicit sslmode anyway.
    ssl: sslmode && sslmode !== 'disable' ? { rejectUnauthorized: sslmode === 'verify-full' } : undefined,
  };
}

function poolConfig(params: ConnectionParams): pg.PoolConfig {
  return {
    ...params,
    Client: CharRelabellingClient as unknown as typeof pg.Client,
    allowExitOnIdle: true,
    max: 4,
    application_name: 'prisma-migrate-wasm',
  };
}

/** Wraps one adapter-pg adapter with the corrections above. `onDispose` runs after the pool is closed. */
function correctAdapter(inner: SqlDriverAdapter, pool: pg.Pool, onDispose?: () => Promise<void>): SqlDriverAdapter {
  let disposed: Promise<void> | undefined;
  const wrapTransaction = (tx: Transaction): Transaction => ({
    adapterName: tx.adapterName,
    provider: tx.provider,
    options: tx.options,
    queryRaw: async (query: SqlQuery) => restoreCharColumnTypes(await tx.queryRaw(query)),
    executeRaw: (query: SqlQuery) => tx.executeRaw(query),
    commit: () => tx.commit(),
    rollback: () => tx.rollback(),
    createSavepoint: tx.createSavepoint?.bind(tx),
    rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
    releaseSavepoint: tx.releaseSavepoint?.bind(tx),
  });
  return {
    adapterName: inner.adapterName,
    provider: inner.provider,
    queryRaw: async (query) => restoreCharColumnTypes(await inner.queryRaw(query)),
    executeRaw: (query) => inner.executeRaw(query),
    executeScript: async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    startTransaction: async (isolationLevel) => wrapTransaction(await inner.startTransaction(isolationLevel)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => {
      disposed ??= (async () => {
        await inner.dispose();
        await onDispose?.();
      })();
      return disposed;
    },
  };
}

export interface MigrationAdapter {
  factory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory;
  /** Ends every pool and drops every shadow database this factory created. Idempotent. */
  disposeAll: () => Promise<void>;
}

export function createMigrationAdapter(databaseUrl: string): MigrationAdapter {
  const main = parseDatabaseUrl(databaseUrl);
  const open = new Set<SqlDriverAdapter>();

  const connectTo = async (params: ConnectionParams, onDispose?: () => Promise<void>) => {
    const pool = new pg.Pool(poolConfig(params));
    // adapter-pg never ends an external pool itself: the dispose below does.
    const inner = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const adapter = correctAdapter(inner, pool, onDispose);
    const dispose = adapter.dispose;
    adapter.dispose = async () => {
      open.delete(adapter);
      await dispose();
    };
    open.add(adapter);
    return adapter;
  };

  /** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run elsewhere). */
  const admin = async (sql: string) => {
    const client = new pg.Client({ ...main, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(main),
    connectToShadowDb: async () => {
      const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
      const quoted = pg.escapeIdentifier(database);
      await admin(`CREATE DATABASE ${quoted}`);
      try {
        return await connectTo({ ...main, database }, () => admin(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`));
      } catch (error) {
        await admin(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
        throw error;
      }
    },
  };

  return {
    factory: bindMigrationAwareSqlAdapterFactory(factory),
    disposeAll: async () => {
      for (const adapter of [...open]) await adapter.dispose();
    },
  };
}
