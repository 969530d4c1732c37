/**
 * The change of responsibility (issue 9): which rule ends, which is cancelled, what conflicts, and what
 * saving writes. Table-driven cases for each outcome, then properties over generated rule histories:
 * applying the writes keeps the rules free of overlaps, hands every day from the first day on to the new
 * partner, leaves the past alone, and only ever ends rules earlier (what the database trigger allows).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Track } from '@/lib/generated/prisma/enums';
import type { RoutingRuleFact } from '@/lib/routing/decide';
import { planChange, planKey, planWrites, type KeyPlan, type PlanWrites, type RuleKey } from '@/lib/routing/plan';
import { RULE_GENDERS, TRACKS, type RuleGender } from '@/lib/routing/values';
import { addDays, berlinDayStart } from '@/lib/time/days';

const BASE = '2026-01-01';
const dayCache = new Map<number, Date>();
/** The start of the Berlin day `n` days after 1 January 2026 (the clocks change on days 87 and 297). */
function day(n: number): Date {
  let d = dayCache.get(n);
  if (!d) {
    d = berlinDayStart(addDays(BASE, n));
    dayCache.set(n, d);
  }
  return d;
}

const KEY: RuleKey = { track: 'VICTIM', gender: 'FEMALE', municipalityId: 'garbsen' };
/** When the admin saves: before every rule of these tests, so that any of them may still be withdrawn. */
const SCHEDULED_AT = new Date('2025-06-01T00:00:00Z');

function rule(
  id: string,
  partnerId: string,
  from: number,
  to: number | null,
  key: Partial<RuleKey> & { version?: number } = {},
): RoutingRuleFact {
  return {
    id,
    version: key.version ?? 1,
    track: key.track ?? KEY.track,
    gender: key.gender ?? KEY.gender,
    municipalityId: key.municipalityId ?? KEY.municipalityId,
    partnerId,
    validFrom: day(from),
    validTo: to === null ? null : day(to),
  };
}

