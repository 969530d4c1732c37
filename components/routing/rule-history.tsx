import { getFormatter, getTranslations } from 'next-intl/server';

import type { HistoryEntry } from '@/lib/routing/dto';
import { dayFormatter, validityFormatter } from '@/lib/routing/labels';
import { HISTORY_LIMIT } from '@/lib/routing/values';
import { TIME_ZONE } from '@/lib/time/berlin';

/**
 * The versions of routing rules, newest first (issue 9: who, when, before and after), for the history of
 * a municipality or of a partner.
 */
export async function RuleHistory({ entries }: { entries: HistoryEntry[] }) {
  const t = await getTranslations('routing');
  const format = await getFormatter();
  const [day, validity] = await Promise.all([dayFormatter(), validityFormatter()]);
  if (entries.length === 0) return <p>{t('history.empty')}</p>;
  const what = (e: HistoryEntry) => {
    if (e.kind === 'CREATED')
      return t('history.CREATED', { partner: e.partnerName, validity: validity(e.firstDay, e.lastDay) });
    if (e.kind === 'CANCELLED') return t('history.CANCELLED', { partner: e.partnerName, firstDay: day(e.firstDay) });
    return t('history.ENDED', {
      partner: e.partnerName,
      lastDay: e.lastDay ? day(e.lastDay) : '',
      before: e.lastDayBefore ? t('history.untilDay', { day: day(e.lastDayBefore) }) : t('history.openEnded'),
    });
  };
  return (
    <>
      {entries.length >= HISTORY_LIMIT && (
        <p className="text-slate-700">{t('history.truncated', { count: HISTORY_LIMIT })}</p>
      )}
      <ol className="space-y-2" data-testid="rule-history">
        {entries.map((e) => (
          <li key={e.id} className="rounded-md border border-slate-300 bg-white p-3" data-testid="history-entry">
            <p className="text-sm text-slate-700">
              {format.dateTime(e.at, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE })} ·{' '}
              {e.actorName ?? t('history.seed')}
            </p>
            <p className="font-semibold">
              {e.municipalityName} · {t(`genders.${e.gender}`)} · {t(`tracks.${e.track}`)}
            </p>
            <p>{what(e)}</p>
            {e.reason && <p className="text-sm">{t('history.reason', { reason: e.reason })}</p>}
            <p className="text-xs break-all text-slate-600">
              {t('history.version', { id: e.ruleId, version: e.version })}
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}
