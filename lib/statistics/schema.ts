import { isUuid } from '@/lib/validation/uuid';

/**
 * The statistics page's filters as its address carries them (German parameter names, like the audit
 * search): `von` and `bis` (months, YYYY-MM, both included), `gemeinde` and `dienststelle` (ids). What
 * cannot be read is named and left out, never guessed. Pure and client-safe.
 */
export const STATS_PARAMS = { from: 'von', to: 'bis', municipalityId: 'gemeinde', stationId: 'dienststelle' } as const;
export type StatsFilters = { from: string; to: string; municipalityId?: string; stationId?: string };
export type StatsProblem = keyof typeof STATS_PARAMS | 'range';

/** The default period: the last twelve months, the current one included. */
export const DEFAULT_MONTHS = 12;
/** The longest period: ten years. */
export const MAX_MONTHS = 120;

/** Months of this century: the app's history starts in it, and PostgreSQL knows no year 0. */
const MONTH = /^(20\d\d)-(0[1-9]|1[0-2])$/;

/** `month` (YYYY-MM) moved by `delta` months. */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const monthsBetween = (from: string, to: string) => {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
};

/** The calendar quarter before the one `month` lies in, as [first month, last month]. */
export function previousQuarter(month: string): [string, string] {
  const [, m] = month.split('-').map(Number) as [number, number];
  const first = addMonths(month, -((m - 1) % 3) - 3);
  return [first, addMonths(first, 2)];
}

export function parseStatsFilters(
  params: Record<string, string | string[] | undefined>,
  currentMonth: string,
): { filters: StatsFilters; problems: StatsProblem[] } {
  const read = (name: string) => {
    const value = params[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const problems: StatsProblem[] = [];
  const month = (key: 'from' | 'to') => {
    const value = read(STATS_PARAMS[key]);
    if (value === undefined) return undefined;
    if (MONTH.test(value)) return value;
    problems.push(key);
    return undefined;
  };
  let to = month('to') ?? currentMonth;
  let from = month('from') ?? addMonths(to, -(DEFAULT_MONTHS - 1));
  if (from > to) {
    problems.push('range');
    to = currentMonth;
    from = addMonths(to, -(DEFAULT_MONTHS - 1));
  } else if (monthsBetween(from, to) > MAX_MONTHS) {
    problems.push('range');
    from = addMonths(to, -(MAX_MONTHS - 1));
  }
  const filters: StatsFilters = { from, to };
  for (const key of ['municipalityId', 'stationId'] as const) {
    const value = read(STATS_PARAMS[key]);
    if (value === undefined) continue;
    if (isUuid(value)) filters[key] = value.toLowerCase();
    else problems.push(key);
  }
  return { filters, problems };
}

/** The address of the page (or its CSV) for `filters`. */
export function statsQuery(filters: StatsFilters): string {
  const query = new URLSearchParams({ [STATS_PARAMS.from]: filters.from, [STATS_PARAMS.to]: filters.to });
  if (filters.municipalityId) query.set(STATS_PARAMS.municipalityId, filters.municipalityId);
  if (filters.stationId) query.set(STATS_PARAMS.stationId, filters.stationId);
  return query.toString();
}
