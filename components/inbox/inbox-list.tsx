import { getFormatter, getTranslations } from 'next-intl/server';

import { UrgencyBadges } from '@/components/review/queue-list';
import type { InboxRow } from '@/lib/inbox/dto';

/**
 * The inbox's rows: who (the person's name, to recognise a call-back), how urgent, since when it waits. The
 * whole card opens the delivery. A withdrawn delivery shows no person, only its reference and the request to
 * delete any copy kept outside the app.
 */
export async function InboxList({ items, now }: { items: InboxRow[]; now: Date }) {
  const [t, format] = await Promise.all([getTranslations(), getFormatter()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="space-y-3" data-testid="inbox-list">
      {items.map((row) => (
        <li
          key={row.id}
          data-testid="inbox-row"
          className={`focus-within:ring-brand-700/40 relative rounded-lg border bg-white p-3 text-sm focus-within:ring-4 ${row.highRisk || row.overdue ? 'border-l-8 border-red-800' : 'border-slate-300'}`}
        >
          <UrgencyBadges highRisk={row.highRisk} overdue={row.overdue} />
          <h2 className="mt-1 text-base font-semibold [overflow-wrap:anywhere]">
            <a href={`/eingang/${row.id}`} className="underline underline-offset-4 before:absolute before:inset-0">
              {row.personName ?? t('inbox.row.erased')}
              {row.track === 'PERPETRATOR' && ` ${t('timeline.perpetratorTrack')}`}
            </a>
          </h2>
          <p>
            <span className="font-semibold">{t('inbox.row.reference')}</span> {row.reference}
            {row.municipality && ` · ${row.municipality}`}
          </p>
          <p>
            <span className="font-semibold">{t('inbox.row.dispatchedAt')}</span>{' '}
            {format.relativeTime(row.dispatchedAt, now)} ({when(row.dispatchedAt)})
          </p>
          {row.dueAt && (
            <p className={row.overdue ? 'font-semibold text-red-900' : undefined}>
              <span className="font-semibold">
                {t(row.status === 'DISPATCHED' ? 'inbox.row.acknowledgeDue' : 'inbox.row.contactDue')}
              </span>{' '}
              {format.relativeTime(row.dueAt, now)}
            </p>
          )}
          {row.outcome && <p>{t('timeline.outcome', { outcome: t(`timeline.outcomes.${row.outcome}`) })}</p>}
          {row.status === 'WITHDRAWN' && <p className="font-semibold">{t('inbox.row.deleteCopy')}</p>}
        </li>
      ))}
    </ul>
  );
}
