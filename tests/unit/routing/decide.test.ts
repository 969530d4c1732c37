import { describe, expect, it } from 'vitest';

import { decideRoute, isRuleValidAt, preferenceOptions, type RoutingRuleFact } from '@/lib/routing/decide';

const GARBSEN = 'muni-garbsen';
const HANNOVER = 'muni-hannover';
const at = new Date('2026-06-01T12:00:00Z');

function rule(
  partial: Partial<RoutingRuleFact> & Pick<RoutingRuleFact, 'id' | 'gender' | 'municipalityId' | 'partnerId'>,
): RoutingRuleFact {
  return { version: 1, track: 'VICTIM', validFrom: new Date('2024-01-01T00:00:00Z'), validTo: null, ...partial };
}

const rules: RoutingRuleFact[] = [
  rule({ id: 'r1', gender: 'FEMALE', municipalityId: GARBSEN, partnerId: 'biss-region' }),
  rule({ id: 'r2', gender: 'DIVERSE', municipalityId: GARBSEN, partnerId: 'biss-region' }),
  rule({ id: 'r3', gender: 'MALE', municipalityId: GARBSEN, partnerId: 'maennerbuero', version: 4 }),
  rule({ id: 'r4', gender: 'FEMALE', municipalityId: HANNOVER, partnerId: 'biss-lhh' }),
  rule({ id: 'r5', gender: 'MALE', municipalityId: HANNOVER, partnerId: 'maennerbuero' }),
  // A change of responsibility scheduled for 2027: not in force in 2026.
  rule({
    id: 'r6',
    gender: 'DIVERSE',
    municipalityId: HANNOVER,
    partnerId: 'biss-lhh',
    validTo: new Date('2027-01-01T00:00:00Z'),
  }),
  rule({
    id: 'r7',
    gender: 'DIVERSE',
    municipalityId: HANNOVER,
    partnerId: 'biss-region',
    validFrom: new Date('2027-01-01T00:00:00Z'),
  }),
];

describe('decideRoute', () => {
  it.each([
    ['MALE', GARBSEN, 'maennerbuero', 'r3'],
    ['FEMALE', GARBSEN, 'biss-region', 'r1'],
    ['DIVERSE', GARBSEN, 'biss-region', 'r2'],
    ['FEMALE', HANNOVER, 'biss-lhh', 'r4'],
    ['DIVERSE', HANNOVER, 'biss-lhh', 'r6'],
  ] as const)('routes %s in %s to %s', (gender, municipalityId, partnerId, ruleId) => {
    const decision = decideRoute(rules, { track: 'VICTIM', gender, municipalityId, at });
    expect(decision).toMatchObject({ ok: true, partnerId, ruleId, reason: 'RULE' });
  });

  it('records the version of the rule it used', () => {
    expect(decideRoute(rules, { track: 'VICTIM', gender: 'MALE', municipalityId: GARBSEN, at })).toMatchObject({
      ruleVersion: 4,
    });
  });

  it('uses the rules valid at the incident time, including the boundary instant', () => {
    const switchover = new Date('2027-01-01T00:00:00Z');
    expect(
      decideRoute(rules, {
        track: 'VICTIM',
        gender: 'DIVERSE',
        municipalityId: HANNOVER,
        at: new Date(switchover.getTime() - 1),
      }),
    ).toMatchObject({ partnerId: 'biss-lhh' });
    expect(
      decideRoute(rules, { track: 'VICTIM', gender: 'DIVERSE', municipalityId: HANNOVER, at: switchover }),
    ).toMatchObject({ partnerId: 'biss-region' });
  });

  it('finds no partner where no rule is in force', () => {
    expect(decideRoute(rules, { track: 'VICTIM', gender: 'MALE', municipalityId: 'muni-elsewhere', at })).toEqual({
      ok: false,
      error: 'NO_PARTNER',
    });
    expect(
      decideRoute(rules, {
        track: 'VICTIM',
        gender: 'MALE',
        municipalityId: GARBSEN,
        at: new Date('2023-06-01T00:00:00Z'),
      }),
    ).toEqual({ ok: false, error: 'NO_PARTNER' });
    expect(decideRoute(rules, { track: 'PERPETRATOR', gender: 'MALE', municipalityId: GARBSEN, at })).toEqual({
      ok: false,
      error: 'NO_PARTNER',
    });
  });

  it('refuses to pick when two rules overlap', () => {
    const overlapping = [...rules, rule({ id: 'r8', gender: 'MALE', municipalityId: GARBSEN, partnerId: 'other' })];
    expect(decideRoute(overlapping, { track: 'VICTIM', gender: 'MALE', municipalityId: GARBSEN, at })).toEqual({
      ok: false,
      error: 'AMBIGUOUS',
    });
  });

  describe('gender not stated', () => {
    it('needs the person’s choice', () => {
      expect(decideRoute(rules, { track: 'VICTIM', gender: 'NOT_STATED', municipalityId: GARBSEN, at })).toEqual({
        ok: false,
        error: 'PREFERENCE_REQUIRED',
      });
    });

    it('offers the services responsible for the municipality', () => {
      expect(preferenceOptions(rules, { track: 'VICTIM', municipalityId: GARBSEN, at })).toEqual([
        'biss-region',
        'maennerbuero',
      ]);
      expect(preferenceOptions(rules, { track: 'VICTIM', municipalityId: HANNOVER, at })).toEqual([
        'biss-lhh',
        'maennerbuero',
      ]);
    });

    it('routes to the chosen service and records the reason', () => {
      expect(
        decideRoute(rules, {
          track: 'VICTIM',
          gender: 'NOT_STATED',
          municipalityId: GARBSEN,
          at,
          preferredPartnerId: 'maennerbuero',
        }),
      ).toEqual({
        ok: true,
        partnerId: 'maennerbuero',
        ruleId: 'r3',
        ruleVersion: 4,
        reason: 'PERSON_PREFERENCE',
      });
    });

    it('rejects a service that is not responsible there', () => {
      expect(
        decideRoute(rules, {
          track: 'VICTIM',
          gender: 'NOT_STATED',
          municipalityId: GARBSEN,
          at,
          preferredPartnerId: 'biss-lhh',
        }),
      ).toEqual({
        ok: false,
        error: 'PREFERENCE_NOT_RESPONSIBLE',
      });
    });
  });
});

