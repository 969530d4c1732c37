/**
 * The job queues (ADR 0011): pg-boss in its own schema of the app's database, installed and migrated by
 * `npm run db:migrate` with the migrating role, used by the app's own role with rows only. Plain Node (CLI,
 * launcher, tests), no server-only.
 */
import { PgBoss, type Queue } from 'pg-boss';
import pg from 'pg';

export const JOB_SCHEMA = 'pgboss';

/**
 * `referral-dispatch`: an approved referral goes to its partners' inboxes (the DISPATCHED step). Sent in the
 * approval's transaction. Retried with backoff for about a day (a database that is briefly away); a
 * dispatch is a conditional step, so running it again does nothing.
 */
export const QUEUES = {
  dispatch: {
    name: 'referral-dispatch',
    retryLimit: 20,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 3600,
    // A worker that dies holding a job: another takes it after this lease.
    expireInSeconds: 30,
  },
} as const satisfies Record<string, Queue>;

/**
 * Installs or migrates pg-boss's schema and creates the queues, with the migrating role (it owns them).
 * Idempotent: pg-boss migrates only what changed, `createQueue` keeps an existing queue (its options are
 * brought up to date).
 */
export async function installJobQueues(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: 2,
    supervise: false,
    schedule: false,
    registerInstance: false,
  });
  boss.on('error', () => {
    // A failure of start() or createQueue() rejects below; nothing runs in the background here.
  });
  await boss.start();
  try {
    for (const { name, ...options } of Object.values(QUEUES)) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
      else {
        // pg-boss keeps a queue's maximum retry delay from its creation; the rest follows the code.
        const { retryDelayMax: _fixed, ...changeable } = options;
        await boss.updateQueue(name, changeable);
      }
    }
  } finally {
    await boss.stop({ graceful: false });
  }
}

/** The statements that give the app's own role the rows (never the schema) of the job queues. */
export function jobGrants(role: string): string[] {
  const who = pg.escapeIdentifier(role);
  return [
    `GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${who}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${who}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${who}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${who}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${who}`,
    `REVOKE CREATE ON SCHEMA ${JOB_SCHEMA} FROM PUBLIC`,
  ];
}
