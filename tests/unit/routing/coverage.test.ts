/**
 * Coverage (issue 9): every (track, gender, municipality) needs a responsible active partner today and on
 * each of the next days; an active partner without any current or future rule is listed too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  coverageGaps,
  isPartnerActiveAt,
  partnersWithoutRules,
  type CoverageGap,
  type PartnerActivity,
} from '@/lib/routing/coverage';
import type { RoutingRuleFact } from '@/lib/routing/decide';
import type { RuleKey } from '@/lib/routing/plan';
import { COVERAGE_DAYS, RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { addDays, berlinDayStart } from '@/lib/time/days';

const TODAY = '2026-03-20'; // the window crosses the change to summer time (29 March)
const MUNICIPALITIES = ['garbsen', 'sehnde'] as const;
const ALL_KEYS: RuleKey[] = TRACKS.flatMap((track) =>
  MUNICIPALITIES.flatMap((municipalityId) => RULE_GENDERS.map((gender) => ({ track, gender, municipalityId }))),
);

/** The start of the Berlin day `n` days after `TODAY`. */
const day = (n: number) => berlinDayStart(addDays(TODAY, n));

const ACTIVE: PartnerActivity = { id: 'biss', activeFrom: day(-400), activeTo: null };

let ids = 0;
function rule(key: RuleKey, partnerId: string, from: number, to: number | null): RoutingRuleFact {
  ids += 1;
  return { ...key, id: `r${ids}`, version: 1, partnerId, validFrom: day(from), validTo: to === null ? null : day(to) };
}

/** Open-ended rules for every key, to the active partner, except the keys `except` keeps out. */
function fullCoverage(except: (key: RuleKey) => boolean = () => false): RoutingRuleFact[] {
  return ALL_KEYS.filter((k) => !except(k)).map((k) => rule(k, ACTIVE.id, -100, null));
}

const GARBSEN_FEMALE: RuleKey = { track: 'VICTIM', gender: 'FEMALE', municipalityId: 'garbsen' };
const isGarbsenFemale = (k: RuleKey) =>
  k.track === GARBSEN_FEMALE.track && k.gender === GARBSEN_FEMALE.gender && k.municipalityId === 'garbsen';

function gaps(rules: RoutingRuleFact[], partners: PartnerActivity[] = [ACTIVE], days?: number) {
  return coverageGaps({ rules, partners, municipalityIds: MUNICIPALITIES, today: TODAY, days });
}

