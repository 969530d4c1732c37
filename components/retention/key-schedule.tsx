import { getFormatter, getTranslations } from 'next-intl/server';

import type { KeySchedule as Schedule } from '@/lib/retention/dto';
import { TIME_ZONE } from '@/lib/time/berlin';

/**
 * The key-encryption keys' schedule (ADR 0013): when the current key must be replaced, which older keys
 * nothing needs any more and by when they must be destroyed (overdue in red), and the longest time an erased
 * referral stays readable in an older backup when the schedule is kept. Key ids and dates only.
 */
export async function KeySchedule({ overview, now }: { overview: Schedule; now: Date }) {
  const t = await getTranslations('retention.keys');
  const format = await getFormatter();
  const day = (at: Date) => format.dateTime(at, { dateStyle: 'medium', timeZone: TIME_ZONE });
  const overdue = (at: Date | null) => at !== null && at < now;
  const shown = overview.keys.filter(
    (k) => k.inRing || (k.goneSince && now.getTime() - k.goneSince.getTime() < 90 * 86_400_000),
  );
  return (
    <section aria-labelledby="keys" className="space-y-3">
      <h2 id="keys" className="text-xl font-bold">
        {t('title')}
      </h2>
      <p className="max-w-prose">
        {t('intro', {
          rotation: overview.keyRotationDays,
          destroy: overview.destroyWithinDays,
          longest: overview.longestRecoverableDays,
        })}
      </p>
      {shown.length === 0 ? (
        <p>{t('notYetChecked')}</p>
      ) : (
        <ul className="max-w-2xl space-y-2" data-testid="keys">
          {shown.map((key) => {
            const late = overdue(key.current ? key.replaceBy : key.destroyBy);
            return (
              <li
                key={key.id}
                className={`rounded-md border bg-white p-3 ${late ? 'border-l-4 border-red-700' : 'border-slate-300'}`}
                data-testid="key"
              >
                <p className="font-semibold">
                  <span className="font-mono">{key.id}</span> ·{' '}
                  {key.current ? t('current') : key.inRing ? t('older') : t('gone')}
                </p>
                <p className={late ? 'font-semibold text-red-800' : ''}>
                  {key.current
                    ? key.replaceBy && t(late ? 'replaceOverdue' : 'replaceBy', { day: day(key.replaceBy) })
                    : key.goneSince
                      ? t('goneSince', { day: day(key.goneSince) })
                      : key.destroyBy
                        ? t(late ? 'destroyOverdue' : 'destroyBy', { day: day(key.destroyBy) })
                        : t('stillNeeded', { count: key.sealedValues })}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