describe('isRuleValidAt', () => {
  const from = new Date('2027-01-01T00:00:00+01:00');
  const to = new Date('2027-02-01T00:00:00+01:00');
  it.each([
    [from.getTime() - 1, false],
    [from.getTime(), true],
    [to.getTime() - 1, true],
    [to.getTime(), false],
  ])('a rule valid on [validFrom, validTo) at %i: %s', (at, valid) => {
    expect(isRuleValidAt({ validFrom: from, validTo: to }, new Date(at))).toBe(valid);
  });

  it('an open-ended rule stays valid, and a cancelled (empty) rule is never valid', () => {
    expect(isRuleValidAt({ validFrom: from, validTo: null }, new Date('2100-01-01T00:00:00Z'))).toBe(true);
    expect(isRuleValidAt({ validFrom: from, validTo: from }, from)).toBe(false);
  });
});

describe('decideRoute with cancelled rules and preferences', () => {
  it('ignores a cancelled rule for the same key', () => {
    const cancelled = rule({
      id: 'c1',
      gender: 'MALE',
      municipalityId: GARBSEN,
      partnerId: 'other',
      validFrom: at,
      validTo: at,
    });
    const withCancelled = [...rules, cancelled];
    expect(decideRoute(withCancelled, { track: 'VICTIM', gender: 'MALE', municipalityId: GARBSEN, at })).toMatchObject({
      ok: true,
      ruleId: 'r3',
    });
  });

  it('takes the female rule, then the diverse one, of a preferred service responsible for several genders', () => {
    const decision = decideRoute(rules, {
      track: 'VICTIM',
      gender: 'NOT_STATED',
      municipalityId: GARBSEN,
      at,
      preferredPartnerId: 'biss-region',
    });
    expect(decision).toMatchObject({ ok: true, ruleId: 'r1', reason: 'PERSON_PREFERENCE' });
    const withoutFemale = rules.filter((r) => r.id !== 'r1');
    expect(
      decideRoute(withoutFemale, {
        track: 'VICTIM',
        gender: 'NOT_STATED',
        municipalityId: GARBSEN,
        at,
        preferredPartnerId: 'biss-region',
      }),
    ).toMatchObject({ ok: true, ruleId: 'r2' });
  });

  it('finds no partner for a person who did not state a gender where no rule is in force', () => {
    expect(
      decideRoute(rules, {
        track: 'PERPETRATOR',
        gender: 'NOT_STATED',
        municipalityId: GARBSEN,
        at,
        preferredPartnerId: 'maennerbuero',
      }),
    ).toEqual({ ok: false, error: 'NO_PARTNER' });
    expect(preferenceOptions(rules, { track: 'PERPETRATOR', municipalityId: GARBSEN, at })).toEqual([]);
  });

  it('offers only services of rules in force, of the track, by a stated gender', () => {
    const extra = [
      rule({ id: 'x1', gender: 'NOT_STATED', municipalityId: GARBSEN, partnerId: 'not-stated-service' }),
      rule({ id: 'x2', gender: 'MALE', municipalityId: GARBSEN, partnerId: 'perpetrators', track: 'PERPETRATOR' }),
      rule({
        id: 'x3',
        gender: 'MALE',
        municipalityId: GARBSEN,
        partnerId: 'future',
        validFrom: new Date('2030-01-01T00:00:00Z'),
      }),
    ];
    expect(preferenceOptions([...rules, ...extra], { track: 'VICTIM', municipalityId: GARBSEN, at })).toEqual([
      'biss-region',
      'maennerbuero',
    ]);
  });
});
