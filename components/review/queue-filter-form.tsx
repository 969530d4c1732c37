import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';

/**
 * The queue's filters as a plain GET form: works without JavaScript, and a filtered view is a link a
 * supervisor can keep. The status stays as chosen in the tabs above.
 */
export async function QueueFilterForm({
  status,
  overdueApplies,
  values,
  partners,
  municipalities,
  resetHref,
}: {
  status: string;
  /** Only statuses with a deadline can be overdue. */
  overdueApplies: boolean;
  values: { partner?: string; municipality?: string; highRisk?: string; overdue?: string };
  partners: { id: string; name: string }[];
  municipalities: { id: string; name: string }[];
  resetHref: string;
}) {
  const t = await getTranslations('review.filters');
  const filtered = Boolean(values.partner || values.municipality || values.highRisk || values.overdue);
  return (
    <details className="rounded-lg border border-slate-300 bg-white p-3" open={filtered}>
      <summary className="min-h-11 cursor-pointer content-center font-semibold">
        {t('legend')}
        {filtered && ` (${t('active')})`}
      </summary>
      <form method="get" action="/pruefung" className="mt-3 grid gap-3 sm:grid-cols-2">
        {status !== 'SUBMITTED' && <input type="hidden" name="status" value={status} />}
        <div className="space-y-1">
          <label htmlFor="filter-partner" className="block font-semibold">
            {t('partner')}
          </label>
          <select id="filter-partner" name="partner" defaultValue={values.partner ?? ''} className={inputClass}>
            <option value="">{t('any')}</option>
            {partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-municipality" className="block font-semibold">
            {t('municipality')}
          </label>
          <select
            id="filter-municipality"
            name="municipality"
            defaultValue={values.municipality ?? ''}
            className={inputClass}
          >
            <option value="">{t('any')}</option>
            {municipalities.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <label className="flex min-h-12 items-center gap-3 rounded-md border border-slate-400 px-3">
          <input
            type="checkbox"
            name="highRisk"
            value="1"
            defaultChecked={Boolean(values.highRisk)}
            className="accent-brand-700 size-5"
          />
          {t('highRisk')}
        </label>
        {overdueApplies && (
          <label className="flex min-h-12 items-center gap-3 rounded-md border border-slate-400 px-3">
            <input
              type="checkbox"
              name="overdue"
              value="1"
              defaultChecked={Boolean(values.overdue)}
              className="accent-brand-700 size-5"
            />
            {t('overdue')}
          </label>
        )}
        <div className="flex flex-wrap gap-3 sm:col-span-2">
          <button type="submit" className={buttonClass('primary')}>
            {t('apply')}
          </button>
          {filtered && (
            <a href={resetHref} className={buttonClass('secondary')}>
              {t('reset')}
            </a>
          )}
        </div>
      </form>
    </details>
  );
}
