/**
 * Small-cell suppression (ADR 0014): nothing published is below 5, and no suppressed cell can be worked out
 * from what is published about its atom (the only place a figure's parts come from: every shown figure is a
 * sum of published atom values). Checked on examples and on thousands of random atoms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MIN_PUBLISHED, protectFamily, protectPopulation, type Population } from '@/lib/statistics/protect';

const family = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('protectFamily', () => {
  it('publishes a family without small cells as it is', () => {
    expect(protectFamily(family({ FEMALE: 12, MALE: 5 }))).toEqual(family({ FEMALE: 12, MALE: 5 }));
  });

  it('suppresses a small cell and the smallest large one with it, so the rest does not give it away', () => {
    expect(protectFamily(family({ FEMALE: 30, MALE: 3, DIVERSE: 9 }))).toEqual(
      new Map([
        ['FEMALE', 30],
        ['MALE', null],
        ['DIVERSE', null],
      ]),
    );
  });

  it('hides the parent when only small cells remain and their sum pins them down', () => {
    // Two cells of 1 to 4 summing to 8 are 4 and 4; summing to 2, 1 and 1.
    expect(protectFamily(family({ A: 4, B: 4 }))).toBe('HIDE');
    expect(protectFamily(family({ A: 3, B: 3 }))).toEqual(
      new Map([
        ['A', null],
        ['B', null],
      ]),
    );
  });
});

describe('protectPopulation', () => {
  it('hides a population below 5 with all its families', () => {
    expect(protectPopulation({ count: 3, families: { GENDER: family({ FEMALE: 3 }) } })).toEqual({
      count: null,
      families: { GENDER: new Map([['FEMALE', null]]) },
    });
  });

  it('hides the nested cells of a suppressed parent cell', () => {
    const published = protectPopulation({
      count: 14,
      families: { PARTNER: family({ a: 11, b: 3 }), REACHED: family({ 'a:YES': 6, 'a:NO': 5, 'b:YES': 3 }) },
      nested: { REACHED: { parent: 'PARTNER', parentKeyOf: (key) => key.split(':')[0]! } },
    });
    expect(published.families.PARTNER).toEqual(
      new Map([
        ['a', null],
        ['b', null],
      ]),
    );
    expect([...published.families.REACHED!.values()]).toEqual([null, null, null]);
  });

  /** A random atom: a count split over a family of up to five values, each split again in two. */
  const atom = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 0, max: 14 })), { minLength: 1, maxLength: 5 })
    .map((parts): Population => {
      const partner = new Map<string, number>();
      const reached = new Map<string, number>();
      parts.forEach(([yes, no], i) => {
        partner.set(`p${i}`, yes + no);
        reached.set(`p${i}:YES`, yes);
        if (no > 0) reached.set(`p${i}:NO`, no);
      });
      return {
        count: [...partner.values()].reduce((a, b) => a + b, 0),
        families: { PARTNER: partner, REACHED: reached },
        nested: { REACHED: { parent: 'PARTNER', parentKeyOf: (key) => key.split(':')[0]! } },
      };
    });

  it('never publishes a value below 5, and never leaves a suppressed cell alone or pinned down in its family', () => {
    fc.assert(
      fc.property(atom, (population) => {
        const published = protectPopulation(population);
        if (published.count === null) {
          for (const children of Object.values(published.families))
            expect([...children.values()].every((v) => v === null)).toBe(true);
          return;
        }
        expect(published.count).toBeGreaterThanOrEqual(MIN_PUBLISHED);
        const groups: [number, Map<string, number | null>, Map<string, number>][] = [
          [published.count, published.families.PARTNER!, population.families.PARTNER!],
        ];
        for (const [partner, value] of published.families.PARTNER!) {
          if (value === null) continue;
          const keys = [...published.families.REACHED!.keys()].filter((k) => k.startsWith(`${partner}:`));
          groups.push([
            value,
            new Map(keys.map((k) => [k, published.families.REACHED!.get(k)!])),
            population.families.REACHED!,
          ]);
        }
        for (const [parent, children, truth] of groups) {
          const hidden = [...children].filter(([, v]) => v === null).map(([k]) => truth.get(k)!);
          for (const value of children.values()) if (value !== null) expect(value).toBeGreaterThanOrEqual(MIN_PUBLISHED);
          if (hidden.length === 0) continue;
          // What someone learns: the hidden cells' sum. Alone, a hidden cell would be that sum.
          expect(hidden.length).toBeGreaterThanOrEqual(2);
          const sum = parent - [...children.values()].reduce<number>((a, v) => a + (v ?? 0), 0);
          expect(sum).toBe(hidden.reduce((a, b) => a + b, 0));
          // Cells of 1 to 4 only: their sum must leave more than one way to split it.
          if (hidden.every((v) => v < MIN_PUBLISHED)) {
            expect(sum).not.toBe(hidden.length);
            expect(sum).not.toBe(4 * hidden.length);
          }
        }
        // A nested cell is published only with its parent cell.
        for (const [key, value] of published.families.REACHED!) {
          if (value !== null) expect(published.families.PARTNER!.get(key.split(':')[0]!)).not.toBeNull();
        }
      }),
      { numRuns: 3000 },
    );
  });
});
