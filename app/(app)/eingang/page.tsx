import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { InboxList } from '@/components/inbox/inbox-list';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { StatusTabs } from '@/components/ui/status-tabs';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { inboxFilters, listInbox, type InboxFilters } from '@/lib/inbox/queries';
import { INBOX_STATUSES } from '@/lib/inbox/values';
import { withQuery } from '@/lib/review/queue-url';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('inbox:read', 'inbox', 'title');
}

const inboxHref = (filters: Partial<InboxFilters>) =>
  withQuery(
    '/eingang',
    new URLSearchParams({
      status: filters.status ?? 'DISPATCHED',
      ...(filters.cursor && { nach: filters.cursor }),
    }).toString(),
  );

/** "Eingang": the deliveries of the caseworker's own organisation, the most urgent first (DESIGN.md section 6). */
export default async function InboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('inbox:read');
  const params = await searchParams;
  const filters = inboxFilters.parse({ ...params, cursor: params.nach });
  const now = new Date();
  const [inbox, t] = await Promise.all([listInbox({ actor, filters, now }), getTranslations()]);
  if (!inbox.scoped) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-bold">{t('inbox.title')}</h1>
        <Alert tone="warning">{t('inbox.noPartner')}</Alert>
      </div>
    );
  }
  const counted = (status: string) =>
    status in inbox.counts ? inbox.counts[status as keyof typeof inbox.counts] : null;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('inbox.title')}</h1>
      <StatusTabs
        label={t('inbox.statusNav')}
        testId="inbox-tabs"
        tabs={INBOX_STATUSES.map((status) => {
          const count = counted(status);
          return {
            key: status,
            href: inboxHref({ status }),
            text: t(`inbox.tabs.${status}`),
            current: filters.status === status,
            count: count && { ...count, overdueText: t('review.overdueCount', { count: count.overdue }) },
          };
        })}
      />
      <p className="max-w-prose text-sm text-slate-700">{t(`inbox.tabHints.${filters.status}`)}</p>
      {inbox.items.length === 0 ? (
        <p data-testid="inbox-empty">{t(`inbox.empty.${filters.status}`)}</p>
      ) : (
        <InboxList items={inbox.items} now={now} />
      )}
      <div className="flex flex-wrap gap-3">
        {filters.cursor && (
          <a href={inboxHref({ status: filters.status })} className={buttonClass('secondary')}>
            {t('review.first')}
          </a>
        )}
        {inbox.nextCursor && (
          <a
            href={inboxHref({ status: filters.status, cursor: inbox.nextCursor })}
            className={buttonClass('secondary')}
          >
            {t('review.more')}
          </a>
        )}
      </div>
    </div>
  );
}
