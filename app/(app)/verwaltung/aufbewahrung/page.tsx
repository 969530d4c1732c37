import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';

import { RetentionPolicyForm } from '@/components/retention/retention-policy-form';
import { KeySchedule } from '@/components/retention/key-schedule';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { retentionOverview } from '@/lib/retention/queries';
import { TIME_ZONE } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('retention:manage', 'retention', 'title');
}

/**
 * "Aufbewahrung und Löschung" (issue 14): how long personal data is kept, when the retention job runs and
 * what it did, and the encryption keys' replacement schedule that makes erased data unreadable in older
 * backups too (ADR 0013). Counts and dates only, no person.
 */
export default async function RetentionPage() {
  await requirePermission('retention:manage');
  const now = new Date();
  const [overview, session, t, format] = await Promise.all([
    retentionOverview(now),
    getSession(),
    getTranslations('retention'),
    getFormatter(),
  ]);
  const when = (at: Date) => format.dateTime(at, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE });
  const { policy } = overview;
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <p className="max-w-prose text-slate-700">{t('intro')}</p>
      </div>

      <section aria-labelledby="periods" className="space-y-3">
        <h2 id="periods" className="text-xl font-bold">
          {t('periods.title')}
        </h2>
        <p className="max-w-prose">{t('periods.intro', { max: overview.maxDays })}</p>
        <p className="text-sm text-slate-700" data-testid="policy-changed">
          {policy.changedBy
            ? t('periods.changed', { at: when(policy.changedAt), by: policy.changedBy })
            : t('periods.defaults')}
        </p>
        <RetentionPolicyForm
          policy={{
            afterAcknowledgementDays: policy.afterAcknowledgementDays,
            withoutAcknowledgementDays: policy.withoutAcknowledgementDays,
            changedAt: policy.changedAt.toISOString(),
          }}
          maxDays={overview.maxDays}
          totpEnrolled={session?.totpEnrolled ?? false}
        />
      </section>

      <section aria-labelledby="runs" className="space-y-3">
        <h2 id="runs" className="text-xl font-bold">
          {t('runs.title')}
        </h2>
        <dl className="grid max-w-xl grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
          <dt className="font-semibold">{t('runs.next')}</dt>
          <dd data-testid="next-run">{when(overview.nextRun)}</dd>
          <dt className="font-semibold">{t('runs.dueNow')}</dt>
          <dd data-testid="due-now">{t('runs.referrals', { count: overview.dueNow })}</dd>
        </dl>
        {overview.runs.length === 0 ? (
          <p>{t('runs.none')}</p>
        ) : (
          <ul
            className="max-w-xl divide-y divide-slate-200 rounded-md border border-slate-300 bg-white"
            data-testid="runs"
          >
            {overview.runs.map((run) => (
              <li key={run.id} className="flex flex-wrap justify-between gap-x-4 p-3">
                <span>
                  {when(run.startedAt)} · {t(`runs.trigger.${run.trigger as 'SCHEDULE' | 'COMMAND'}`)}
                </span>
                <span className={run.finishedAt ? '' : 'font-semibold text-amber-900'}>
                  {run.finishedAt
                    ? t('runs.erased', { count: run.purged })
                    : t('runs.unfinished', { count: run.purged })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <KeySchedule overview={overview} now={now} />
    </div>
  );
}
