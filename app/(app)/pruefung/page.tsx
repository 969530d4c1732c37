import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { QueueFilterForm } from '@/components/review/queue-filter-form';
import { QueueList } from '@/components/review/queue-list';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { StatusTabs } from '@/components/ui/status-tabs';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { listMunicipalities } from '@/lib/routing/queries';
import { DUE_STATUSES } from '@/lib/referrals/lifecycle';
import { ENDED_STATUSES, ENDED_VISIBLE_DAYS, queueFilters, reviewQueue, type QueueFilters } from '@/lib/review/queries';
import { REFERRAL_STATUSES } from '@/lib/referrals/values';
import { queueQuery, withQuery } from '@/lib/review/queue-url';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('review:read', 'review', 'title');
}

/** The queue's URL for these filters (the cursor dropped unless given). */
function queueHref(filters: QueueFilters, change: Partial<QueueFilters>): string {
  return withQuery('/pruefung', queueQuery({ ...filters, cursor: undefined, ...change }));
}

/** "Prüfung": the supervisor's queue, the most urgent first (DESIGN.md section 3). */
export default async function ReviewQueuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('review:read');
  const params = await searchParams;
  const filters = queueFilters.parse({ ...params, cursor: params.nach });
  const now = new Date();
  const [queue, t, partners, municipalities] = await Promise.all([
    reviewQueue({ actor, filters, now }),
    getTranslations(),
    db().partner.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    listMunicipalities(),
  ]);
  if (!queue.scoped) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-bold">{t('review.title')}</h1>
        <Alert tone="warning">{t('review.noScope')}</Alert>
      </div>
    );
  }
  const done =
    typeof params.erledigt === 'string' && ['APPROVED', 'RETURNED', 'WITHDRAWN'].includes(params.erledigt)
      ? params.erledigt
      : null;
  const counted = (status: string) =>
    status in queue.counts ? queue.counts[status as keyof typeof queue.counts] : null;

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('review.title')}</h1>
      {done && (
        <Alert tone="success" announce testId="review-done">
          {t(`review.done.${done}`)}
        </Alert>
      )}
      <StatusTabs
        label={t('review.statusNav')}
        testId="queue-tabs"
        tabs={REFERRAL_STATUSES.map((status) => {
          const count = counted(status);
          return {
            key: status,
            href: queueHref(filters, { status }),
            text: t(`review.statusShort.${status}`),
            current: filters.status === status,
            count: count && { ...count, overdueText: t('review.overdueCount', { count: count.overdue }) },
          };
        })}
      />
      {(ENDED_STATUSES as readonly string[]).includes(filters.status) && (
        <p className="text-sm text-slate-700">{t('review.endedWindow', { days: ENDED_VISIBLE_DAYS })}</p>
      )}
      <QueueFilterForm
        status={filters.status}
        overdueApplies={DUE_STATUSES.includes(filters.status)}
        values={filters}
        partners={partners}
        municipalities={municipalities}
        resetHref={queueHref({ status: filters.status }, {})}
      />
      {queue.items.length === 0 ? (
        <p data-testid="queue-empty">{t('review.empty')}</p>
      ) : (
        <QueueList items={queue.items} now={now} showStation={!actor.stationId} view={queueQuery(filters)} />
      )}
      <div className="flex flex-wrap gap-3">
        {filters.cursor && (
          <a href={queueHref(filters, {})} className={buttonClass('secondary')}>
            {t('review.first')}
          </a>
        )}
        {queue.nextCursor && (
          <a href={queueHref(filters, { cursor: queue.nextCursor })} className={buttonClass('secondary')}>
            {t('review.more')}
          </a>
        )}
      </div>
    </div>
  );
}
