import { getFormatter, getTranslations } from 'next-intl/server';

import type { QueueRow } from '@/lib/review/dto';

/** Urgency marks, in words and not by colour alone (WCAG 1.4.1). */
export async function UrgencyBadges({
  highRisk,
  overdue,
  corrected = false,
}: {
  highRisk: boolean;
  overdue: boolean;
  corrected?: boolean;
}) {
  const t = await getTranslations('review.row');
  if (!highRisk && !overdue && !corrected) return null;
  return (
    <span className="flex flex-wrap gap-2">
      {highRisk && (
        <span className="rounded bg-red-800 px-2 py-0.5 text-sm font-bold text-white" data-testid="badge-high-risk">
          {t('highRisk')}
        </span>
      )}
      {overdue && (
        <span
          className="rounded border-2 border-red-800 bg-white px-2 py-0.5 text-sm font-bold text-red-900"
          data-testid="badge-overdue"
        >
          {t('overdue')}
        </span>
      )}
      {corrected && (
        <span
          className="rounded border border-slate-500 bg-slate-100 px-2 py-0.5 text-sm font-semibold"
          data-testid="badge-corrected"
        >
          {t('corrected')}
        </span>
      )}
    </span>
  );
}

/**
 * The queue's rows: what a supervisor needs to choose which to open first (urgency, waiting time, place,
 * who filed it, where it goes), and nothing that reaches the person.
 */
export async function QueueList({ items, now }: { items: QueueRow[]; now: Date }) {
  const [t, format] = await Promise.all([getTranslations(), getFormatter()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="space-y-3" data-testid="queue-list">
      {items.map((row) => (
        <li
          key={row.id}
          data-testid="queue-row"
          className={`rounded-lg border bg-white p-4 ${row.highRisk || row.overdue ? 'border-l-8 border-red-800' : 'border-slate-300'}`}
        >
          <UrgencyBadges highRisk={row.highRisk} overdue={row.overdue} corrected={row.version > 1} />
          <p className="mt-1 text-lg font-semibold [overflow-wrap:anywhere]">
            {row.municipality} · {row.station}
          </p>
          <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm [&_dd]:[overflow-wrap:anywhere]">
            <dt className="font-semibold">
              {t(row.status === 'SUBMITTED' ? 'review.row.received' : 'review.row.inStatusSince')}
            </dt>
            <dd>
              {format.relativeTime(row.statusChangedAt, now)} ({when(row.statusChangedAt)})
            </dd>
            {row.dueAt && (
              <>
                <dt className="font-semibold">{t('review.row.due')}</dt>
                <dd className={row.overdue ? 'font-semibold text-red-900' : undefined}>
                  {format.relativeTime(row.dueAt, now)}
                </dd>
              </>
            )}
            <dt className="font-semibold">{t('review.row.incidentAt')}</dt>
            <dd>{when(row.incidentAt)}</dd>
            <dt className="font-semibold">{t('review.row.officer')}</dt>
            <dd>{row.officer}</dd>
            {row.tracks.map((track) => (
              <div key={track.track} className="contents">
                <dt className="font-semibold">{t(`referralList.partnerOf.${track.track}`)}</dt>
                <dd>
                  {track.partner}
                  {track.routingReason === 'OVERRIDE' && track.overrideReason && (
                    <span className="block font-semibold text-amber-900" data-testid="queue-override">
                      {t('review.row.override', { reason: t(`referralForm.overrideReasons.${track.overrideReason}`) })}
                    </span>
                  )}
                  {track.status === 'WITHDRAWN' && row.status !== 'WITHDRAWN' && (
                    <span className="block">{t('status.WITHDRAWN')}</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          <a
            href={`/pruefung/${row.id}`}
            className="mt-2 inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
          >
            {t(row.status === 'SUBMITTED' ? 'review.row.open' : 'review.row.view')}
            <span className="sr-only">
              {' '}
              ({row.municipality}, {row.officer}, {when(row.incidentAt)})
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