describe('coverageGaps', () => {
  it('finds no gap when every key has an open-ended rule of an active partner', () => {
    expect(gaps(fullCoverage())).toEqual([]);
  });

  it.each<[string, RoutingRuleFact[], PartnerActivity[], Omit<CoverageGap, keyof RuleKey> | null]>([
    ['no rule at all', [], [ACTIVE], { firstDay: TODAY, uncoveredDays: COVERAGE_DAYS + 1 }],
    [
      'a rule ending in 10 days without successor',
      [rule(GARBSEN_FEMALE, 'biss', -5, 10)],
      [ACTIVE],
      {
        firstDay: addDays(TODAY, 10),
        uncoveredDays: COVERAGE_DAYS + 1 - 10,
      },
    ],
    [
      'a rule ending in 10 days with a successor from that day',
      [rule(GARBSEN_FEMALE, 'biss', -5, 10), rule(GARBSEN_FEMALE, 'btz', 10, null)],
      [ACTIVE, { ...ACTIVE, id: 'btz' }],
      null,
    ],
    [
      'a successor that starts a day late',
      [rule(GARBSEN_FEMALE, 'biss', -5, 10), rule(GARBSEN_FEMALE, 'btz', 11, null)],
      [ACTIVE, { ...ACTIVE, id: 'btz' }],
      { firstDay: addDays(TODAY, 10), uncoveredDays: 1 },
    ],
    [
      'a rule that ends today',
      [rule(GARBSEN_FEMALE, 'biss', -5, 0)],
      [ACTIVE],
      {
        firstDay: TODAY,
        uncoveredDays: COVERAGE_DAYS + 1,
      },
    ],
    ['a rule that ends after the window', [rule(GARBSEN_FEMALE, 'biss', -5, COVERAGE_DAYS + 1)], [ACTIVE], null],
    [
      'a rule that ends on the last day of the window',
      [rule(GARBSEN_FEMALE, 'biss', -5, COVERAGE_DAYS)],
      [ACTIVE],
      {
        firstDay: addDays(TODAY, COVERAGE_DAYS),
        uncoveredDays: 1,
      },
    ],
    [
      'a rule that starts in 7 days',
      [rule(GARBSEN_FEMALE, 'biss', 7, null)],
      [ACTIVE],
      {
        firstDay: TODAY,
        uncoveredDays: 7,
      },
    ],
    [
      'a rule ending at the start of 29 March (summer time)',
      [rule(GARBSEN_FEMALE, 'biss', -5, 9)],
      [ACTIVE],
      { firstDay: '2026-03-29', uncoveredDays: COVERAGE_DAYS + 1 - 9 },
    ],
    [
      'a partner that is no longer active (activeTo in the past)',
      [rule(GARBSEN_FEMALE, 'old', -100, null)],
      [ACTIVE, { id: 'old', activeFrom: day(-400), activeTo: day(-1) }],
      { firstDay: TODAY, uncoveredDays: COVERAGE_DAYS + 1 },
    ],
    [
      'a partner whose last active day is in 4 days',
      [rule(GARBSEN_FEMALE, 'leaving', -100, null)],
      [ACTIVE, { id: 'leaving', activeFrom: day(-400), activeTo: day(5) }],
      { firstDay: addDays(TODAY, 5), uncoveredDays: COVERAGE_DAYS + 1 - 5 },
    ],
    [
      'a partner active only from the day after tomorrow',
      [rule(GARBSEN_FEMALE, 'new', -100, null)],
      [ACTIVE, { id: 'new', activeFrom: day(2), activeTo: null }],
      { firstDay: TODAY, uncoveredDays: 2 },
    ],
    [
      'a partner that is not known at all',
      [rule(GARBSEN_FEMALE, 'ghost', -100, null)],
      [ACTIVE],
      {
        firstDay: TODAY,
        uncoveredDays: COVERAGE_DAYS + 1,
      },
    ],
    [
      'only a cancelled rule',
      [rule(GARBSEN_FEMALE, 'biss', 0, 0)],
      [ACTIVE],
      {
        firstDay: TODAY,
        uncoveredDays: COVERAGE_DAYS + 1,
      },
    ],
    [
      'a rule ending in 3 days whose successor was cancelled',
      [rule(GARBSEN_FEMALE, 'biss', -5, 3), rule(GARBSEN_FEMALE, 'btz', 3, 3)],
      [ACTIVE, { ...ACTIVE, id: 'btz' }],
      { firstDay: addDays(TODAY, 3), uncoveredDays: COVERAGE_DAYS + 1 - 3 },
    ],
    [
      'the rule of another track, gender or municipality, or of "not stated"',
      [
        rule({ ...GARBSEN_FEMALE, track: 'PERPETRATOR' }, 'biss', -5, null),
        rule({ ...GARBSEN_FEMALE, gender: 'DIVERSE' }, 'biss', -5, null),
        rule({ ...GARBSEN_FEMALE, municipalityId: 'sehnde' }, 'biss', -5, null),
        { ...rule(GARBSEN_FEMALE, 'biss', -5, null), gender: 'NOT_STATED' },
      ],
      [ACTIVE],
      { firstDay: TODAY, uncoveredDays: COVERAGE_DAYS + 1 },
    ],
  ])('%s', (_name, garbsenFemale, partners, expected) => {
    // Only Garbsen/victim/female is varied; every other key is covered in full (rules of other keys in a
    // case add to that full coverage and must not count for Garbsen/victim/female).
    const rules = [...fullCoverage(isGarbsenFemale), ...garbsenFemale];
    expect(gaps(rules, partners)).toEqual(expected ? [{ ...GARBSEN_FEMALE, ...expected }] : []);
  });

  it('reports each uncovered key once, in the order track, municipality, gender', () => {
    const result = gaps([], [ACTIVE]);
    expect(result.map((g) => [g.track, g.municipalityId, g.gender])).toEqual(
      ALL_KEYS.map((k) => [k.track, k.municipalityId, k.gender]),
    );
    expect(new Set(result.map((g) => g.uncoveredDays))).toEqual(new Set([COVERAGE_DAYS + 1]));
  });

  it('looks `days` ahead: today and the given number of days after it', () => {
    const rules = [...fullCoverage(isGarbsenFemale), rule(GARBSEN_FEMALE, 'biss', -5, 10)];
    expect(gaps(rules, [ACTIVE], 9)).toEqual([]);
    expect(gaps(rules, [ACTIVE], 10)).toEqual([{ ...GARBSEN_FEMALE, firstDay: addDays(TODAY, 10), uncoveredDays: 1 }]);
    expect(gaps([], [ACTIVE], 0)).toHaveLength(ALL_KEYS.length);
    expect(gaps([], [ACTIVE], 0)[0]).toMatchObject({ firstDay: TODAY, uncoveredDays: 1 });
  });

  it('ignores municipalities it was not asked about', () => {
    expect(coverageGaps({ rules: [], partners: [ACTIVE], municipalityIds: [], today: TODAY })).toEqual([]);
  });
});

