/**
 * Small-cell suppression (ADR 0014), on examples and on thousands of random atoms: nothing published is
 * below 5, a small cell never stands beside a published cell of under 10, at least two codes of a family read
 * "< 5", and a suppressed population publishes nothing but its suppressed count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MIN_PUBLISHED, protectFamily, protectPopulation, type Population } from '@/lib/statistics/protect';

const family = (entries: Record<string, number>) => new Map(Object.entries(entries));
const GENDERS = ['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED'];

describe('protectFamily', () => {
  it('publishes a family without small cells as it is', () => {
    expect(protectFamily(family({ FEMALE: 12, MALE: 5 }), GENDERS)).toEqual(family({ FEMALE: 12, MALE: 5 }));
  });

  it('next to a small cell publishes only values of 10 or more', () => {
    expect(protectFamily(family({ FEMALE: 30, MALE: 9, DIVERSE: 1 }), GENDERS)).toEqual(
      new Map([
        ['FEMALE', 30],
        ['MALE', null],
        ['DIVERSE', null],
      ]),
    );
  });

  it('publishes nothing when fewer than two codes would read "< 5"', () => {
    expect(protectFamily(family({ HIGH: 2, NORMAL: 30 }), ['HIGH', 'NORMAL'])).toEqual(
      new Map([
        ['HIGH', null],
        ['NORMAL', null],
      ]),
    );
  });
});

describe('protectPopulation', () => {
  it('publishes nothing of a population below 5, not even which codes occur', () => {
    expect(
      protectPopulation({ count: 3, families: { GENDER: { counts: family({ DIVERSE: 3 }), codes: GENDERS } } }),
    ).toEqual({ count: null, families: {} });
  });

  it('hides the nested cells of a cell that is not published', () => {
    const published = protectPopulation({
      count: 14,
      families: {
        PARTNER: { counts: family({ a: 11, b: 3 }), codes: ['a', 'b', 'c'] },
        REACHED: {
          counts: family({ 'a:YES': 6, 'a:NO': 5, 'b:YES': 3 }),
          codes: ['a:YES', 'a:NO', 'b:YES', 'b:NO', 'c:YES', 'c:NO'],
          nestedIn: { family: 'PARTNER', codeOf: (code) => code.split(':')[0]! },
        },
      },
    });
    expect(published.families.PARTNER).toEqual(
      new Map([
        ['a', 11],
        ['b', null],
      ]),
    );
    expect(published.families.REACHED).toEqual(
      new Map([
        ['a:YES', 6],
        ['a:NO', 5],
        ['b:YES', null],
      ]),
    );
  });

  /** A random atom: a count split over up to five partners, each split again into reached and not. */
  const atom = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 14 })), { minLength: 2, maxLength: 5 })
    .map((parts): Population => {
      const partner = new Map<string, number>();
      const reached = new Map<string, number>();
      parts.forEach(([yes, no], i) => {
        if (yes + no > 0) partner.set(`p${i}`, yes + no);
        if (yes > 0) reached.set(`p${i}:YES`, yes);
        if (no > 0) reached.set(`p${i}:NO`, no);
      });
      const codes = parts.map((_, i) => `p${i}`);
      return {
        count: [...partner.values()].reduce((a, b) => a + b, 0),
        families: {
          PARTNER: { counts: partner, codes },
          REACHED: {
            counts: reached,
            codes: codes.flatMap((c) => [`${c}:YES`, `${c}:NO`]),
            nestedIn: { family: 'PARTNER', codeOf: (key) => key.split(':')[0]! },
          },
        },
      };
    });

  it('never publishes below 5, never a small cell beside a published one under 10, always two codes "< 5"', () => {
    fc.assert(
      fc.property(atom, (population) => {
        const published = protectPopulation(population);
        if (published.count === null) {
          expect(published.families).toEqual({});
          return;
        }
        expect(published.count).toBeGreaterThanOrEqual(MIN_PUBLISHED);
        const check = (cells: Map<string, number | null>, truth: Map<string, number>, codes: string[]) => {
          const shown = [...cells.values()].filter((v): v is number => v !== null);
          for (const v of shown) expect(v).toBeGreaterThanOrEqual(MIN_PUBLISHED);
          const hasSmall = [...truth.values()].some((v) => v > 0 && v < MIN_PUBLISHED);
          if (hasSmall) {
            for (const v of shown) expect(v).toBeGreaterThanOrEqual(2 * MIN_PUBLISHED);
            expect(codes.length - shown.length).toBeGreaterThanOrEqual(2);
          }
        };
        const partnerCodes = population.families.PARTNER!.codes as string[];
        check(published.families.PARTNER!, population.families.PARTNER!.counts, partnerCodes);
        for (const partner of partnerCodes) {
          const codes = [`${partner}:YES`, `${partner}:NO`];
          const cells = new Map([...published.families.REACHED!].filter(([k]) => codes.includes(k)));
          const truth = new Map([...population.families.REACHED!.counts].filter(([k]) => codes.includes(k)));
          if (published.families.PARTNER!.get(partner) == null) {
            expect([...cells.values()].every((v) => v === null)).toBe(true);
          } else check(cells, truth, codes);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
