import 'server-only';

import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import { z } from 'zod';

import { checkpointAuditChain } from '@/lib/audit/verification';
import { maintainKeyring } from '@/lib/crypto/key-states';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { deliverNotice, deliverWebhook, sendDueReminders } from '@/lib/delivery/partner-jobs';
import { appBoss } from '@/lib/jobs/boss';
import { FETCH, QUEUES } from '@/lib/jobs/queues';
import { PARTNER_NOTICE_KINDS } from '@/lib/mail/partner-notice';
import { runRetention } from '@/lib/retention/service';
import { refreshStatistics } from '@/lib/statistics/refresh';
import { WEBHOOK_EVENT_TYPES } from '@/lib/webhooks/send';

const referralJob = z.object({ referralId: z.uuid() });
const noticeJob = z.object({ partnerId: z.uuid(), kind: z.enum(PARTNER_NOTICE_KINDS) });
const webhookJob = z.object({ trackId: z.uuid(), event: z.enum(WEBHOOK_EVENT_TYPES), again: z.boolean().optional() });

/**
 * Works one queue: each job of a batch is read with `schema` and handled on its own, and settled on its own
 * (one failing job is retried without the others). What a failure stores on the job is its kind and code,
 * never its message (a database error may quote values). A job whose data the app cannot read is failed
 * for good: a retry cannot mend it. `parallel`: the batch's jobs at once (requests to different partners).
 */
async function workEach<T>(
  boss: PgBoss,
  queue: string,
  schema: z.ZodType<T>,
  handle: (data: T, job: JobWithMetadata<unknown>) => Promise<unknown>,
  { parallel = false, localConcurrency = 1 }: { parallel?: boolean; localConcurrency?: number } = {},
): Promise<void> {
  const settle = async (job: JobWithMetadata<unknown>): Promise<JobResult> => {
    const data = schema.safeParse(job.data);
    if (!data.success) return { id: job.id, status: 'deadletter', output: { error: 'UNREADABLE_JOB' } };
    try {
      await handle(data.data, job);
      return { id: job.id, status: 'completed' };
    } catch (error) {
      const e = error instanceof Error ? error : new Error('non-error thrown');
      const code = (e as { code?: unknown }).code;
      return { id: job.id, status: 'failed', output: { error: e.name, ...(typeof code === 'string' && { code }) } };
    }
  };
  await boss.work(
    queue,
    { ...FETCH, localConcurrency, includeMetadata: true, perJobResults: true },
    async (jobs: JobWithMetadata<unknown>[]) => {
      if (parallel) return Promise.all(jobs.map(settle));
      const results: JobResult[] = [];
      for (const job of jobs) results.push(await settle(job));
      return results;
    },
  );
}

/**
 * Starts working the job queues (ADR 0011) with the app's own role and returns how to stop: no new jobs are
 * fetched, running ones finish (or are released for another worker after `graceMs`, within the 10 s the
 * launcher gives the server to stop). Any number of workers may run at once, on any machine: pg-boss hands
 * each job to one, and every handler is conditional or idempotent, so a job that runs again after a crash
 * does nothing twice (a notice or webhook may go out twice; the webhook's id lets the partner drop it).
 */
export async function startWorker({ graceMs = 8_000 }: { graceMs?: number } = {}): Promise<() => Promise<void>> {
  const boss = appBoss('jobs-worker', { max: 6, instanceName: 'worker' });
  await boss.start();
  await workEach(boss, QUEUES.dispatch.name, referralJob, (data) => dispatchReferral(data.referralId));
  await workEach(boss, QUEUES.notice.name, noticeJob, (data) => deliverNotice(data));
  // Several at once: one partner's slow system must not hold up another's.
  await workEach(boss, QUEUES.webhook.name, webhookJob, (data, job) => deliverWebhook(data, job.retryCount), {
    parallel: true,
    localConcurrency: 2,
  });
  await boss.work(QUEUES.reminders.name, async () => {
    await sendDueReminders();
  });
  await boss.work(QUEUES.checkpoint.name, async () => {
    await checkpointAuditChain();
  });
  await boss.work(QUEUES.retention.name, async () => {
    // The key schedule bounds how long erased data survives in backups: kept up even when erasing fails.
    try {
      await runRetention({ trigger: 'SCHEDULE' });
    } finally {
      await maintainKeyring();
    }
  });
  await boss.work(QUEUES.statistics.name, async () => {
    await refreshStatistics();
  });
  return () => boss.stop({ graceful: true, timeout: graceMs });
}
