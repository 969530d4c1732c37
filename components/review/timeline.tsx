import { getFormatter, getTranslations } from 'next-intl/server';

import type { TimelineEntry } from '@/lib/referrals/timeline';

/**
 * A referral's steps, oldest first: what happened, when and by whom, with a return's comment and what a
 * correction changed (so that the second look goes to those parts).
 */
export async function Timeline({ entries, headingLevel = 2 }: { entries: TimelineEntry[]; headingLevel?: 2 | 3 }) {
  const [t, tWithdrawal, format] = await Promise.all([
    getTranslations('timeline'),
    getTranslations('review.withdrawal'),
    getFormatter(),
  ]);
  const tChannel = (channel: string) => tWithdrawal(`channels.${channel}`);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="timeline-heading" className="space-y-2">
      <Heading id="timeline-heading" className="text-xl font-bold">
        {t('title')}
      </Heading>
      <ol className="space-y-2 border-l-2 border-slate-300 pl-4" data-testid="timeline">
        {entries.map((entry, i) => (
          <li key={i} className="space-y-1" data-testid="timeline-entry" data-step={entry.step}>
            <p>
              <span className="font-semibold">
                {t(`steps.${entry.step}`)}
                {entry.track === 'PERPETRATOR' && ` ${t('perpetratorTrack')}`}
              </span>
              <span className="block text-sm text-slate-700 sm:inline">
                {' '}
                {format.dateTime(entry.at, { dateStyle: 'medium', timeStyle: 'short' })}
                {' · '}
                {entry.actorName ? entry.actorName : t('system')}
              </span>
            </p>
            {entry.changes.length > 0 && (
              <p className="text-sm" data-testid="timeline-changes">
                <span className="font-semibold">{t('changes.label')}:</span>{' '}
                {entry.changes
                  .map((part) => `changes.parts.${part.replace('.', '_')}`)
                  .filter((key) => t.has(key))
                  .map((key) => t(key))
                  .join(', ')}
              </p>
            )}
            {entry.receivedVia && entry.receivedOn && (
              <p className="text-sm" data-testid="timeline-received">
                {t('received', {
                  via: tChannel(entry.receivedVia),
                  on: format.dateTime(new Date(`${entry.receivedOn}T12:00:00Z`), { dateStyle: 'medium' }),
                })}
              </p>
            )}
            {entry.contactAt && entry.contactChannel && (
              <p className="text-sm" data-testid="timeline-contact">
                {t('contact', {
                  at: format.dateTime(entry.contactAt, { dateStyle: 'medium', timeStyle: 'short' }),
                  channel: t(`contactChannels.${entry.contactChannel}`),
                  reached: entry.reached ? 'yes' : 'no',
                })}
              </p>
            )}
            {entry.outcome && (
              <p className="text-sm font-semibold" data-testid="timeline-outcome">
                {t('outcome', { outcome: t(`outcomes.${entry.outcome}`) })}
              </p>
            )}
            {entry.comment && (
              <blockquote className="rounded-md bg-amber-50 p-3 [overflow-wrap:anywhere] whitespace-pre-line">
                {entry.comment}
              </blockquote>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
