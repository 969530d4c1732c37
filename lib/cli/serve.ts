/**
 * Launcher behind `npm run dev` (`serve.ts dev`) and `npm start` (`serve.ts start`): database, migrations,
 * seed, then Next.js as a child process. Plain tsx/node.
 *
 *   serve.ts dev|start [--port N] [--ephemeral [--pg-port N]]
 *
 * Database: DATABASE_URL when set; otherwise the durable embedded PostgreSQL in `${DATA_DIR}/postgres`
 * (EMBEDDED_PG_PORT). `--ephemeral` (Playwright's webServer): a throwaway, non-durable PostgreSQL in a
 * fresh temporary directory on --pg-port (default 54329), deleted on exit.
 *
 * Mail: SMTP_URL when set; otherwise (dev, --ephemeral) a local SMTP server that keeps the notification
 * e-mails (lib/mail/dev-server.ts). `npm start` requires SMTP_URL.
 *
 * Keep start-up fast: the target is the health endpoint answering within 60 s of `npm ci` on a fresh clone.
 * Budget today: initdb ≈ 1.5 s (first run only), PostgreSQL start ≈ 0.3 s, migrations ≈ 0.3 s, seed (kept
 * cheap and idempotent), then Next.js. Do not add steps here that download, build or wait on a timer.
 *
 * Shutdown (SIGINT, SIGTERM, SIGHUP, or Next exiting on its own): Next first (SIGTERM to its process group,
 * SIGKILL after 10 s), then PostgreSQL, then exit. npm scripts use `exec tsx …` so signals reach us.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres } from '@/lib/db/embedded-postgres';
import { applyMigrations, pendingMigrations } from '@/lib/db/migrate';
import { createEmbeddedRuntimeRole, roleOf, schemaPowers } from '@/lib/db/runtime-role';
import { localDevelopmentKeyring } from '@/lib/crypto/local-keyring';
import { adoptLocalKeyring, childProcessEnv, env, enterProductionMode, hasConfiguredKeyring } from '@/lib/env';
import { startMailCatcher } from '@/lib/mail/dev-server';
import { mailDirectory } from '@/lib/mail/dev-store';
import { isShuttingDown, onShutdown, runShutdownHooks } from '@/lib/process/shutdown';
import { elapsed, openConfiguredDatabase, type OpenDatabase } from './database';
import { heapFlags, nextArguments, nextEnvironmentDefaults } from './next-arguments';

const DEFAULT_EPHEMERAL_PG_PORT = 54329;
const DEFAULT_APP_URL = 'http://localhost:3000';

interface Options {
  mode: 'dev' | 'start';
  port: number;
  ephemeral: boolean;
  pgPort: number;
}

function parseArgs(argv: string[]): Options {
  const [mode, ...flags] = argv;
  if (mode !== 'dev' && mode !== 'start') throw new UsageError();
  const options: Options = { mode, port: env().PORT, ephemeral: false, pgPort: DEFAULT_EPHEMERAL_PG_PORT };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const value = () => {
      const n = Number(flags[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${flag} needs a port number`);
      return n;
    };
    if (flag === '--ephemeral') options.ephemeral = true;
    else if (flag === '--port') options.port = value();
    else if (flag === '--pg-port') options.pgPort = value();
    else throw new UsageError(`unknown option ${flag}`);
  }
  return options;
}

class UsageError extends Error {
  constructor(detail?: string) {
    super(`${detail ? `${detail}\n` : ''}Usage: tsx lib/cli/serve.ts dev|start [--port N] [--ephemeral [--pg-port N]]`);
  }
}

/** The project's own Node.js (package.json pins it; docs/decisions/0004-node-24-from-the-registry.md). */
const REQUIRED_NODE_MAJOR = 24;

