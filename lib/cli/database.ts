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
  stop: () => Promise<void>;
}

export async function openConfiguredDatabase(): Promise<OpenDatabase> {
  const config = env();
  if (config.DATABASE_URL) {
    const { hostname, port, pathname } = new URL(config.DATABASE_URL);
    return {
      url: config.DATABASE_URL,
      description: `DATABASE_URL (${hostname}${port ? `:${port}` : ''}${pathname})`,
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
      stop: async () => {},
    };
  }
  const server = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, durable: true });
  return {
    url: server.url,
    description: `embedded PostgreSQL (${shownDir}, port ${server.port})`,
    stop: server.stop,
  };
}

/** Milliseconds since `start`, for short progress messages. */
export function elapsed(start: number): string {
  const ms = Date.now() - start;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
