import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';

import { AuditLogTabs } from '@/components/audit-log/audit-log-tabs';
import { EventList } from '@/components/audit-log/event-list';
import { SearchForm } from '@/components/audit-log/search-form';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { searchAuditTrail } from '@/lib/audit-log/queries';
import { EXPORT_MAX_ROWS, isNarrowed, parseAuditSearch, SEARCH_PARAMS, searchQuery } from '@/lib/audit-log/schema';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { berlinDateOf } from '@/lib/time/berlin';
import { berlinDayStart } from '@/lib/time/days';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('audit:read', 'auditLog', 'title');
}

/** "Protokoll": the data protection officer's search of the audit trail (issue 13). Each search is audited. */
export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('audit:read');
  const today = berlinDateOf(new Date());
  const { search, problems } = parseAuditSearch(await searchParams, today);
  const [result, t, format, person] = await Promise.all([
    searchAuditTrail(actor, search),
    getTranslations('auditLog'),
    getFormatter(),
    search.actorId
      ? db().user.findUnique({ where: { id: search.actorId }, select: { displayName: true } })
      : Promise.resolve(null),
  ]);
  const day = (date: string) => format.dateTime(berlinDayStart(date), { dateStyle: 'medium' });
  const exportFields = Object.entries(SEARCH_PARAMS).filter(([key]) => key !== 'cursor');

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <AuditLogTabs current="search" />
      <p className="max-w-prose">{t('intro')}</p>
      {problems.length > 0 && (
        <Alert tone="warning" testId="search-problems">
          <ul className="list-disc pl-5">
            {problems.map((problem) => (
              <li key={problem}>{t(`search.problems.${problem}`)}</li>
            ))}
          </ul>
        </Alert>
      )}
      <SearchForm search={search} personName={person?.displayName ?? null} narrowed={isNarrowed(search, today)} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <p role="status" className="font-semibold" data-testid="search-summary">
          {t('search.summary', { from: day(search.from), to: day(search.to) })}
        </p>
        <form method="post" action="/protokoll/export" className="space-y-1">
          {exportFields.map(([key, name]) => {
            const value = search[key as keyof typeof search];
            return value ? <input key={name} type="hidden" name={name} value={value} /> : null;
          })}
          <button type="submit" className={buttonClass('secondary')}>
            {t('search.export')}
          </button>
          <p className="text-sm text-slate-700">{t('search.exportHint', { max: format.number(EXPORT_MAX_ROWS) })}</p>
        </form>
      </div>
      {result.items.length === 0 ? (
        <p data-testid="search-empty">{t('search.none')}</p>
      ) : (
        <EventList
          events={result.items}
          testId="search-results"
          personHref={(actorId) => `/protokoll?${searchQuery({ ...search, actorId, cursor: undefined })}`}
        />
      )}
      {result.nextCursor && (
        <a
          href={`/protokoll?${searchQuery({ ...search, cursor: result.nextCursor })}`}
          className={buttonClass('secondary')}
          data-testid="search-more"
        >
          {t('search.more')}
        </a>
      )}
    </div>
  );
}