async function main(): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < REQUIRED_NODE_MAJOR) {
    throw new Error(
      `This app runs on Node.js ${REQUIRED_NODE_MAJOR}, not ${process.version}. \`npm ci\` installs it into ` +
        'node_modules; start the app through `npm run dev` or `npm start`, which use it.',
    );
  }
  process.stdout.write(`Node.js ${process.version} (${process.execPath})\n`);
  // `next start` runs in production mode; the launcher checks the same configuration first, so a missing
  // secret stops the start instead of failing the first request. `--ephemeral` is the test harness (a
  // throwaway database with demo accounts), not a deployment.
  if (process.argv[2] === 'start' && !process.argv.includes('--ephemeral')) enterProductionMode();
  const options = parseArgs(process.argv.slice(2));
  const start = Date.now();
  if (options.mode === 'dev' && !options.ephemeral && !hasConfiguredKeyring()) {
    const { keyring, created } = localDevelopmentKeyring(env().DATA_DIR);
    adoptLocalKeyring(keyring);
    console.warn(
      `Development: ENCRYPTION_KEYS is not set, so referral data is encrypted with a key ${created ? 'just made' : 'made earlier'} ` +
        `on this machine (${env().DATA_DIR}/encryption-keys). Never for production, which refuses to start without ENCRYPTION_KEYS.`,
    );
  }

  // An embedded server registers its own stop with lib/process/shutdown, so a signal during any step below
  // still stops it; with DATABASE_URL there is nothing of ours to stop.
  const database: OpenDatabase = options.ephemeral
    ? await startThrowawayPostgres({ port: options.pgPort }).then((server) => ({
        url: server.url,
        description: `throwaway PostgreSQL (port ${server.port})`,
        embedded: true,
        stop: server.stop,
      }))
    : await openConfiguredDatabase();

  const appUrl = await prepareSchema(options, database);
  if (isShuttingDown()) return 130;

  // Development and throwaway test databases get reference and demo data on every start (the seed is
  // idempotent and cheap). A production database is never seeded implicitly: `npm run db:seed` loads the
  // reference data once, and never demo accounts under NODE_ENV=production.
  if (options.mode === 'dev' || options.ephemeral) {
    const { seed } = await import('@/prisma/seed');
    await seed(database.url, { demoAccounts: true });
    if (isShuttingDown()) return 130;
  }

  const mail = await localMailServer(options);
  if (isShuttingDown()) return 130;

  const next = startNext(options, appUrl, mail);
  const exited = new Promise<number>((resolve) => {
    next.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  // Registered after the database: shutdown hooks run newest first, so Next stops before PostgreSQL.
  onShutdown(() => stopProcessGroup(next, exited));
  // Last resort if we exit without the hooks: Next has its own process group, nothing else would end it.
  process.on('exit', () => {
    try {
      if (next.pid !== undefined) process.kill(-next.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  const url = `http://localhost:${options.port}`;
  void waitForPort(options.port, next).then((ready) => {
    if (ready)
      process.stdout.write(`▶ ${url} (next ${options.mode}, ${database.description}, ready in ${elapsed(start)})\n`);
  });

  // Next exiting on its own (crash, port in use) ends the launcher too, after stopping the database.
  const code = await exited;
  if (!isShuttingDown()) console.error(`Next.js exited (code ${code}).`);
  return code;
}

/** Checks (production) or brings up to date (development, tests) the schema; returns the app's connection. */
async function prepareSchema(options: Options, database: OpenDatabase): Promise<string> {
  // Production (`npm start` with a configured database) never changes the schema: `npm run db:migrate` is a
  // separate step with its own, more privileged connection, and the app's own role must not be able to.
  // Development and the test harness migrate here; on the embedded server as its superuser, giving Next a
  // role of its own without DDL rights, as in production.
  if (options.mode === 'start' && !options.ephemeral) {
    const pending = await pendingMigrations(database.url);
    if (pending.length) {
      throw new Error(
        `The database lacks ${pending.length} migration(s) (${pending.join(', ')}). Run \`npm run db:migrate\` ` +
          'first, with MIGRATION_DATABASE_URL set to a role that may change the schema (README, "Production").',
      );
    }
    const powers = await schemaPowers(database.url);
    if (powers) {
      throw new Error(
        `The role of DATABASE_URL (${roleOf(database.url)}) can change the schema: ${powers}. Give the app a role ` +
          'of its own that only works with rows, and migrate with MIGRATION_DATABASE_URL (README, "Production").',
      );
    }
    return database.url;
  }
  const appUrl = database.embedded ? await createEmbeddedRuntimeRole(database.url) : database.url;
  const migrationUrl = database.embedded ? database.url : (env().MIGRATION_DATABASE_URL ?? database.url);
  const runtimeRole = roleOf(appUrl) === roleOf(migrationUrl) ? undefined : roleOf(appUrl);
  const applied = await applyMigrations(migrationUrl, { runtimeRole });
  if (applied.length) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
  return appUrl;
}

/**
 * Development and the test harness without SMTP_URL: a mail server on this machine that keeps the notices
 * (lib/mail/dev-server.ts; `${DATA_DIR}/mail`, shown at /entwicklung/post; the harness's in a temporary
 * directory). Returns the settings for Next.js. Production (`npm start`) needs SMTP_URL and gets none.
 */
async function localMailServer(options: Options): Promise<Record<string, string>> {
  const config = env();
  if (config.SMTP_URL || (options.mode === 'start' && !options.ephemeral)) return {};
  const catcher = await startMailCatcher({ dir: options.ephemeral ? undefined : mailDirectory(config.DATA_DIR) });
  // Registered before Next's hook: stopped after Next, so no notice is cut off.
  onShutdown(catcher.stop);
  const shownDir = catcher.dir.startsWith(`${process.cwd()}${path.sep}`)
    ? path.relative(process.cwd(), catcher.dir)
    : catcher.dir;
  process.stdout.write(`Mail: local server ${catcher.url}, mails kept in ${shownDir}\n`);
  return { SMTP_URL: catcher.url, MAIL_FROM: config.MAIL_FROM };
}

function startNext(options: Options, databaseUrl: string, mail: Record<string, string>): ChildProcess {
  const require = createRequire(import.meta.url);
  const nextBin = require.resolve('next/dist/bin/next');
  const config = env();
  // next-auth builds callback URLs from APP_URL; follow --port unless APP_URL was configured explicitly.
  const appUrl =
    config.APP_URL === DEFAULT_APP_URL && options.port !== 3000 ? `http://localhost:${options.port}` : config.APP_URL;
  // Production runs Next.js behind our own HTTP server (lib/cli/next-server.ts, same command line), which
  // knows the client's socket address; development runs `next dev` itself.
  const args =
    options.mode === 'start'
      ? [
          ...heapFlags('start'),
          fileURLToPath(new URL('./next-server.ts', import.meta.url)),
          ...nextArguments('start', options.port, config.HOST),
          '--trusted-proxies',
          String(config.TRUSTED_PROXIES),
        ]
      : [nextBin, ...nextArguments('dev', options.port, config.HOST)];
  return spawn(process.execPath, args, {
    // No stdin: a process outside the terminal's foreground group must not read from it.
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      // Defaults first: a value from the environment wins (a stable Server Actions key for `next dev`).
      ...nextEnvironmentDefaults(options.mode),
      ...childProcessEnv({ DATABASE_URL: databaseUrl, PORT: String(options.port), APP_URL: appUrl, ...mail }),
    },
    // Own process group: we can signal Next and every worker it forks at once, and a terminal Ctrl-C
    // reaches us rather than Next, so we stop Next first and PostgreSQL after it.
    detached: true,
  });
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<number>): Promise<void> {
  if (child.pid === undefined) return;
  const group = -child.pid;
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(group, signal);
      return true;
    } catch {
      return false; // no process left in the group
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  if (!signalGroup('SIGTERM')) return;
  const leaderDone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  // Next's workers may outlive the leader for a moment; give them 3 s more, then make sure none is left.
  for (let waited = 0; leaderDone && waited < 3_000 && signalGroup(0); waited += 100) await sleep(100);
  if (signalGroup('SIGKILL')) await exited;
}

/** Resolves true once something accepts connections on the port, false if Next exited first. */
async function waitForPort(port: number, child: ChildProcess): Promise<boolean> {
  while (child.exitCode === null && child.signalCode === null) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: 'localhost' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

void main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  })
  .then(async (code) => {
    await runShutdownHooks();
    process.exit(code);
  });
