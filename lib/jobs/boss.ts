import 'server-only';

import { fromPrisma, PgBoss, type ConstructorOptions } from 'pg-boss';

import type { Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { JOB_SCHEMA, type QUEUES } from '@/lib/jobs/queues';
import { logUnexpectedError } from '@/lib/log';

type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

const globalForJobs = globalThis as unknown as { jobSender?: Promise<PgBoss> };

/**
 * A pg-boss of the app: its own role, rows only (`migrate: false`: `npm run db:migrate` installs and
 * migrates the schema, ADR 0011), errors logged without their text. Not started.
 */
export function appBoss(name: string, options: Omit<ConstructorOptions, 'connectionString'>): PgBoss {
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (start the app with `npm run dev` or `npm start`).');
  const boss = new PgBoss({
    ...options,
    connectionString: url,
    schema: JOB_SCHEMA,
    migrate: false,
    createSchema: false,
  });
  boss.on('error', (error) => logUnexpectedError(name, error));
  return boss;
}

/**
 * The app's pg-boss for sending jobs: no background work (the worker has its own instance), started on
 * first use and kept on globalThis like the Prisma client.
 */
function sender(): Promise<PgBoss> {
  if (!globalForJobs.jobSender) {
    const boss = appBoss('jobs', { max: 2, supervise: false, schedule: false, registerInstance: false });
    globalForJobs.jobSender = boss.start().then(
      () => boss,
      (error: unknown) => {
        globalForJobs.jobSender = undefined;
        throw error;
      },
    );
  }
  return globalForJobs.jobSender;
}

/**
 * Sends a job inside the caller's transaction (the transactional outbox): it exists exactly when the
 * transaction commits. `data` holds ids only, never personal data (jobs are stored in clear).
 */
export async function sendInTransaction(
  tx: Tx,
  queue: QueueName,
  data: Record<string, string | boolean>,
): Promise<void> {
  const boss = await sender();
  await boss.send(queue, data, { db: fromPrisma(tx) });
}

/** Closes the sender's connections, if it was started (a process that ends on its own terms, tests). */
export async function stopJobSender(): Promise<void> {
  const started = globalForJobs.jobSender;
  globalForJobs.jobSender = undefined;
  if (started) await (await started.catch(() => null))?.stop({ graceful: false });
}