describe('partnersWithoutRules', () => {
  const now = new Date(day(0).getTime() + 10 * 3_600_000);
  const key = GARBSEN_FEMALE;

  it.each<[string, PartnerActivity, RoutingRuleFact[], boolean]>([
    ['an active partner without any rule', ACTIVE, [], true],
    ['an active partner with an open-ended rule', ACTIVE, [rule(key, 'biss', -10, null)], false],
    ['an active partner whose rule ends tomorrow', ACTIVE, [rule(key, 'biss', -10, 1)], false],
    ['an active partner with only a rule that starts next month', ACTIVE, [rule(key, 'biss', 30, null)], false],
    [
      'an active partner whose rules all ended',
      ACTIVE,
      [rule(key, 'biss', -10, -1), rule(key, 'biss', -30, -10)],
      true,
    ],
    ['an active partner whose rule ended this morning', ACTIVE, [rule(key, 'biss', -10, 0)], true],
    ['an active partner with only a cancelled future rule', ACTIVE, [rule(key, 'biss', 30, 30)], true],
    ['an inactive partner without rules', { id: 'biss', activeFrom: day(-400), activeTo: day(0) }, [], false],
    ['a partner not active yet', { id: 'biss', activeFrom: day(1), activeTo: null }, [], false],
    ['a partner whose last active day is today', { id: 'biss', activeFrom: day(-400), activeTo: day(1) }, [], true],
  ])('%s → listed: %s', (_name, partner, rules, listed) => {
    const others = [rule(key, 'other', -10, null)];
    expect(partnersWithoutRules([...others, ...rules], [partner], now)).toEqual(listed ? [partner.id] : []);
  });

  it('lists only the partners without rules, in the given order', () => {
    const partners = ['c', 'a', 'b', 'd'].map((id) => ({ ...ACTIVE, id }));
    expect(partnersWithoutRules([rule(GARBSEN_FEMALE, 'a', -1, null)], partners, day(0))).toEqual(['c', 'b', 'd']);
  });
});