describe('planKey', () => {
  const inForce = rule('a', 'biss', 0, null);
  const endsLater = rule('a', 'biss', 0, 40);
  const before = rule('a', 'biss', 0, 10);
  const startsOnFirstDay = rule('b', 'btz', 10, null);
  const scheduledSoon = rule('c', 'btz', 20, 30);
  const scheduledLater = rule('d', 'mb', 30, null);
  const cancelledOnFirstDay = rule('x', 'mb', 10, 10);
  const cancelledLater = rule('y', 'mb', 15, 15);

  it.each<[string, RoutingRuleFact[], KeyPlan]>([
    ['no rule at all', [], { key: KEY, outcome: 'CHANGE', previous: null, previousBecomes: null }],
    [
      'only rules of other keys',
      [
        rule('o1', 'biss', 0, null, { track: 'PERPETRATOR' }),
        rule('o2', 'biss', 0, null, { gender: 'DIVERSE' }),
        rule('o3', 'biss', 0, null, { municipalityId: 'sehnde' }),
        rule('o4', 'biss', 20, null, { municipalityId: 'sehnde' }),
      ],
      { key: KEY, outcome: 'CHANGE', previous: null, previousBecomes: null },
    ],
    [
      'a rule that ended before the first day',
      [rule('a', 'biss', 0, 5)],
      { key: KEY, outcome: 'CHANGE', previous: null, previousBecomes: null },
    ],
    [
      'a rule that ends exactly when the first day begins',
      [before],
      { key: KEY, outcome: 'CHANGE', previous: null, previousBecomes: null },
    ],
    [
      'an open-ended rule in force',
      [inForce],
      { key: KEY, outcome: 'CHANGE', previous: inForce, previousBecomes: 'ENDED' },
    ],
    [
      'a rule in force that would end later anyway',
      [endsLater],
      { key: KEY, outcome: 'CHANGE', previous: endsLater, previousBecomes: 'ENDED' },
    ],
    [
      'a rule starting on the first day',
      [before, startsOnFirstDay],
      { key: KEY, outcome: 'CHANGE', previous: startsOnFirstDay, previousBecomes: 'CANCELLED' },
    ],
    [
      'the same partner already responsible',
      [rule('a', 'neu', 0, null)],
      { key: KEY, outcome: 'UNCHANGED', current: rule('a', 'neu', 0, null) },
    ],
    [
      'the same partner, from the first day on',
      [before, rule('b', 'neu', 10, null)],
      { key: KEY, outcome: 'UNCHANGED', current: rule('b', 'neu', 10, null) },
    ],
    [
      'a change scheduled after the first day (the earliest one is named, in any order)',
      [scheduledLater, rule('a', 'biss', 0, 20), scheduledSoon],
      { key: KEY, outcome: 'CONFLICT', conflicting: scheduledSoon },
    ],
    [
      'a scheduled change even when the same partner is responsible now',
      [rule('a', 'neu', 0, 20), scheduledSoon],
      { key: KEY, outcome: 'CONFLICT', conflicting: scheduledSoon },
    ],
    [
      'a scheduled rule with no rule in force yet',
      [scheduledLater],
      { key: KEY, outcome: 'CONFLICT', conflicting: scheduledLater },
    ],
    [
      'a cancelled rule on the first day is not the rule in force',
      [inForce, cancelledOnFirstDay],
      { key: KEY, outcome: 'CHANGE', previous: inForce, previousBecomes: 'ENDED' },
    ],
    [
      'a cancelled rule after the first day is no conflict',
      [inForce, cancelledLater],
      { key: KEY, outcome: 'CHANGE', previous: inForce, previousBecomes: 'ENDED' },
    ],
    [
      'a cancelled rule of the new partner does not make the change unchanged',
      [inForce, rule('z', 'neu', 10, 10)],
      { key: KEY, outcome: 'CHANGE', previous: inForce, previousBecomes: 'ENDED' },
    ],
    [
      'only cancelled rules',
      [cancelledOnFirstDay, cancelledLater],
      { key: KEY, outcome: 'CHANGE', previous: null, previousBecomes: null },
    ],
  ])('%s', (_name, rules, expected) => {
    expect(planKey(rules, KEY, 'neu', day(10), SCHEDULED_AT)).toEqual(expected);
  });

  it('never withdraws a rule already in force on its own first day: it may have routed referrals', () => {
    const started = rule('r', 'biss', 10, null);
    expect(planKey([started], KEY, 'neu', day(10), day(12))).toEqual({
      key: KEY,
      outcome: 'CONFLICT',
      conflicting: started,
    });
    // Scheduled (its first day still ahead when saving): withdrawn and replaced.
    expect(planKey([started], KEY, 'neu', day(10), day(9))).toMatchObject({
      outcome: 'CHANGE',
      previousBecomes: 'CANCELLED',
    });
    // From a later day, it simply ends.
    expect(planKey([started], KEY, 'neu', day(11), day(12))).toMatchObject({
      outcome: 'CHANGE',
      previousBecomes: 'ENDED',
    });
  });

  it('finds the rule in force across a daylight-saving change (first day 29 March 2026)', () => {
    const spring = day(87);
    expect(addDays(BASE, 87)).toBe('2026-03-29');
    const current = rule('a', 'biss', 80, 88);
    expect(planKey([current], KEY, 'neu', spring, SCHEDULED_AT)).toMatchObject({
      outcome: 'CHANGE',
      previous: current,
    });
  });
});

