import { getFormatter, getTranslations } from 'next-intl/server';

import type { TimelineEntry } from '@/lib/referrals/timeline';

/** A referral's steps, oldest first: what happened, when and by whom, with a return's comment. */
export async function Timeline({ entries, headingLevel = 2 }: { entries: TimelineEntry[]; headingLevel?: 2 | 3 }) {
  const [t, format] = await Promise.all([getTranslations('timeline'), getFormatter()]);
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
