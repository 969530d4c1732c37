/** What a statistic measures: a count, a share in percent (12.5 means 12,5 %), or a duration in hours. */
export type StatFormat = 'count' | 'percent' | 'hours';

/** The unit words for durations. German by default; an English page passes its own, with its locale. */
export type StatUnits = { hours: string; days: string };

export const GERMAN_UNITS: StatUnits = { hours: 'Std.', days: 'Tage' };

/**
 * From two days on a duration reads better in days ("3,2 Tage", not "76,8 Std."); below, hours keep apart what
 * matters for reaching someone quickly (5 hours or 30). At 48 hours and more it is always plural ("Tage").
 */
const DAYS_FROM_HOURS = 48;

/**
 * One value as a chart and its table print it: counts with grouping (1.234), percent with one decimal at most
 * (12,5 %, the locale's own spacing and sign), durations in hours or days with one decimal at most.
 * Suppressed values (small cells) never reach this function: the charts print their `suppressedLabel` instead.
 */
/**
 * One formatter per locale and style, made once: a statistics page formats a few hundred values, and making
 * an Intl.NumberFormat each time was a tenth of its rendering time (`npm run bench -- stats`, CPU profile).
 */
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(locale: string, style: 'integer' | 'percent' | 'decimal' = 'decimal'): Intl.NumberFormat {
  const key = `${locale}|${style}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.NumberFormat(locale, {
      maximumFractionDigits: style === 'integer' ? 0 : 1,
      ...(style === 'percent' && { style: 'percent' }),
    });
    formatters.set(key, made);
  }
  return made;
}

export function formatStatValue(
  value: number,
  format: StatFormat,
  units: StatUnits = GERMAN_UNITS,
  locale = 'de-DE',
): string {
  const number = (n: number, style?: 'integer' | 'percent') => formatter(locale, style).format(n);
  switch (format) {
    case 'count':
      return number(value, 'integer');
    case 'percent':
      return number(value / 100, 'percent');
    case 'hours': {
      // Decide on the rounded value, so that 47.96 hours reads "2 Tage" rather than "48 Std.".
      const hours = Math.round(value * 10) / 10;
      // No-break space: the number and its unit never end up on two lines.
      return hours < DAYS_FROM_HOURS
        ? `${number(hours)}\u00a0${units.hours}`
        : `${number(value / 24)}\u00a0${units.days}`;
    }
  }
}