describe('planChange', () => {
  it('plans every key of the request: municipalities in the given order, genders within each', () => {
    const plans = planChange([], {
      track: 'PERPETRATOR',
      genders: ['MALE', 'FEMALE'],
      municipalityIds: ['sehnde', 'garbsen'],
      partnerId: 'neu',
      firstDay: day(10),
      now: SCHEDULED_AT,
    });
    expect(plans.map((p) => [p.key.municipalityId, p.key.gender, p.key.track])).toEqual([
      ['sehnde', 'MALE', 'PERPETRATOR'],
      ['sehnde', 'FEMALE', 'PERPETRATOR'],
      ['garbsen', 'MALE', 'PERPETRATOR'],
      ['garbsen', 'FEMALE', 'PERPETRATOR'],
    ]);
  });

  it('plans each key by its own rules only', () => {
    const rules = [
      rule('f', 'biss', 0, null, { gender: 'FEMALE' }),
      rule('m', 'neu', 0, null, { gender: 'MALE' }),
      rule('d', 'biss', 0, 20, { gender: 'DIVERSE' }),
      rule('d2', 'btz', 20, null, { gender: 'DIVERSE' }),
      rule('p', 'gruppe', 0, null, { gender: 'FEMALE', track: 'PERPETRATOR' }),
    ];
    const plans = planChange(rules, {
      track: 'VICTIM',
      genders: ['FEMALE', 'MALE', 'DIVERSE'],
      municipalityIds: ['garbsen'],
      partnerId: 'neu',
      firstDay: day(10),
      now: SCHEDULED_AT,
    });
    expect(plans.map((p) => p.outcome)).toEqual(['CHANGE', 'UNCHANGED', 'CONFLICT']);
    expect(plans[0]).toMatchObject({ previous: { id: 'f' } });
  });
});

