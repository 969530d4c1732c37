import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  PROJECTION_FIELDS,
  projectTrack,
  type ProjectedLawfulBasis,
  type ProjectionSource,
} from '@/lib/referrals/projection';
import type { PerpetratorPerson, ReferralDetails, VictimPerson } from '@/lib/referrals/schema';
import {
  AGE_BANDS,
  CHILD_AGE_BANDS,
  CONTACT_CHANNELS,
  GENDERS,
  RISK_INDICATORS,
  SAFE_TIMES,
} from '@/lib/referrals/values';

type VictimSource = ProjectionSource & { track: { track: 'VICTIM' } };
type PerpetratorSource = ProjectionSource & { track: { track: 'PERPETRATOR' } };

/** Text marked with whose it is, so that a leak shows in the projection's JSON. */
const marked = (owner: string) =>
  fc
    .string({ unit: fc.constantFrom('a', 'ä', 'Z', '1', ' ', '-', '\u0301'), maxLength: 12 })
    .map((s) => `${owner}:${s}`);
const dayBetween = (from: string, to: string) =>
  fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));

const details: fc.Arbitrary<ReferralDetails> = fc.record({
  caseNumber: digits(6).map((d) => `2026/${d}`),
  household: fc.record({
    children: fc.integer({ min: 0, max: 15 }),
    childAgeBands: fc.subarray([...CHILD_AGE_BANDS]),
    youthOfficeInformed: fc.option(fc.boolean(), { nil: null }),
  }),
  measures: fc.record({
    wegweisungUntil: fc.option(dayBetween('2026-01-01', '2026-12-31'), { nil: null }),
    contactBan: fc.boolean(),
    protectionActInformed: fc.boolean(),
  }),
  risk: fc.record({ indicators: fc.subarray([...RISK_INDICATORS]), officerJudgesHighRisk: fc.boolean() }),
  note: fc.option(marked('victim-note'), { nil: null }),
});

const victimPerson: fc.Arbitrary<VictimPerson> = fc.record({
  firstName: marked('victim-first'),
  lastName: marked('victim-last'),
  birthDate: fc.option(dayBetween('1920-01-01', '2012-12-31'), { nil: null }),
  ageBand: fc.option(fc.constantFrom(...AGE_BANDS), { nil: null }),
  language: fc.constantFrom('de', 'tr', 'ar'),
  interpreter: fc.boolean(),
  phone: digits(9).map((d) => `+4951${d}`),
  safeTimes: fc.subarray([...SAFE_TIMES], { minLength: 1 }),
  otherPartyMayAnswer: fc.boolean(),
  address: fc.option(
    fc.record({ street: marked('victim-street'), postalCode: digits(5), city: marked('victim-city') }),
    { nil: null },
  ),
});

const perpetratorPerson: fc.Arbitrary<PerpetratorPerson> = fc.record({
  firstName: marked('perpetrator-first'),
  lastName: marked('perpetrator-last'),
  phone: digits(9).map((d) => `+4917${d}`),
});

const lawfulBasis: fc.Arbitrary<ProjectedLawfulBasis> = fc.oneof(
  fc.record({
    kind: fc.constant('CONSENT' as const),
    method: fc.constantFrom('VERBAL' as const, 'SIGNED' as const),
    givenAt: fc.constant('2026-06-10T02:00'),
  }),
  fc.record({ kind: fc.constant('LEGAL_BASIS' as const), reference: fc.constant('§ 41 NPOG') }),
);

const common = {
  incidentAt: fc.constant('2026-06-09T23:15:00.000Z'),
  municipality: fc.constantFrom('Garbsen', 'Hannover', 'Lehrte'),
  highRisk: fc.boolean(),
  details,
};

const victimSource: fc.Arbitrary<VictimSource> = fc.record({
  ...common,
  track: fc.record({
    track: fc.constant('VICTIM' as const),
    gender: fc.constantFrom(...GENDERS),
    lawfulBasis,
    channels: fc.subarray([...CONTACT_CHANNELS]),
    person: victimPerson,
  }),
});

/**
 * A perpetrator's track whose source carries the victim's data too, as a careless caller might hand it
 * over: the victim's person beside the case, and victim fields on the perpetrator's own person.
 */
const perpetratorSourceWithVictim = fc
  .record({
    ...common,
    track: fc.record({
      track: fc.constant('PERPETRATOR' as const),
      gender: fc.constantFrom(...GENDERS),
      lawfulBasis,
      channels: fc.subarray([...CONTACT_CHANNELS]),
      person: perpetratorPerson,
    }),
    victim: victimPerson,
  })
  .map(({ victim, ...source }) => ({
    victim,
    source: {
      ...source,
      victim,
      track: { ...source.track, person: { ...victim, ...source.track.person } },
    } as PerpetratorSource,
  }));

