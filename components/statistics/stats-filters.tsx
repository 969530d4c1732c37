import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

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
        <Labelled id="stats-from" label={t('from')}>
          <input
            id="stats-from"
            name={STATS_PARAMS.from}
            type="month"
            defaultValue={filters.from}
            className={inputClass}
          />
        </Labelled>
        <Labelled id="stats-to" label={t('to')}>
          <input id="stats-to" name={STATS_PARAMS.to} type="month" defaultValue={filters.to} className={inputClass} />
        </Labelled>
        <Choice
          id="stats-municipality"
          name={STATS_PARAMS.municipalityId}
          label={t('municipality')}
          all={t('allMunicipalities')}
          value={filters.municipalityId}
          options={options.municipalities}
        />
        {options.stations.length > 0 && (
          <Choice
            id="stats-station"
            name={STATS_PARAMS.stationId}
            label={t('station')}
            all={t('allStations')}
            value={filters.stationId}
            options={options.stations}
          />
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

function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block font-semibold">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A select of named ids, "all" first (the empty value: no filter). */
function Choice(props: {
  id: string;
  name: string;
  label: string;
  all: string;
  value: string | undefined;
  options: { id: string; name: string }[];
}) {
  return (
    <Labelled id={props.id} label={props.label}>
      <select id={props.id} name={props.name} defaultValue={props.value ?? ''} className={inputClass}>
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Labelled>
  );
}
