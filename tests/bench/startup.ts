/**
 * `npm run bench -- startup`: seconds from spawning the launcher until GET /api/health answers 200 (polled
 * every 50 ms), for
 *   - the first `npm run dev` on an empty data directory (initdb, migrations, seed with demo accounts,
 *     `next dev` compiling the health route) – target ≤ 15 s;
 *   - `npm run dev` again on the same data directory, median of 3 – target ≤ 5 s;
 *   - `npm start` on the production build against a running PostgreSQL, median of 3 – target ≤ 5 s.
 * Baseline in the same run: a bare `node -e` HTTP server started and polled the same way, i.e. what merely
 * starting a Node.js process and noticing it listens costs on this machine.
 */
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createPrismaClient } from '@/lib/db/client';
import { findFreePort } from '@/lib/db/embedded-postgres';
import { onShutdown } from '@/lib/process/shutdown';
import { seedReferenceData } from '@/prisma/factories';

import type { Benchmark } from './support/benchmark';
import {
  ensureBuild,
  type Launcher,
  log,
  printKeyValues,
  printTable,
  productionEnv,
  quantile,
  ROOT,
  spawnLauncher,
  startBenchDatabase,
  stoppable,
  waitForHealth,
} from './support/harness';

const WARM_RUNS = 3;
/** Generous: a first `next dev` compiles on 2 shared cores; a hang still ends the benchmark. */
const TIMEOUT_MS = 180_000;

const TARGETS = { firstRun: 15, devWarm: 5, startWarm: 5 };

/**
 * Spawns what `start(port)` starts on a fresh free port and returns the seconds until /api/health answers
 * 200; the process is stopped (and has exited) before this returns, whether it became healthy or not.
 * The free port is found before the clock starts: probing it is the benchmark's cost, not the app's.
 */
async function secondsUntilHealthy(label: string, start: (port: number) => Launcher): Promise<number> {
  const port = await findFreePort();
  const started = performance.now();
  const launched = start(port);
  try {
    await waitForHealth(`http://127.0.0.1:${port}`, TIMEOUT_MS, launched.child);
    const seconds = (performance.now() - started) / 1000;
    log(`  ${label}: ${seconds.toFixed(2)} s`);
    return seconds;
  } finally {
    await launched.stop();
  }
}

async function repeat(times: number, measure: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await measure());
  return samples;
}

/** The bare Node.js server of the baseline: no framework, no database, no TypeScript loader. */
function bareNodeServer(port: number): Launcher {
  const child = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${port})`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, stop: stoppable(child) };
}

/** `npm run dev` on its own embedded PostgreSQL in `dataDir`, on a free PostgreSQL port. */
async function devServer(dataDir: string): Promise<(port: number) => Launcher> {
  const pgPort = await findFreePort();
  return (port) => spawnLauncher('dev', port, { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) });
}

async function measureDev(): Promise<{ firstRun: number; warm: number[] }> {
  // The embedded PostgreSQL runs as the `postgres` user when we are root and must be able to enter the
  // data directory's parent; mkdtemp creates it 0700. Traversal only (0711), no listing.
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-startup-'));
  await fsp.chmod(dataDir, 0o711);
  // On Ctrl-C the finally below never runs; registered first, this hook runs after the launchers stopped.
  const removeDataDir = () => fsp.rm(dataDir, { recursive: true, force: true });
  const unregister = onShutdown(removeDataDir);
  try {
    // A fresh clone has no `next dev` cache either: without this, the first run would compile from a
    // Turbopack cache left by an earlier `npm run dev` in this checkout and look faster than it is.
    await fsp.rm(path.join(ROOT, '.next/dev'), { recursive: true, force: true });
    log('First npm run dev on an empty data directory …');
    const firstRun = await secondsUntilHealthy('first run', await devServer(dataDir));
    log(`npm run dev again on the same data directory, ${WARM_RUNS} times …`);
    const warm = await repeat(WARM_RUNS, async () => secondsUntilHealthy('dev warm', await devServer(dataDir)));
    return { firstRun, warm };
  } finally {
    unregister();
    await removeDataDir();
  }
}

async function measureStart(): Promise<number[]> {
  const database = await startBenchDatabase();
  try {
    // `npm start` never seeds by itself; a production database has its reference data loaded once.
    const prisma = createPrismaClient(database.url);
    try {
      await seedReferenceData(prisma);
    } finally {
      await prisma.$disconnect();
    }
    log(`npm start on the production build, ${WARM_RUNS} times …`);
    return await repeat(WARM_RUNS, () =>
      secondsUntilHealthy('start warm', (port) =>
        spawnLauncher('start', port, productionEnv(database.url, `http://127.0.0.1:${port}`)),
      ),
    );
  } finally {
    await database.stop();
  }
}

async function run(argv: readonly string[]): Promise<void> {
  // Built first, so that no build runs while anything is timed.
  ensureBuild(argv);
  log(`Baseline: a bare node HTTP server, ${WARM_RUNS} times …`);
  const baseline = await repeat(WARM_RUNS, () => secondsUntilHealthy('node baseline', bareNodeServer));
  const dev = await measureDev();
  const start = await measureStart();

  const median = (samples: readonly number[]) => quantile(samples, 0.5);
  const runs = (samples: readonly number[]) => samples.map((s) => s.toFixed(1)).join(', ');
  const status = (seconds: number, target: number) => (seconds <= target ? 'ok' : 'OVER');
  const devWarm = median(dev.warm);
  const startWarm = median(start);
  printTable('Start-up: spawn until GET /api/health answers 200 (polled every 50 ms)', [
    {
      what: 'first run: npm run dev, empty DATA_DIR, no .next/dev cache',
      seconds: dev.firstRun.toFixed(1),
      runs: runs([dev.firstRun]),
      target: `≤ ${TARGETS.firstRun} s`,
      status: status(dev.firstRun, TARGETS.firstRun),
    },
    {
      what: `dev warm: npm run dev on the same DATA_DIR (median of ${WARM_RUNS})`,
      seconds: devWarm.toFixed(1),
      runs: runs(dev.warm),
      target: `≤ ${TARGETS.devWarm} s`,
      status: status(devWarm, TARGETS.devWarm),
    },
    {
      what: `start warm: npm start, production build (median of ${WARM_RUNS})`,
      seconds: startWarm.toFixed(1),
      runs: runs(start),
      target: `≤ ${TARGETS.startWarm} s`,
      status: status(startWarm, TARGETS.startWarm),
    },
    {
      what: `baseline: bare node -e http server (median of ${WARM_RUNS})`,
      seconds: median(baseline).toFixed(2),
      runs: baseline.map((s) => s.toFixed(2)).join(', '),
      target: '',
      status: '',
    },
  ]);
  printKeyValues({
    dev_warm_s: devWarm.toFixed(1),
    start_warm_s: startWarm.toFixed(1),
    first_run_s: dev.firstRun.toFixed(1),
    node_baseline_s: median(baseline).toFixed(2),
  });
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'seconds until /api/health answers: first and warm npm run dev, warm npm start, beside bare node',
  run,
};