describe('partner projections', () => {
  it('name the victim support’s and the perpetrator programme’s fields', () => {
    expect(PROJECTION_FIELDS.PERPETRATOR).toEqual([
      'caseNumber',
      'incidentAt',
      'firstName',
      'lastName',
      'gender',
      'phone',
      'wegweisungUntil',
      'contactBan',
      'lawfulBasis',
    ]);
    expect(PROJECTION_FIELDS.VICTIM).toHaveLength(24);
    expect(new Set(PROJECTION_FIELDS.VICTIM).size).toBe(24);
    // The perpetrator programme sees nothing the victim support does not.
    expect(PROJECTION_FIELDS.VICTIM).toEqual(expect.arrayContaining([...PROJECTION_FIELDS.PERPETRATOR]));
  });

  it('return exactly the fields of the track’s list, in its order', () => {
    fc.assert(
      fc.property(victimSource, perpetratorSourceWithVictim, (victim, { source: perpetrator }) => {
        expect(Object.keys(projectTrack(victim))).toEqual([...PROJECTION_FIELDS.VICTIM]);
        expect(Object.keys(projectTrack(perpetrator))).toEqual([...PROJECTION_FIELDS.PERPETRATOR]);
      }),
      { numRuns: 500 },
    );
  });

  it('carry the victim track’s values through', () => {
    fc.assert(
      fc.property(victimSource, (source) => {
        const { details: d, track } = source;
        expect(projectTrack(source)).toEqual({
          caseNumber: d.caseNumber,
          incidentAt: source.incidentAt,
          municipality: source.municipality,
          firstName: track.person.firstName,
          lastName: track.person.lastName,
          birthDate: track.person.birthDate,
          ageBand: track.person.ageBand,
          gender: track.gender,
          language: track.person.language,
          interpreter: track.person.interpreter,
          phone: track.person.phone,
          safeTimes: track.person.safeTimes,
          otherPartyMayAnswer: track.person.otherPartyMayAnswer,
          channels: track.channels,
          address: track.person.address,
          children: d.household.children,
          childAgeBands: d.household.childAgeBands,
          youthOfficeInformed: d.household.youthOfficeInformed,
          wegweisungUntil: d.measures.wegweisungUntil,
          contactBan: d.measures.contactBan,
          protectionActInformed: d.measures.protectionActInformed,
          highRisk: source.highRisk,
          lawfulBasis: track.lawfulBasis,
          note: d.note,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never give a perpetrator programme anything of the victim, the children, the checklist or the note', () => {
    fc.assert(
      fc.property(perpetratorSourceWithVictim, ({ source, victim }) => {
        const projection = projectTrack(source);
        const json = JSON.stringify(projection);
        expect(json).not.toContain('victim-');
        expect(json).not.toContain(victim.phone);
        if (victim.birthDate) expect(json).not.toContain(victim.birthDate);
        for (const indicator of RISK_INDICATORS) expect(json).not.toContain(indicator);
        for (const field of [
          // Where the victim lives (the callout's municipality), perhaps after moving away from him.
          'municipality',
          'birthDate',
          'ageBand',
          'language',
          'interpreter',
          'safeTimes',
          'otherPartyMayAnswer',
          'channels',
          'address',
          'children',
          'childAgeBands',
          'youthOfficeInformed',
          'protectionActInformed',
          'highRisk',
          'note',
        ]) {
          expect(projection).not.toHaveProperty(field);
        }
        // What it does get: that person, the case and the protection window.
        expect(projection).toEqual({
          caseNumber: source.details.caseNumber,
          incidentAt: source.incidentAt,
          firstName: source.track.person.firstName,
          lastName: source.track.person.lastName,
          gender: source.track.gender,
          phone: source.track.person.phone,
          wegweisungUntil: source.details.measures.wegweisungUntil,
          contactBan: source.details.measures.contactBan,
          lawfulBasis: source.track.lawfulBasis,
        });
        expect(projection.firstName.startsWith('perpetrator-first:')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('project one concrete victim referral as the partner sees it', () => {
    const source: VictimSource = {
      incidentAt: '2026-06-09T23:15:00.000Z',
      municipality: 'Garbsen',
      highRisk: true,
      details: {
        caseNumber: '2026/004711',
        household: { children: 2, childAgeBands: ['UNDER_3', 'FROM_6_TO_11'], youthOfficeInformed: true },
        measures: { wegweisungUntil: '2026-06-24', contactBan: true, protectionActInformed: false },
        risk: { indicators: ['STRANGULATION'], officerJudgesHighRisk: false },
        note: 'Hund im Haus.',
      },
      track: {
        track: 'VICTIM',
        gender: 'FEMALE',
        lawfulBasis: { kind: 'CONSENT', method: 'VERBAL', givenAt: '2026-06-10T02:00' },
        channels: ['SMS'],
        person: {
          firstName: 'Marie',
          lastName: 'Schneider',
          birthDate: null,
          ageBand: 'FROM_27_TO_39',
          language: 'de',
          interpreter: false,
          phone: '+495119876543',
          safeTimes: ['MORNING'],
          otherPartyMayAnswer: false,
          address: null,
        },
      },
    };
    const projection = projectTrack(source);
    expect(projection).toMatchObject({
      firstName: 'Marie',
      phone: '+495119876543',
      children: 2,
      highRisk: true,
      note: 'Hund im Haus.',
      address: null,
      birthDate: null,
    });
    // The checklist itself stays with the police: the partner gets the flag.
    expect(JSON.stringify(projection)).not.toContain('STRANGULATION');
  });
});
