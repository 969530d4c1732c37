/**
 * The job queues (ADR 0011): pg-boss in its own schema of the app's database, installed and migrated by
 * `npm run db:migrate` with the migrating role, used by the app's own role with rows only. Plain Node (CLI,
 * launcher, tests), no server-only.
 */
import { PgBoss, type Queue } from 'pg-boss';
import pg from 'pg';

import { RETENTION_CRON } from '../retention/schedule';

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
  /**
   * `partner-notice`: the e-mail that tells a partner something is waiting (new, reminder, withdrawn), with
   * no personal data. Sent in the transaction of the step it announces; retried for about a day (a mail
   * server that is away).
   */
  notice: {
    name: 'partner-notice',
    retryLimit: 30,
    retryDelay: 10,
    retryBackoff: true,
    retryDelayMax: 3600,
    expireInSeconds: 60,
  },
  /**
   * `partner-webhook`: a signed event to a partner's own case system. Retried with backoff up to an hour
   * apart for about two days, so a partner's outage over a night or a weekend loses nothing; after the
   * third failure the delivery shows "Zustellung gestört" to supervisors, who can also retry at once.
   */
  webhook: {
    name: 'partner-webhook',
    retryLimit: 50,
    retryDelay: 10,
    retryBackoff: true,
    retryDelayMax: 3600,
    // Longer than the request's own time-out.
    expireInSeconds: 60,
  },
  /** `acknowledgement-reminders`: every minute, one reminder for each delivery newly overdue for acknowledgement. */
  reminders: {
    name: 'acknowledgement-reminders',
    retryLimit: 0,
    expireInSeconds: 60,
  },
  /**
   * `audit-checkpoint`: once a day, verify the audit chain added since the last checkpoint and store and log
   * its head (ADR 0012). Retried a few times (a database that is briefly away); a day's work is minutes at most.
   */
  checkpoint: {
    name: 'audit-checkpoint',
    retryLimit: 5,
    retryDelay: 300,
    expireInSeconds: 3600,
  },
  /**
   * `retention`: every hour, erase the personal data of every referral whose retention period ended, then
   * re-wrap under a new key-encryption key and record which old keys may be destroyed (lib/retention, ADR
   * 0013). A failed run is simply repeated by the next hour's: every step is conditional.
   */
  retention: {
    name: 'retention',
    retryLimit: 2,
    retryDelay: 300,
    expireInSeconds: 3600,
  },
  /**
   * `statistics`: every minute, compute the months whose facts changed again (lib/statistics/refresh.ts):
   * the statistics page is at most a minute or two behind. Not retried: the next minute's run does it.
   */
  statistics: {
    name: 'statistics',
    retryLimit: 0,
    expireInSeconds: 900,
  },
} as const satisfies Record<string, Queue>;

/**
 * How each queue is fetched: up to 10 jobs at a time, fetching again at once while batches come back full
 * (a backlog after an outage), else every 0.5 s: a delivery is in the partner's inbox well within the 2 s
 * target (DESIGN.md section 11, `npm run bench -- delivery`). One job per fetch would cap a queue at two
 * jobs a second.
 */
export const FETCH = { pollingIntervalSeconds: 0.5, batchSize: 10, burstWhenBatchFull: true } as const;

/** Work that comes by the clock (pg-boss schedules: one instance fires each, whatever the number of workers). */
export const SCHEDULES = [
  { queue: QUEUES.reminders.name, cron: '* * * * *' },
  // 03:15 UTC: a quiet hour in Berlin.
  { queue: QUEUES.checkpoint.name, cron: '15 3 * * *' },
  { queue: QUEUES.retention.name, cron: RETENTION_CRON },
  { queue: QUEUES.statistics.name, cron: '* * * * *' },
] as const;

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
    for (const { name, ...options } of Object.values(QUEUES) as Queue[]) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
      else {
        // pg-boss keeps a queue's maximum retry delay from its creation; the rest follows the code.
        const { retryDelayMax: _fixed, ...changeable } = options;
        await boss.updateQueue(name, changeable);
      }
    }
    for (const { queue, cron } of SCHEDULES) await boss.schedule(queue, cron);
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