describe('planWrites', () => {
  const firstDay = day(10);

  it('ends the rule in force at the first day and starts an open-ended rule there', () => {
    const current = rule('a', 'biss', 0, null, { version: 3 });
    const writes = planWrites([planKey([current], KEY, 'neu', firstDay, SCHEDULED_AT)], 'neu', firstDay);
    expect(writes).toEqual({
      ends: [{ rule: current, validTo: firstDay, kind: 'ENDED' }],
      creates: [{ ...KEY, partnerId: 'neu', validFrom: firstDay }],
    });
  });

  it('cancels a rule that would only start on the first day (an empty validity)', () => {
    const scheduled = rule('b', 'btz', 10, null);
    const writes = planWrites(
      [planKey([rule('a', 'biss', 0, 10), scheduled], KEY, 'neu', firstDay, SCHEDULED_AT)],
      'neu',
      firstDay,
    );
    expect(writes.ends).toEqual([{ rule: scheduled, validTo: scheduled.validFrom, kind: 'CANCELLED' }]);
    expect(writes.creates).toEqual([{ ...KEY, partnerId: 'neu', validFrom: firstDay }]);
  });

  it('only creates where no rule is in force', () => {
    expect(planWrites([planKey([], KEY, 'neu', firstDay, SCHEDULED_AT)], 'neu', firstDay)).toEqual({
      ends: [],
      creates: [{ ...KEY, partnerId: 'neu', validFrom: firstDay }],
    });
  });

  it('writes nothing for unchanged and conflicting keys, and everything for the others', () => {
    const other = (gender: RuleGender) => ({ ...KEY, gender });
    const plans: KeyPlan[] = [
      planKey([rule('u', 'neu', 0, null)], KEY, 'neu', firstDay, SCHEDULED_AT),
      planKey([rule('c', 'btz', 20, null, { gender: 'MALE' })], other('MALE'), 'neu', firstDay, SCHEDULED_AT),
      planKey([rule('e', 'biss', 0, null, { gender: 'DIVERSE' })], other('DIVERSE'), 'neu', firstDay, SCHEDULED_AT),
    ];
    expect(plans.map((p) => p.outcome)).toEqual(['UNCHANGED', 'CONFLICT', 'CHANGE']);
    const writes = planWrites(plans, 'neu', firstDay);
    expect(writes.ends.map((e) => [e.rule.id, e.kind])).toEqual([['e', 'ENDED']]);
    expect(writes.creates).toEqual([{ ...other('DIVERSE'), partnerId: 'neu', validFrom: firstDay }]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over generated rule histories.

const MUNICIPALITIES: readonly string[] = ['garbsen', 'sehnde'];
const PARTNERS = ['p1', 'p2', 'p3'] as const;
const ALL_KEYS: RuleKey[] = TRACKS.flatMap((track) =>
  MUNICIPALITIES.flatMap((municipalityId) => RULE_GENDERS.map((gender) => ({ track, gender, municipalityId }))),
);
/** Every day the checks look at: before any rule, and well after the last boundary a history can have. */
const FIRST_CHECKED = -3;
const LAST_CHECKED = 220;
const CHECKED_DAYS = Array.from({ length: LAST_CHECKED - FIRST_CHECKED + 1 }, (_, i) => FIRST_CHECKED + i);

type Segment = { gap: number; length: number; partnerId: string; version: number };
type KeyHistory = {
  start: number;
  segments: Segment[];
  openEnded: boolean;
  cancelled: { at: number; partnerId: string }[];
};

const partnerArb = fc.constantFrom(...PARTNERS);
const segmentArb: fc.Arbitrary<Segment> = fc.record({
  // Mostly contiguous (what changes of responsibility produce), sometimes with a gap.
  gap: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
  length: fc.integer({ min: 1, max: 15 }),
  partnerId: partnerArb,
  version: fc.integer({ min: 1, max: 4 }),
});

function historyArb(openEnded: fc.Arbitrary<boolean>): fc.Arbitrary<KeyHistory> {
  return fc.record({
    start: fc.integer({ min: 0, max: 20 }),
    segments: fc.array(segmentArb, { maxLength: 5 }),
    openEnded,
    cancelled: fc.array(fc.record({ at: fc.integer({ min: 0, max: 120 }), partnerId: partnerArb }), { maxLength: 2 }),
  });
}

/** Non-overlapping, day-aligned rules of one key, plus cancelled (empty) rules anywhere. */
function rulesOf(key: RuleKey, history: KeyHistory, keyIndex: number): RoutingRuleFact[] {
  const rules: RoutingRuleFact[] = [];
  let from = history.start;
  history.segments.forEach((segment, i) => {
    from += segment.gap;
    const last = i === history.segments.length - 1;
    const to = last && history.openEnded ? null : from + segment.length;
    rules.push({
      ...key,
      id: `k${keyIndex}-r${i}`,
      version: segment.version,
      partnerId: segment.partnerId,
      validFrom: day(from),
      validTo: to === null ? null : day(to),
    });
    from += segment.length;
  });
  history.cancelled.forEach((c, i) => {
    rules.push({
      ...key,
      id: `k${keyIndex}-c${i}`,
      version: 2,
      partnerId: c.partnerId,
      validFrom: day(c.at),
      validTo: day(c.at),
    });
  });
  return rules;
}

type FirstDayPick = { kind: 'day'; n: number } | { kind: 'afterLastStart'; plus: number };

type Scenario = {
  rules: RoutingRuleFact[];
  track: Track;
  genders: RuleGender[];
  municipalityIds: string[];
  partnerId: string;
  firstDayIndex: number;
};

function scenarioArb(openEnded: fc.Arbitrary<boolean>): fc.Arbitrary<Scenario> {
  return fc
    .record({
      histories: fc.array(historyArb(openEnded), { minLength: ALL_KEYS.length, maxLength: ALL_KEYS.length }),
      track: fc.constantFrom(...TRACKS),
      genders: fc.shuffledSubarray([...RULE_GENDERS], { minLength: 1 }),
      municipalityIds: fc.shuffledSubarray([...MUNICIPALITIES], { minLength: 1 }),
      partnerId: partnerArb,
      pick: fc.oneof(
        fc.record({ kind: fc.constant('day' as const), n: fc.integer({ min: 0, max: 110 }) }),
        // Just after (or exactly at) the last scheduled start of the request's keys: mostly no conflict.
        fc.record({ kind: fc.constant('afterLastStart' as const), plus: fc.integer({ min: 0, max: 5 }) }),
      ) as fc.Arbitrary<FirstDayPick>,
    })
    .map(({ histories, track, genders, municipalityIds, partnerId, pick }) => {
      const rules = ALL_KEYS.flatMap((key, i) => rulesOf(key, histories[i]!, i));
      let firstDayIndex: number;
      if (pick.kind === 'day') firstDayIndex = pick.n;
      else {
        const starts = rules
          .filter(
            (r) =>
              r.track === track &&
              genders.includes(r.gender as RuleGender) &&
              municipalityIds.includes(r.municipalityId),
          )
          .filter((r) => r.validTo === null || r.validTo > r.validFrom)
          .map((r) => dayIndexOf(r.validFrom));
        firstDayIndex = Math.max(0, ...starts) + pick.plus;
      }
      return { rules, track, genders, municipalityIds, partnerId, firstDayIndex };
    });
}

function dayIndexOf(instant: Date): number {
  for (let n = FIRST_CHECKED; n <= LAST_CHECKED; n++) if (day(n).getTime() === instant.getTime()) return n;
  throw new Error(`not a generated day: ${instant.toISOString()}`);
}

/** Saving, in memory: ends set validTo with the next version, creates append open-ended rules. */
function applyWrites(rules: readonly RoutingRuleFact[], writes: PlanWrites): RoutingRuleFact[] {
  const ends = new Map(writes.ends.map((e) => [e.rule.id, e]));
  const next = rules.map((r) => {
    const end = ends.get(r.id);
    return end ? { ...r, validTo: end.validTo, version: r.version + 1 } : r;
  });
  writes.creates.forEach((c, i) =>
    next.push({
      id: `new-${i}`,
      version: 1,
      track: c.track,
      gender: c.gender,
      municipalityId: c.municipalityId,
      partnerId: c.partnerId,
      validFrom: c.validFrom,
      validTo: null,
    }),
  );
  return next;
}

const sameKey = (r: RoutingRuleFact, k: RuleKey) =>
  r.track === k.track && r.gender === k.gender && r.municipalityId === k.municipalityId;

const keyEquals = (a: RuleKey, b: RuleKey) =>
  a.track === b.track && a.gender === b.gender && a.municipalityId === b.municipalityId;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The partners of the non-empty rules of `key` that apply at `at`, written out rather than reused. */
function responsible(rules: readonly RoutingRuleFact[], key: RuleKey, at: Date): string[] {
  return rules
    .filter((r) => sameKey(r, key))
    .filter((r) => r.validTo === null || r.validTo.getTime() > r.validFrom.getTime())
    .filter((r) => r.validFrom.getTime() <= at.getTime() && (r.validTo === null || at.getTime() < r.validTo.getTime()))
    .map((r) => r.partnerId);
}

function run(s: Scenario) {
  const firstDay = day(s.firstDayIndex);
  const plans = planChange(s.rules, {
    track: s.track,
    genders: s.genders,
    municipalityIds: s.municipalityIds,
    partnerId: s.partnerId,
    firstDay,
    now: SCHEDULED_AT,
  });
  const writes = planWrites(plans, s.partnerId, firstDay);
  return { firstDay, plans, writes, after: applyWrites(s.rules, writes) };
}

const requestKeys = (s: Scenario): RuleKey[] =>
  s.municipalityIds.flatMap((municipalityId) =>
    s.genders.map((gender) => ({ track: s.track, gender, municipalityId })),
  );

const anyHistory = scenarioArb(fc.boolean());
/** Histories as the application keeps them: the last rule of each key is open-ended (or the key has none). */
const keptHistory = scenarioArb(fc.constant(true));

describe('planChange and planWrites, properties', () => {
  it('(a) at most one rule applies per key and day, before and after applying the writes', () => {
    fc.assert(
      fc.property(anyHistory, (s) => {
        const { after } = run(s);
        const overlapping = (rules: readonly RoutingRuleFact[]) =>
          ALL_KEYS.flatMap((key) => {
            const ofKey = rules.filter((r) => sameKey(r, key));
            return CHECKED_DAYS.filter((n) => responsible(ofKey, key, day(n)).length > 1).map((n) => ({ key, n }));
          });
        expect(overlapping(s.rules)).toEqual([]);
        expect(overlapping(after)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('(b) without conflicts the new partner is responsible on every day from the first day, and the past is kept', () => {
    let withoutConflict = 0;
    fc.assert(
      fc.property(keptHistory, (s) => {
        const { plans, after } = run(s);
        if (plans.some((p) => p.outcome === 'CONFLICT')) return;
        withoutConflict += 1;
        const requested = requestKeys(s);
        for (const key of ALL_KEYS) {
          const inRequest = requested.some((k) => keyEquals(k, key));
          const before = s.rules.filter((r) => sameKey(r, key));
          const now = after.filter((r) => sameKey(r, key));
          const wrong = CHECKED_DAYS.filter((n) => {
            const expected = inRequest && n >= s.firstDayIndex ? [s.partnerId] : responsible(before, key, day(n));
            return !sameList(responsible(now, key, day(n)), expected);
          });
          expect(wrong, `days with the wrong partner for ${JSON.stringify(key)}`).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach the interesting case often enough for the property to mean something.
    expect(withoutConflict).toBeGreaterThan(50);
  });

  it('(c) writes only end rules earlier, never before their start, with the rule as it was read', () => {
    fc.assert(
      fc.property(anyHistory, (s) => {
        const { writes } = run(s);
        const byId = new Map(s.rules.map((r) => [r.id, r]));
        expect(new Set(writes.ends.map((e) => e.rule.id)).size).toBe(writes.ends.length);
        for (const end of writes.ends) {
          expect(byId.get(end.rule.id)).toBe(end.rule);
          expect(end.validTo.getTime()).toBeGreaterThanOrEqual(end.rule.validFrom.getTime());
          if (end.rule.validTo !== null) expect(end.validTo.getTime()).toBeLessThan(end.rule.validTo.getTime());
          expect(end.kind).toBe(end.validTo.getTime() === end.rule.validFrom.getTime() ? 'CANCELLED' : 'ENDED');
        }
        for (const create of writes.creates) {
          expect(create.partnerId).toBe(s.partnerId);
          expect(create.validFrom).toEqual(day(s.firstDayIndex));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('(d) a key conflicts exactly when a non-empty rule starts after the first day, and the earliest is named', () => {
    fc.assert(
      fc.property(anyHistory, (s) => {
        const { plans } = run(s);
        expect(plans).toHaveLength(s.genders.length * s.municipalityIds.length);
        for (const plan of plans) {
          const later = s.rules
            .filter((r) => sameKey(r, plan.key) && (r.validTo === null || r.validTo > r.validFrom))
            .map((r) => ({ r, from: dayIndexOf(r.validFrom) }))
            .filter(({ from }) => from > s.firstDayIndex)
            .sort((a, b) => a.from - b.from);
          if (later[0]) expect(plan).toEqual({ key: plan.key, outcome: 'CONFLICT', conflicting: later[0].r });
          else expect(plan.outcome).not.toBe('CONFLICT');
        }
      }),
      { numRuns: 200 },
    );
  });

  // Defect: UNCHANGED is decided by the partner of the rule in force alone. When that rule already ends
  // after the first day (and nothing follows it), nothing is written, so from its end on the key has no
  // partner, although the change promised the partner open-ended responsibility from the first day.
  // (The same property over histories whose last rule may end: `anyHistory` finds it at once.)
  it('(b) also holds when the same partner’s rule in force ends later without a successor', () => {
    const ending = rule('a', 'neu', 0, 40);
    const firstDay = day(10);
    const plans = planChange([ending], {
      track: KEY.track,
      genders: [KEY.gender],
      municipalityIds: [KEY.municipalityId],
      partnerId: 'neu',
      firstDay,
      now: SCHEDULED_AT,
    });
    const after = applyWrites([ending], planWrites(plans, 'neu', firstDay));
    expect(responsible(after, KEY, day(39))).toEqual(['neu']);
    expect(responsible(after, KEY, day(40))).toEqual(['neu']);
  });
});
