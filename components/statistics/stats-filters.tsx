import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { addMonths, previousQuarter, STATS_PARAMS, statsQuery, type StatsFilters } from '@/lib/statistics/schema';

/**
 * The statistics' filters as a plain GET form (it works without JavaScript and the address can be shared
 * or bookmarked: it holds months and ids only), with one-click periods for the usual questions.
 */
export async function StatsFiltersForm({
  filters,
  currentMonth,
  options,
}: {
  filters: StatsFilters;
  currentMonth: string;
  options: { municipalities: { id: string; name: string }[]; stations: { id: string; name: string }[] };
}) {
  const t = await getTranslations('statistics.filters');
  const [quarterFrom, quarterTo] = previousQuarter(currentMonth);
  const place = { municipalityId: filters.municipalityId, stationId: filters.stationId };
  const presets = [
    { label: t('lastQuarter'), from: quarterFrom, to: quarterTo },
    { label: t('last12Months'), from: addMonths(currentMonth, -11), to: currentMonth },
    { label: t('thisYear'), from: `${currentMonth.slice(0, 4)}-01`, to: currentMonth },
  ];
  return (
    <div className="space-y-3 rounded-lg border border-slate-300 bg-white p-4">
      <form
        method="get"
        action="/statistik"
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
        data-testid="stats-filters"
      >
        <div>
          <label htmlFor="stats-from" className="block font-semibold">
            {t('from')}
          </label>
          <input
            id="stats-from"
            name={STATS_PARAMS.from}
            type="month"
            defaultValue={filters.from}
            className={inputClass}
          />
        </div>
        <div>
          <label htmlFor="stats-to" className="block font-semibold">
            {t('to')}
          </label>
          <input id="stats-to" name={STATS_PARAMS.to} type="month" defaultValue={filters.to} className={inputClass} />
        </div>
        <div>
          <label htmlFor="stats-municipality" className="block font-semibold">
            {t('municipality')}
          </label>
          <select
            id="stats-municipality"
            name={STATS_PARAMS.municipalityId}
            defaultValue={filters.municipalityId ?? ''}
            className={inputClass}
          >
            <option value="">{t('allMunicipalities')}</option>
            {options.municipalities.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        {options.stations.length > 0 && (
          <div>
            <label htmlFor="stats-station" className="block font-semibold">
              {t('station')}
            </label>
            <select
              id="stats-station"
              name={STATS_PARAMS.stationId}
              defaultValue={filters.stationId ?? ''}
              className={inputClass}
            >
              <option value="">{t('allStations')}</option>
              {options.stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="sm:col-span-2 lg:col-span-4">
          <button type="submit" className={buttonClass('primary')}>
            {t('apply')}
          </button>
        </div>
      </form>
      <nav aria-label={t('presets')} className="flex flex-wrap gap-2">
        {presets.map((p) => (
          <a
            key={p.label}
            href={`/statistik?${statsQuery({ ...place, from: p.from, to: p.to })}`}
            className={buttonClass('secondary')}
          >
            {p.label}
          </a>
        ))}
      </nav>
    </div>
  );
}
