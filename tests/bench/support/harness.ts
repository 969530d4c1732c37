/**
 * What every benchmark shares: a production build, a durable embedded PostgreSQL it creates and removes,
 * the real launcher (`serve.ts start`, or `serve.ts dev`) against it, stopped even when the benchmark fails
 * or is interrupted, resident-memory sampling and the output format (a readable table, then one
 * `key=value` line that scripts parse). Benchmarks talk to 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from '@/lib/db/embedded-postgres';
import { applyMigrations } from '@/lib/db/migrate';
import { createEmbeddedRuntimeRole, roleOf } from '@/lib/db/runtime-role';
import { onShutdown } from '@/lib/process/shutdown';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const NEXT_DIR = path.join(ROOT, '.next');

/** A secret for the benchmark's production server only; never a deployment's. */
export const BENCH_AUTH_SECRET = `bench-${randomBytes(24).toString('base64url')}-not-for-production-use`;
const BENCH_HASH_SECRET = `bench-${randomBytes(24).toString('base64url')}-not-for-production-use`;
const BENCH_ENCRYPTION_KEYS = `bench:${randomBytes(32).toString('base64')}`;

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `next build`, unless `--skip-build` says the existing build is current. */
export function ensureBuild(argv: readonly string[]): void {
  if (argv.includes('--skip-build') && fs.existsSync(path.join(NEXT_DIR, 'BUILD_ID'))) {
    log('Using the existing production build (.next).');
    return;
  }
  log('Building for production (next build) …');
  const started = Date.now();
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('next build failed');
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

export interface BenchDatabase {
  /** The app's own role (rows only), as in production; `npm start` refuses anything more powerful. */
  url: string;
  /** The server's superuser: for what a deployment does with its migrating role (bulk fills, VACUUM). */
  adminUrl: string;
  server: EmbeddedPostgres;
  stop: () => Promise<void>;
}

/**
 * A durable (fsync on) embedded PostgreSQL in a fresh directory, migrated as its superuser, used as the app's
 * own role; removed on stop. With `keepIn`, the database lives in that directory and stays after stop, so a
 * benchmark that needs a large fill can reuse it in its next run (pending migrations are applied each time).
 */
export async function startBenchDatabase(options: { keepIn?: string } = {}): Promise<BenchDatabase> {
  const dataDir = options.keepIn ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-pg-')));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await findFreePort(),
    durable: true,
    removeDataDirOnStop: options.keepIn === undefined,
  });
  const url = await createEmbeddedRuntimeRole(server.url);
  await applyMigrations(server.url, { runtimeRole: roleOf(url) });
  return { url, adminUrl: server.url, server, stop: server.stop };
}

export interface RunningApp {
  baseUrl: string;
  /** The launcher's process; the Next.js server runs in its own process group below it. */
  launcher: ChildProcess;
  stop: () => Promise<void>;
}

/** `npm start`'s launcher on a free port against `databaseUrl`, ready once /api/health answers 200. */
export async function startApp(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const launcher = spawnLauncher('start', port, productionEnv(databaseUrl, baseUrl, extraEnv));
  try {
    await waitForHealth(baseUrl, 120_000, launcher.child);
  } catch (error) {
    await launcher.stop();
    throw error;
  }
  return { baseUrl, launcher: launcher.child, stop: launcher.stop };
}

/** The environment `npm start` needs in production, with the benchmark's own secret. */
export function productionEnv(
  databaseUrl: string,
  baseUrl: string,
  extraEnv: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: BENCH_AUTH_SECRET,
    HASH_SECRET: BENCH_HASH_SECRET,
    ENCRYPTION_KEYS: BENCH_ENCRYPTION_KEYS,
    APP_URL: baseUrl,
    // No benchmark approves a referral, so none sends a notification e-mail; one that did would fail on this
    // closed port rather than reach an outside server.
    SMTP_URL: 'smtp://127.0.0.1:9',
    MAIL_FROM: 'no-reply@bench.invalid',
    ...extraEnv,
  };
}

/**
 * The app's own settings (lib/env.ts) that may be set in the shell the benchmark runs in. A launcher gets
 * exactly the ones the benchmark passes: a developer's DATABASE_URL or NODE_ENV must not decide which
 * database a benchmark writes to, or whether `next dev` runs in production mode.
 */
