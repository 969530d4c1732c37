import 'server-only';

import { z } from 'zod';

import { dispatchReferral } from '@/lib/delivery/dispatch';
import { deliverNotice, deliverWebhook, sendDueReminders } from '@/lib/delivery/partner-jobs';
import { appBoss } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import { PARTNER_NOTICE_KINDS } from '@/lib/mail/partner-notice';
import { WEBHOOK_EVENT_TYPES } from '@/lib/webhooks/send';

const referralJob = z.object({ referralId: z.uuid() });
const noticeJob = z.object({ partnerId: z.uuid(), kind: z.enum(PARTNER_NOTICE_KINDS) });
const webhookJob = z.object({ trackId: z.uuid(), event: z.enum(WEBHOOK_EVENT_TYPES), again: z.boolean().optional() });

/** Polling: a delivery is visible in the partner's inbox well within the 2 s target (DESIGN.md section 11). */
const POLL = { pollingIntervalSeconds: 0.5 } as const;

/**
 * Starts working the job queues (ADR 0011) with the app's own role and returns how to stop: no new jobs are
 * fetched, running ones finish (or are released for another worker after `graceMs`, within the 10 s the
 * launcher gives the server to stop). Any number of workers may run at once, on any machine: pg-boss hands
 * each job to one, and every handler is conditional or idempotent, so a job that runs again after a crash
 * does nothing twice (a notice or webhook may go out twice; the webhook's id lets the partner drop it).
 * A job whose data the app cannot read is dropped, not retried (a retry cannot mend it).
 */
export async function startWorker({ graceMs = 8_000 }: { graceMs?: number } = {}): Promise<() => Promise<void>> {
  const boss = appBoss('jobs-worker', { max: 6, instanceName: 'worker' });
  await boss.start();
  await boss.work(QUEUES.dispatch.name, POLL, async ([job]) => {
    const data = referralJob.safeParse(job?.data);
    if (data.success) await dispatchReferral(data.data.referralId);
  });
  await boss.work(QUEUES.notice.name, POLL, async ([job]) => {
    const data = noticeJob.safeParse(job?.data);
    if (data.success) await deliverNotice(data.data);
  });
  // Several at once: one partner's slow system must not hold up another's.
  await boss.work(QUEUES.webhook.name, { ...POLL, includeMetadata: true, localConcurrency: 4 }, async ([job]) => {
    const data = webhookJob.safeParse(job?.data);
    if (data.success && job) await deliverWebhook(data.data, job.retryCount);
  });
  await boss.work(QUEUES.reminders.name, async () => {
    await sendDueReminders();
  });
  return () => boss.stop({ graceful: true, timeout: graceMs });
}
