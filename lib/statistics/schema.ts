import { isUuid } from '@/lib/validation/uuid';

/**
 * The statistics page's filters as its address carries them (German parameter names, like the audit
 * search): `von` and `bis` (months, YYYY-MM, both included), `gemeinde` and `dienststelle` (ids). What
 * cannot be read is named and left out, never guessed. Pure and client-safe.
 */
export const STATS_PARAMS = { from: 'von', to: 'bis', municipalityId: 'gemeinde', stationId: 'dienststelle' } as const;
export type StatsFilters = { from: string; to: string; municipalityId?: string; stationId?: string };
/** `range`: the end lay before the start (swapped); `rangeTooLong`: shortened to the last MAX_MONTHS. */
export type StatsProblem = keyof typeof STATS_PARAMS | 'rangeTooLong';

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
  const problems: StatsProblem[] = [];
  // A parameter given twice is as unreadable as a wrong one: which one was meant?
  const read = (key: keyof typeof STATS_PARAMS) => {
    const value = params[STATS_PARAMS[key]];
    if (Array.isArray(value)) problems.push(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const month = (key: 'from' | 'to') => {
    const value = read(key);
    if (value === undefined) return undefined;
    if (MONTH.test(value)) return value;
    problems.push(key);
    return undefined;
  };
  let to = month('to') ?? currentMonth;
  let from = month('from') ?? addMonths(to, -(DEFAULT_MONTHS - 1));
  // From and to the wrong way round: what was meant is clear.
  if (from > to) [from, to] = [to, from];
  if (monthsBetween(from, to) > MAX_MONTHS) {
    problems.push('rangeTooLong');
    from = addMonths(to, -(MAX_MONTHS - 1));
  }
  const filters: StatsFilters = { from, to };
  for (const key of ['municipalityId', 'stationId'] as const) {
    const value = read(key);
    if (value === undefined) continue;
    if (isUuid(value)) filters[key] = value.toLowerCase();
    else problems.push(key);
  }
  return { filters, problems };
}

/** A URL's query as parseStatsFilters reads it: a parameter given twice as a list. */
export function queryParams(search: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    params[key] = values.length === 1 ? values[0]! : values;
  }
  return params;
}

/** The address of the page (or its CSV) for `filters`. */
export function statsQuery(filters: StatsFilters): string {
  const query = new URLSearchParams({ [STATS_PARAMS.from]: filters.from, [STATS_PARAMS.to]: filters.to });
  if (filters.municipalityId) query.set(STATS_PARAMS.municipalityId, filters.municipalityId);
  if (filters.stationId) query.set(STATS_PARAMS.stationId, filters.stationId);
  return query.toString();
}