describe('isPartnerActiveAt', () => {
  const partner = { id: 'p', activeFrom: day(0), activeTo: day(5) };
  it.each([
    [day(0).getTime() - 1, false],
    [day(0).getTime(), true],
    [day(5).getTime() - 1, true],
    [day(5).getTime(), false],
  ])('at %i: %s', (at, active) => {
    expect(isPartnerActiveAt(partner, new Date(at))).toBe(active);
  });

  it('is active for ever when activeTo is open', () => {
    expect(isPartnerActiveAt({ ...partner, activeTo: null }, new Date('2100-01-01T00:00:00Z'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property: a key is reported exactly when some day of the window lacks a valid rule with an active
// partner, with the first such day and the number of such days. The oracle works on day numbers only.

const BASE = '2026-01-01';
const baseDay = new Map<number, Date>();
function dayN(n: number): Date {
  let d = baseDay.get(n);
  if (!d) {
    d = berlinDayStart(addDays(BASE, n));
    baseDay.set(n, d);
  }
  return d;
}

type Span = { from: number; to: number | null };
type GenRule = RuleKey & Span & { partnerId: string };
type GenPartner = { id: string } & Span;

const PARTNER_IDS = ['p1', 'p2', 'p3', 'p4'] as const;
/** A validity from day `from` (often day 0) for a while or, half the time, for ever (maybe empty). */
const spanArb = (maxFrom: number, maxLength: number): fc.Arbitrary<Span> =>
  fc
    .record({
      from: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxFrom })),
      length: fc.option(fc.integer({ min: 0, max: maxLength }), { nil: null, freq: 2 }),
    })
    .map(({ from, length }) => ({ from, to: length === null ? null : from + length }));

const worldArb = fc
  .record({
    // Half the keys get a rule from day 0 on, so that whole windows are covered often enough; the others
    // and further rules (which may overlap: coverage must still count a day once) vary it.
    backbone: fc.array(fc.option(fc.constantFrom(...PARTNER_IDS), { nil: null, freq: 2 }), {
      minLength: ALL_KEYS.length,
      maxLength: ALL_KEYS.length,
    }),
    rules: fc.array(
      fc
        .record({
          key: fc.constantFrom(...ALL_KEYS),
          span: spanArb(120, 90),
          partnerId: fc.constantFrom(...PARTNER_IDS, 'unknown'),
        })
        .map(({ key, span, partnerId }): GenRule => ({ ...key, ...span, partnerId })),
      { maxLength: 30 },
    ),
    partners: fc.uniqueArray(
      fc
        .record({ id: fc.constantFrom(...PARTNER_IDS), span: spanArb(60, 200) })
        .map(({ id, span }): GenPartner => ({ id, ...span })),
      { selector: (p) => p.id, maxLength: PARTNER_IDS.length },
    ),
    todayIndex: fc.integer({ min: 0, max: 120 }),
    days: fc.integer({ min: 0, max: 45 }),
  })
  .map(({ backbone, rules, ...rest }) => ({
    ...rest,
    rules: [
      ...backbone.flatMap((partnerId, i) => (partnerId ? [{ ...ALL_KEYS[i]!, from: 0, to: null, partnerId }] : [])),
      ...rules,
    ],
  }));

const within = (span: Span, n: number) => span.from <= n && (span.to === null || n < span.to);

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

function oracle(world: World) {
  const result: CoverageGap[] = [];
  for (const key of ALL_KEYS) {
    const uncovered: number[] = [];
    for (let i = 0; i <= world.days; i++) {
      const n = world.todayIndex + i;
      const covered = world.rules.some(
        (r) =>
          r.track === key.track &&
          r.gender === key.gender &&
          r.municipalityId === key.municipalityId &&
          within(r, n) &&
          world.partners.some((p) => p.id === r.partnerId && within(p, n)),
      );
      if (!covered) uncovered.push(n);
    }
    if (uncovered.length) {
      result.push({ ...key, firstDay: addDays(BASE, uncovered[0]!), uncoveredDays: uncovered.length });
    }
  }
  return result;
}

const sortGaps = (list: CoverageGap[]) =>
  [...list].sort((a, b) =>
    `${a.track}|${a.municipalityId}|${a.gender}`.localeCompare(`${b.track}|${b.municipalityId}|${b.gender}`),
  );

describe('coverageGaps, property', () => {
  it('reports a key iff a day of the window has no valid rule with an active partner', () => {
    let uncoveredKeys = 0;
    let coveredKeys = 0;
    fc.assert(
      fc.property(worldArb, (world) => {
        const rules: RoutingRuleFact[] = world.rules.map((r, i) => ({
          id: `r${i}`,
          version: 1,
          track: r.track,
          gender: r.gender,
          municipalityId: r.municipalityId,
          partnerId: r.partnerId,
          validFrom: dayN(r.from),
          validTo: r.to === null ? null : dayN(r.to),
        }));
        const partners: PartnerActivity[] = world.partners.map((p) => ({
          id: p.id,
          activeFrom: dayN(p.from),
          activeTo: p.to === null ? null : dayN(p.to),
        }));
        const actual = coverageGaps({
          rules,
          partners,
          municipalityIds: MUNICIPALITIES,
          today: addDays(BASE, world.todayIndex),
          days: world.days,
        });
        const expected = oracle(world);
        expect(sortGaps(actual)).toEqual(sortGaps(expected));
        uncoveredKeys += expected.length;
        coveredKeys += ALL_KEYS.length - expected.length;
      }),
      { numRuns: 300 },
    );
    // Both sides of the "iff" must have been exercised.
    expect(uncoveredKeys).toBeGreaterThan(200);
    expect(coveredKeys).toBeGreaterThan(200);
  });
});
