/**
 * Durations from the callout as histograms (ADR 0014): a fixed list of class bounds in hours, fine where the
 * timeliness targets lie (4 h, 24 h, 3 days), so that the histograms of many months and places add up and a
 * median or 90th percentile is read from their sum, interpolated within its class. Pure.
 */
export const BOUNDS_HOURS = [
  0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 36, 42, 48, 60, 72, 84, 96, 120, 144, 168, 240,
  336, 504, 720,
] as const;
/** Classes: [0, 0.25), [0.25, 0.5), …, [504, 720), and 720 h or more (a last class without an upper bound). */
export const CLASSES = BOUNDS_HOURS.length + 1;

/** The class of a duration in hours (negative durations, a typo in a stated time, count as 0). */
export function classOf(hours: number): number {
  let i = 0;
  while (i < BOUNDS_HOURS.length && hours >= BOUNDS_HOURS[i]!) i += 1;
  return i;
}

/** The q-quantile (0 < q < 1) of a histogram in hours, interpolated within its class; null when empty. */
export function quantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i += 1) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : BOUNDS_HOURS[i - 1]!;
      // The open last class is reported at its lower bound ("720 h or more").
      if (i >= BOUNDS_HOURS.length) return lower;
      const upper = BOUNDS_HOURS[i]!;
      return lower + ((rank - below) / n) * (upper - lower);
    }
    below += n;
  }
  return BOUNDS_HOURS.at(-1)!;
}

/** How many of a histogram's durations lie below `hours` (which must be a class bound: exact then). */
export function countBelow(counts: readonly number[], hours: number): number {
  const bound = BOUNDS_HOURS.indexOf(hours as (typeof BOUNDS_HOURS)[number]);
  if (bound < 0) throw new Error(`${hours} h is not a class bound`);
  return counts.slice(0, bound + 1).reduce((sum, n) => sum + n, 0);
}
