import { getFormatter, getTranslations } from 'next-intl/server';

import type { QueueRow } from '@/lib/review/dto';
import { withQuery } from '@/lib/review/queue-url';

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
 * who filed it, where it goes), and nothing that reaches the person. Compact, so that a phone shows two or
 * three at once; the whole card opens the referral. The station is left out where it is always the same
 * (a station's own supervisor).
 */
export async function QueueList({
  items,
  now,
  showStation,
  view,
}: {
  items: QueueRow[];
  now: Date;
  showStation: boolean;
  /** The queue's view (its query string), kept for the way back from the referral. */
  view: string;
}) {
  const [t, format] = await Promise.all([getTranslations(), getFormatter()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul className="space-y-3" data-testid="queue-list">
      {items.map((row) => (
        <li
          key={row.id}
          data-testid="queue-row"
          className={`focus-within:ring-brand-700/40 relative rounded-lg border bg-white p-3 text-sm focus-within:ring-4 ${row.highRisk || row.overdue ? 'border-l-8 border-red-800' : 'border-slate-300'}`}
        >
          <UrgencyBadges highRisk={row.highRisk} overdue={row.overdue} corrected={row.version > 1} />
          <h2 className="mt-1 text-base font-semibold [overflow-wrap:anywhere]">
            {/* The link covers the card (::before), so a tap anywhere on it opens the referral. */}
            <a
              href={withQuery(`/pruefung/${row.id}`, view)}
              className="underline underline-offset-4 before:absolute before:inset-0"
            >
              {showStation ? `${row.municipality} · ${row.station}` : row.municipality}
              <span className="sr-only">
                {`, ${t(row.status === 'SUBMITTED' ? 'review.row.open' : 'review.row.view')}`}
              </span>
            </a>
          </h2>
          <p>
            <span className="font-semibold">
              {t(row.status === 'SUBMITTED' ? 'review.row.received' : 'review.row.inStatusSince')}
            </span>{' '}
            {format.relativeTime(row.statusChangedAt, now)} ({when(row.statusChangedAt)})
          </p>
          {row.dueAt && (
            <p className={row.overdue ? 'font-semibold text-red-900' : undefined}>
              <span className="font-semibold">{t('review.row.due')}</span> {format.relativeTime(row.dueAt, now)}
            </p>
          )}
          <p className="[overflow-wrap:anywhere]">
            <span className="font-semibold">{t('review.row.incidentAt')}</span> {when(row.incidentAt)} ·{' '}
            {t('review.row.byOfficer', { name: row.officer })}
          </p>
          {row.tracks.map((track) => (
            <p key={track.track} className="[overflow-wrap:anywhere]">
              <span className="font-semibold">{t(`referralList.partnerOf.${track.track}`)}</span> {track.partner}
              {track.status === 'WITHDRAWN' && row.status !== 'WITHDRAWN' && ` (${t('status.WITHDRAWN')})`}
              {track.trouble && (
                <span className="block font-semibold text-red-900" data-testid="queue-delivery-trouble">
                  {t('review.delivery.trouble')}
                </span>
              )}
              {track.routingReason === 'OVERRIDE' && track.overrideReason && (
                <span className="block font-semibold text-amber-900" data-testid="queue-override">
                  {t('review.row.override', { reason: t(`referralForm.overrideReasons.${track.overrideReason}`) })}
                </span>
              )}
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}
