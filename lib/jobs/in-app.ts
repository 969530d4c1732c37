import 'server-only';

import { env } from '@/lib/env';
import { startWorker } from '@/lib/jobs/worker';
import { logUnexpectedError } from '@/lib/log';

/**
 * Steps the server process runs before it exits on SIGTERM (lib/cli/next-server.ts). On globalThis: the
 * server and this bundled module do not share module instances.
 */
const BEFORE_EXIT = Symbol.for('vermittlung.beforeExit');
type BeforeExit = { [BEFORE_EXIT]?: (() => Promise<void>)[] };

/**
 * The worker inside the server process (`JOB_WORKER=in-app`, the default; ADR 0011), started without
 * holding up the server's start, stopped gracefully before the server exits. A failure to start is logged
 * and leaves the server running: approvals still commit their jobs, which wait for a worker.
 */
export function startInAppWorker(): void {
  if (env().JOB_WORKER !== 'in-app' || !env().DATABASE_URL) return;
  startWorker().then(
    (stop) => {
      const registry = globalThis as BeforeExit;
      (registry[BEFORE_EXIT] ??= []).push(stop);
    },
    (error: unknown) => logUnexpectedError('jobs-worker-start', error),
  );
}
