/**
 * Which database the CLIs work on: DATABASE_URL when set, otherwise the durable development PostgreSQL in
 * `${DATA_DIR}/postgres` on EMBEDDED_PG_PORT (started here and stopped by the caller, or shared when another
 * command already runs it). Plain tsx/node module.
 */
import path from 'node:path';
import { embeddedPostgresUrl, runningEmbeddedPostgres, startEmbeddedPostgres } from '@/lib/db/embedded-postgres';
import { env } from '@/lib/env';

export interface OpenDatabase {
  url: string;
  /** For messages; never contains a password. */
  description: string;
  /** An embedded server started (or found running) here, rather than a configured one. */
  embedded: boolean;
  stop: () => Promise<void>;
}

/**
 * `runtime`: the app's own connection (DATABASE_URL). `migration`: the one that may change the schema
 * (MIGRATION_DATABASE_URL, else DATABASE_URL). On the embedded server both are its superuser; the launcher
 * gives the app a role of its own there (lib/db/runtime-role.ts).
 */
export async function openConfiguredDatabase(purpose: 'runtime' | 'migration' = 'runtime'): Promise<OpenDatabase> {
  const config = env();
  const [name, configured] =
    purpose === 'migration' && config.MIGRATION_DATABASE_URL
      ? ['MIGRATION_DATABASE_URL', config.MIGRATION_DATABASE_URL]
      : ['DATABASE_URL', config.DATABASE_URL];
  if (configured) {
    const { hostname, port, pathname, username } = new URL(configured);
    return {
      url: configured,
      description: `${name} (${username ? `${decodeURIComponent(username)}@` : ''}${hostname}${port ? `:${port}` : ''}${pathname})`,
      embedded: false,
      stop: async () => {},
    };
  }
  const dataDir = path.resolve(config.DATA_DIR, 'postgres');
  const shownDir = path.relative(process.cwd(), dataDir) || dataDir;
  // `npm run db:migration` while `npm run dev` runs: use that server, leave stopping it to its owner.
  const running = runningEmbeddedPostgres(dataDir);
  if (running) {
    return {
      url: embeddedPostgresUrl(running.port),
      description: `embedded PostgreSQL (${shownDir}, port ${running.port}, already running)`,
      embedded: true,
      stop: async () => {},
    };
  }
  const server = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, durable: true });
  return {
    url: server.url,
    description: `embedded PostgreSQL (${shownDir}, port ${server.port})`,
    embedded: true,
    stop: server.stop,
  };
}

/** Milliseconds since `start`, for short progress messages. */
export function elapsed(start: number): string {
  const ms = Date.now() - start;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