const APP_SETTINGS = [
  'NODE_ENV',
  'DATABASE_URL',
  'DATA_DIR',
  'EMBEDDED_PG_PORT',
  'AUTH_SECRET',
  'HASH_SECRET',
  'ENCRYPTION_KEYS',
  'APP_URL',
  'PORT',
  'SMTP_URL',
  'MAIL_FROM',
];

export interface Launcher {
  child: ChildProcess;
  /** SIGTERM, then waits until the launcher has exited (it stops Next.js and its own PostgreSQL first). */
  stop: () => Promise<void>;
}

/**
 * `serve.ts dev|start` (what `npm run dev` and `npm start` exec) on `port`, through tsx directly: npm would
 * only add its own start-up and a process between us and the launcher's signal handling. Its standard
 * output (Next's banner, request log) is dropped so the benchmark's stdout stays parseable; errors show.
 * A Ctrl-C of the benchmark stops it too (shutdown hook), newest first, so before the database.
 */
export function spawnLauncher(mode: 'dev' | 'start', port: number, env: Record<string, string>): Launcher {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !APP_SETTINGS.includes(key)));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['lib/cli/serve.ts', mode, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    // Next's types declare NODE_ENV as always present; for `dev` it is deliberately absent (Next sets it).
    env: { ...inherited, ...env } as NodeJS.ProcessEnv,
  });
  return { child, stop: stoppable(child) };
}

/**
 * Stops `child` with SIGTERM and waits for its exit, escalating to SIGKILL after `graceMs`. The launcher
 * itself needs up to 13 s for Next.js and 20 s for PostgreSQL in the worst case, hence the default. The
 * returned stop is also registered as a shutdown hook and is safe to call more than once.
 */
export function stoppable(child: ChildProcess, graceMs = 45_000): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(timer);
      if (!done && child.pid !== undefined) {
        // Its children too: Next.js runs in a process group of its own and would outlive a killed launcher.
        log(`process ${child.pid} did not exit within ${graceMs / 1000} s of SIGTERM; killing it and its children`);
        for (const pid of [...descendants(child.pid), child.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await exited;
      }
      unregister();
    })();
    return stopping;
  };
  const unregister = onShutdown(stop);
  return stop;
}

/** Polls /api/health every 50 ms until it answers 200; throws when the process exits or time runs out. */
export async function waitForHealth(baseUrl: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the app exited (code ${child.exitCode}) before it was healthy`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${baseUrl}/api/health did not answer 200 within ${timeoutMs / 1000} s`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every process below `pid` (children, grandchildren …), from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function residentMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the resident memory of the app server every 200 ms: the Next.js server process(es) the launcher
 * started and everything they forked, summed. The launcher itself (tsx) is not part of the server.
 */
export function sampleServerMemory(launcher: ChildProcess): { peakMb: () => number; stop: () => void } {
  let peak = 0;
  const current = () => {
    if (launcher.pid === undefined) return 0;
    // `npm start` runs lib/cli/next-server.ts; `next dev` runs next's bin, which renames its process
    // ("next-server (v16…)"), rewriting its command line.
    const servers = descendants(launcher.pid).filter((pid) =>
      /next\/dist\/bin\/next|^next-server|lib\/cli\/next-server\.ts/.test(commandLine(pid)),
    );
    const all = new Set(servers.flatMap((pid) => [pid, ...descendants(pid)]));
    return [...all].reduce((sum, pid) => sum + residentMb(pid), 0);
  };
  const timer = setInterval(() => {
    peak = Math.max(peak, current());
  }, 200);
  return { peakMb: () => Math.max(peak, current()), stop: () => clearInterval(timer) };
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The q-quantile (0..1) of unsorted samples, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** A readable table on standard output: one row per measured thing. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const width = (c: string) => Math.max(c.length, ...rows.map((row) => String(row[c] ?? '').length));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width(columns[i]!))).join('  ');
  process.stdout.write(`\n${title}\n${line(columns)}\n${line(columns.map((c) => '-'.repeat(width(c))))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => String(row[c] ?? '')))}\n`);
}

/** The closing `key=value` line every benchmark ends with. */
export function printKeyValues(values: Record<string, string | number>): void {
  process.stdout.write(
    `\n${Object.entries(values)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}\n`,
  );
}

export function machineDescription(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
}
