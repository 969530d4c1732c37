import { describe, expect, it } from 'vitest';

import { BOUNDS_HOURS, CLASSES, classOf, countBelow, quantile } from '@/lib/statistics/histogram';
import { addMonths, parseStatsFilters, previousQuarter } from '@/lib/statistics/schema';

const histogramOf = (hours: number[]) => {
  const counts = new Array<number>(CLASSES).fill(0);
  for (const h of hours) counts[classOf(h)]! += 1;
  return counts;
};

describe('duration histograms', () => {
  it('puts each duration into the class it starts, the targets being class bounds', () => {
    expect(classOf(0)).toBe(0);
    expect(classOf(3.99)).toBe(BOUNDS_HOURS.indexOf(4));
    expect(classOf(4)).toBe(BOUNDS_HOURS.indexOf(4) + 1);
    expect(classOf(10_000)).toBe(CLASSES - 1);
    expect(countBelow(histogramOf([1, 71.9, 72, 100]), 72)).toBe(2);
  });

  it('reads the median and the 90th percentile within a class, and nothing from an empty histogram', () => {
    const counts = histogramOf([1, 1.2, 1.4, 1.1, 1.3, 1.45, 1.25, 1.15, 1.35, 1.05]);
    const median = quantile(counts, 0.5)!;
    expect(median).toBeGreaterThanOrEqual(1);
    expect(median).toBeLessThanOrEqual(1.5);
    expect(quantile(histogramOf([2, 30, 30, 30, 30, 30, 30, 30, 30, 800]), 0.9)).toBeGreaterThanOrEqual(30);
    expect(quantile(histogramOf([800]), 0.5)).toBe(720);
    expect(quantile(new Array<number>(CLASSES).fill(0), 0.5)).toBeNull();
  });
});

describe('statistics filters', () => {
  it('reads months and ids, names what it cannot read, and defaults to the last twelve months', () => {
    expect(parseStatsFilters({}, '2026-11')).toEqual({ filters: { from: '2025-12', to: '2026-11' }, problems: [] });
    expect(
      parseStatsFilters({ von: '2026-07', bis: '2026-09', gemeinde: 'Hannover', dienststelle: "1' OR 1=1" }, '2026-11'),
    ).toEqual({ filters: { from: '2026-07', to: '2026-09' }, problems: ['municipalityId', 'stationId'] });
    expect(parseStatsFilters({ von: '2026-13', bis: '2026-02' }, '2026-11').problems).toEqual(['from']);
    expect(parseStatsFilters({ von: '0000-01', bis: '1999-12' }, '2026-11').problems.sort()).toEqual(['from', 'to']);
    // The wrong way round: swapped. Given twice: unreadable.
    expect(parseStatsFilters({ von: '2026-09', bis: '2026-02' }, '2026-11')).toEqual({
      filters: { from: '2026-02', to: '2026-09' },
      problems: [],
    });
    expect(parseStatsFilters({ dienststelle: ['a', 'b'] }, '2026-11').problems).toEqual(['stationId']);
    expect(parseStatsFilters({ von: '2001-01', bis: '2026-11' }, '2026-11').problems).toEqual(['rangeTooLong']);
    expect(parseStatsFilters({ von: '2001-01', bis: '2026-11' }, '2026-11').filters.from).toBe('2016-12');
  });

  it('knows the last quarter and moves months over year ends', () => {
    expect(previousQuarter('2026-11')).toEqual(['2026-07', '2026-09']);
    expect(previousQuarter('2026-01')).toEqual(['2025-10', '2025-12']);
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 13)).toBe('2027-01');
  });
});
