import 'server-only';

import { z } from 'zod';

import { dispatchReferral } from '@/lib/delivery/dispatch';
import { appBoss } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';

const referralJob = z.object({ referralId: z.uuid() });

/**
 * Starts working the job queues (ADR 0011) with the app's own role and returns how to stop: no new jobs are
 * fetched, running ones finish (or are released for another worker after `graceMs`, within the 10 s the
 * launcher gives the server to stop). Any number of
 * workers may run at once, on any machine: pg-boss hands each job to one, and every handler is conditional,
 * so a job that runs again after a crash does nothing twice.
 */
export async function startWorker({ graceMs = 8_000 }: { graceMs?: number } = {}): Promise<() => Promise<void>> {
  const boss = appBoss('jobs-worker', { max: 4, instanceName: 'worker' });
  await boss.start();
  await boss.work(QUEUES.dispatch.name, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
    for (const job of jobs) {
      const data = referralJob.safeParse(job.data);
      // Only the app sends jobs; one it cannot read is dropped, not retried (a retry cannot mend it).
      if (!data.success) continue;
      await dispatchReferral(data.data.referralId);
    }
  });
  return () => boss.stop({ graceful: true, timeout: graceMs });
}
