/**
 * `npm run worker`: works the job queues (delivery, ADR 0011) in a process of its own, for a production
 * where the servers run with `JOB_WORKER=off`. Any number may run, on any machine. Needs DATABASE_URL (the
 * app's own role) and the app's keys; `npm run db:migrate` must have run. SIGTERM or SIGINT: no new jobs,
 * the running ones finish or are released, then exit.
 *
 * Exit codes: 1 failed to start; after a signal, 128 + its number, as a shell reports it.
 */
import { env } from '@/lib/env';
import { onShutdown, runShutdownHooks } from '@/lib/process/shutdown';

import { allowServerOnlyModules } from './fill-server-only';

async function main(): Promise<number> {
  if (!env().DATABASE_URL) {
    console.error('npm run worker needs DATABASE_URL (the database the app serves).');
    return 1;
  }
  allowServerOnlyModules();
  // Imported after the line above: the handlers are the app's own server code.
  const { startWorker } = await import('@/lib/jobs/worker');
  const stop = await startWorker();
  onShutdown(stop);
  process.stdout.write('worker: working the job queues (stop with Ctrl-C or SIGTERM)\n');
  return new Promise(() => {
    // Runs until a signal: lib/process/shutdown stops the worker, then the process exits.
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`worker: ${error instanceof Error ? error.message : String(error)}`);
    await runShutdownHooks();
    process.exit(1);
  },
);
