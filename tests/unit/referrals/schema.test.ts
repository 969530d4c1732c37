import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  phoneNumber,
  referralCrossFieldRules,
  referralSubmission,
  type ReferralFormConfig,
  type ReferralFormInput,
} from '@/lib/referrals/schema';
import { instantOf } from '@/lib/time/berlin';

import { DEFAULT_CONFIG, MUNICIPALITY, validForm } from './form-fixture';

/** The directorate's default Vorgangsnummer format, without statutory bases (consent only). */
const CONFIG = DEFAULT_CONFIG;
const WITH_LEGAL_BASIS: ReferralFormConfig = { ...CONFIG, legalBases: ['§ 41 NPOG'] };
const schema = referralSubmission(CONFIG);

const NOW = new Date('2026-06-10T12:00:00Z'); // 14:00 in Berlin (CEST)
const PARTNER = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const OTHER_PARTNER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const valid = validForm({ incidentAt: '2026-06-10T01:15', consentAt: '2026-06-10T02:00' });

/** Every section filled, the perpetrator part included. */
const complete = {
  idempotencyKey: '0B9C3A4E-1F2D-4C5B-8A9E-123456789ABC',
  caseNumber: ' 2026-004711 ',
  incidentAt: '2026-06-10T01:15',
  municipalityId: MUNICIPALITY,
  gender: 'FEMALE',
  firstName: '  A\u0308nne ', // "Änne" with a combining diaeresis
  lastName: 'Schneider-Öztürk',
  birthDate: '1990-04-01',
  language: 'tr',
  interpreter: true,
  phone: '0171/1234567',
  safeTimes: ['MORNING', 'EVENING'],
  channels: ['SMS', 'LETTER'],
  otherPartyMayAnswer: 'yes',
  street: ' Lange Laube 20 ',
  postalCode: '30159',
  city: 'Hannover',
  overridePartnerId: PARTNER,
  overrideReason: 'LANGUAGE',
  childrenCount: '2',
  childAgeBands: ['UNDER_3', 'FROM_6_TO_11'],
  youthOfficeInformed: 'yes',
  wegweisung: true,
  wegweisungUntil: '2026-06-24',
  contactBan: true,
  protectionActInformed: true,
  riskIndicators: ['STRANGULATION', 'STALKING'],
  officerJudgesHighRisk: false,
  consent: 'yes',
  consentMethod: 'SIGNED',
  consentAt: '2026-06-10T02:00',
  note: '  Erste Zeile\r\nzweite Zeile ',
  perpetrator: true,
  perpetratorFirstName: 'Jürgen',
  perpetratorLastName: 'Müller-Lüdenscheidt',
  perpetratorGender: 'MALE',
  perpetratorPhone: '+49 511 1234567',
  perpetratorConsentMethod: 'VERBAL',
  perpetratorConsentAt: '2026-06-10T03:00',
} as const satisfies ReferralFormInput;

const declined = {
  idempotencyKey: valid.idempotencyKey,
  incidentAt: valid.incidentAt,
  municipalityId: MUNICIPALITY,
  gender: 'FEMALE',
  consent: 'no',
} as const satisfies ReferralFormInput;

type Input = Record<string, unknown>;

/** The input without `fields` (absent, not undefined: the rules tell the two apart only by value). */
function without(input: Input, ...fields: string[]): Input {
  return Object.fromEntries(Object.entries(input).filter(([key]) => !fields.includes(key)));
}

/** Every message key reported for `field`, in order. */
function errorsFor(input: unknown, field: string, s: ReturnType<typeof referralSubmission> = schema): string[] {
  const result = s.safeParse(input);
  if (result.success) return [];
  return result.error.issues.filter((i) => i.path.join('.') === field).map((i) => i.message);
}

/** The first message key for a field, or undefined. */
const errorFor = (input: unknown, field: string, s?: ReturnType<typeof referralSubmission>) =>
  errorsFor(input, field, s)[0];

function parse(input: unknown, s: ReturnType<typeof referralSubmission> = schema) {
  const result = s.safeParse(input);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.setSystemTime(NOW));
afterAll(() => vi.useRealTimers());

describe('a referral with consent', () => {
  it('turns the complete flat form into the structured submission', () => {
    expect(parse(complete)).toEqual({
      consent: 'yes',
      idempotencyKey: '0b9c3a4e-1f2d-4c5b-8a9e-123456789abc',
      incidentAt: '2026-06-10T01:15',
      municipalityId: MUNICIPALITY,
      confirmDuplicate: false,
      highRisk: true,
      details: {
        caseNumber: '2026-004711',
        household: { children: 2, childAgeBands: ['UNDER_3', 'FROM_6_TO_11'], youthOfficeInformed: true },
        measures: { wegweisungUntil: '2026-06-24', contactBan: true, protectionActInformed: true },
        risk: { indicators: ['STRANGULATION', 'STALKING'], officerJudgesHighRisk: false },
        note: 'Erste Zeile\nzweite Zeile',
      },
      victim: {
        gender: 'FEMALE',
        lawfulBasis: { kind: 'CONSENT', method: 'SIGNED', givenAt: '2026-06-10T02:00' },
        channels: ['SMS', 'LETTER'],
        routing: { override: { partnerId: PARTNER, reason: 'LANGUAGE' } },
        person: {
          firstName: 'Änne',
          lastName: 'Schneider-Öztürk',
          birthDate: '1990-04-01',
          ageBand: null,
          language: 'tr',
          interpreter: true,
          phone: '+491711234567',
          safeTimes: ['MORNING', 'EVENING'],
          otherPartyMayAnswer: true,
          address: { street: 'Lange Laube 20', postalCode: '30159', city: 'Hannover' },
        },
      },
      perpetrator: {
        gender: 'MALE',
        lawfulBasis: { kind: 'CONSENT', method: 'VERBAL', givenAt: '2026-06-10T03:00' },
        channels: [],
        routing: {},
        person: { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt', phone: '+495111234567' },
      },
    });
  });

  it('fills the defaults of a minimal referral', () => {
    expect(parse(valid)).toEqual({
      consent: 'yes',
      idempotencyKey: valid.idempotencyKey,
      incidentAt: '2026-06-10T01:15',
      municipalityId: MUNICIPALITY,
      confirmDuplicate: false,
      highRisk: false,
      details: {
        caseNumber: '2026/004711',
        household: { children: 0, childAgeBands: [], youthOfficeInformed: null },
        measures: { wegweisungUntil: null, contactBan: false, protectionActInformed: false },
        risk: { indicators: [], officerJudgesHighRisk: false },
        note: null,
      },
      victim: {
        gender: 'FEMALE',
        lawfulBasis: { kind: 'CONSENT', method: 'VERBAL', givenAt: '2026-06-10T02:00' },
        channels: [],
        routing: {},
        person: {
          firstName: 'Marie',
          lastName: 'Schneider',
          birthDate: null,
          ageBand: 'FROM_27_TO_39',
          language: 'de',
          interpreter: false,
          phone: '+495119876543',
          safeTimes: ['ANYTIME'],
          otherPartyMayAnswer: false,
          address: null,
        },
      },
      perpetrator: null,
    });
  });

  it('stores an empty note as none and keeps line breaks in the note only', () => {
    expect(parse({ ...valid, note: '   ' })).toMatchObject({ details: { note: null } });
    expect(parse({ ...valid, note: 'a\rb\r\nc\nd' })).toMatchObject({ details: { note: 'a\nb\nc\nd' } });
    expect(errorFor({ ...valid, lastName: 'Zeilen\numbruch' }, 'lastName')).toBe('errors.invalidCharacters');
  });

  it.each([
    [[], false],
    [['RECENT_SEPARATION', 'STALKING'], false],
    [['WEAPONS'], true],
    [['RECENT_SEPARATION', 'STALKING', 'PREGNANCY'], true],
  ])('computes the high-risk flag from the checklist %j: %s', (riskIndicators, highRisk) => {
    expect(parse({ ...valid, riskIndicators })).toMatchObject({ highRisk });
  });

  it('takes the officer’s judgement of a high risk', () => {
    expect(parse({ ...valid, officerJudgesHighRisk: true })).toMatchObject({
      highRisk: true,
      details: { risk: { indicators: [], officerJudgesHighRisk: true } },
    });
  });

  it.each([
    ['caseNumber', 'errors.required'],
    ['firstName', 'errors.required'],
    ['lastName', 'errors.required'],
    ['language', 'errors.choiceRequired'],
    ['phone', 'errors.required'],
    ['otherPartyMayAnswer', 'errors.choiceRequired'],
    ['consentAt', 'errors.required'],
  ])('requires %s when the person consents (%s)', (field, message) => {
    expect(errorFor(without(valid, field), field)).toBe(message);
  });

  it('requires the way consent was given', () => {
    expect(errorFor(without(valid, 'consentMethod'), 'consentMethod')).toBe('errors.consentMethodRequired');
    expect(errorFor({ ...valid, consentMethod: 'EMAIL' }, 'consentMethod')).toBe('errors.consentMethodRequired');
  });

  it('requires a decision on consent', () => {
    expect(errorFor(without(valid, 'consent'), 'consent')).toBe('errors.consentRequired');
    expect(errorFor({ ...valid, consent: 'maybe' }, 'consent')).toBe('errors.consentRequired');
  });

  it('reports every missing field of an empty form at once', () => {
    const result = schema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).sort()).toEqual([
      'consent: errors.consentRequired',
      'gender: errors.genderRequired',
      'idempotencyKey: errors.reload',
      'incidentAt: errors.required',
      'municipalityId: errors.municipalityRequired',
    ]);
  });

  it.each([null, undefined, 'string', 42, [], true])('rejects the non-form value %j', (value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });
});

describe('a declined offer', () => {
  it('is accepted with only what the anonymous statistic needs', () => {
    expect(parse(declined)).toEqual({
      consent: 'no',
      idempotencyKey: declined.idempotencyKey,
      incidentAt: '2026-06-10T01:15',
      municipalityId: MUNICIPALITY,
      gender: 'FEMALE',
    });
  });

  const personal = Object.entries(complete).filter(
    ([field]) => !['idempotencyKey', 'incidentAt', 'municipalityId', 'gender', 'consent'].includes(field),
  );

  it.each(personal)('refuses %s = %j instead of dropping it', (field, value) => {
    expect(errorFor({ ...declined, [field]: value }, field)).toBe('errors.notWithoutConsent');
  });

  it('reports every personal field at once', () => {
    const result = schema.safeParse({ ...complete, consent: 'no' });
    expect(result.success).toBe(false);
    const fields = new Set(result.error!.issues.map((i) => i.path.join('.')));
    expect(fields).toEqual(new Set(personal.map(([field]) => field)));
    expect(result.error!.issues.every((i) => i.message === 'errors.notWithoutConsent')).toBe(true);
  });
});

describe('affected person', () => {
  it('takes a date of birth or an age band, exactly one of them', () => {
    expect(errorFor(without(valid, 'ageBand'), 'birthDate')).toBe('errors.birthDateOrAgeBand');
    expect(errorFor({ ...valid, birthDate: '1990-04-01' }, 'ageBand')).toBe('errors.birthDateOrAgeBandNotBoth');
    expect(parse({ ...without(valid, 'ageBand'), birthDate: '1990-04-01' })).toMatchObject({
      victim: { person: { birthDate: '1990-04-01', ageBand: null } },
    });
  });

  it.each([
    ['2026-02-30', 'errors.dateFormat'],
    ['01.04.1990', 'errors.dateFormat'],
    ['', 'errors.required'],
    ['2013-01-01', 'errors.birthDateImplausible'], // 13 years old
    ['1915-06-10', 'errors.birthDateImplausible'], // 111 years old today
  ])('rejects the date of birth %j with %s', (birthDate, key) => {
    expect(errorFor({ ...without(valid, 'ageBand'), birthDate }, 'birthDate')).toBe(key);
  });

  it('accepts a person from 14 years old up to 110', () => {
    expect(schema.safeParse({ ...without(valid, 'ageBand'), birthDate: '2012-06-10' }).success).toBe(true);
    expect(schema.safeParse({ ...without(valid, 'ageBand'), birthDate: '1915-06-11' }).success).toBe(true);
    expect(errorFor({ ...without(valid, 'ageBand'), birthDate: '2012-06-11' }, 'birthDate')).toBe(
      'errors.birthDateImplausible',
    );
  });

  it.each([
    ['firstName', '', 'errors.required'],
    ['firstName', '   ', 'errors.required'],
    ['firstName', 'Anna1', 'errors.nameCharacters'],
    ['firstName', '-Anna', 'errors.nameCharacters'],
    ['firstName', 'A'.repeat(101), 'errors.tooLong'],
    ['lastName', 'Zero\u200BWidth', 'errors.invalidCharacters'],
    ['lastName', 'Word\u2060Joiner', 'errors.invalidCharacters'],
    ['language', 'xx', 'errors.invalid'],
    ['interpreter', 'yes', 'errors.invalid'],
    ['ageBand', 'OLD', 'errors.invalid'],
    ['gender', 'UNKNOWN', 'errors.genderRequired'],
  ])('rejects %s = %j with %s', (field, value, key) => {
    expect(errorFor({ ...valid, [field]: value }, field)).toBe(key);
  });
});

describe('safe contact', () => {
  it.each([
    [[], 'safeTimes', 'errors.safeTimesRequired'],
    [['ANYTIME', 'MORNING'], 'safeTimes', 'errors.anytimeAlone'],
    [['MORNING', 'MORNING'], 'safeTimes', 'errors.invalid'],
    [['MORNING', 'NIGHT'], 'safeTimes.1', 'errors.invalid'],
  ])('rejects the safe times %j (%s) with %s', (safeTimes, path, key) => {
    expect(errorFor({ ...valid, safeTimes }, path)).toBe(key);
  });

  it('requires at least one safe time', () => {
    expect(errorFor(without(valid, 'safeTimes'), 'safeTimes')).toBe('errors.safeTimesRequired');
  });

  it('takes an address only where letters are allowed, and then the whole of it', () => {
    const address = { street: 'Lange Laube 20', postalCode: '30159', city: 'Hannover' };
    expect(parse({ ...valid, channels: ['LETTER'], ...address })).toMatchObject({
      victim: { channels: ['LETTER'], person: { address } },
    });
    for (const field of ['street', 'postalCode', 'city']) {
      expect(errorFor({ ...valid, channels: ['SMS'], ...address }, field)).toBe('errors.addressOnlyForLetters');
      expect(errorFor({ ...valid, ...address }, field)).toBe('errors.addressOnlyForLetters');
      expect(errorFor(without({ ...valid, channels: ['LETTER'], ...address }, field), field)).toBe('errors.required');
    }
  });

  it.each([
    ['postalCode', '3015', 'errors.postalCodeFormat'],
    ['postalCode', '3015A', 'errors.postalCodeFormat'],
    ['postalCode', '301590', 'errors.tooLong'],
    ['city', 'Hannover 1', 'errors.nameCharacters'],
  ])('rejects %s = %j with %s', (field, value, key) => {
    const input = { ...valid, channels: ['LETTER'], street: 'Lange Laube 20', postalCode: '30159', city: 'Hannover' };
    expect(errorFor({ ...input, [field]: value }, field)).toBe(key);
  });

  it('rejects channels outside the list, and twice the same', () => {
    expect(errorFor({ ...valid, channels: ['FAX'] }, 'channels.0')).toBe('errors.invalid');
    expect(errorFor({ ...valid, channels: ['SMS', 'SMS'] }, 'channels')).toBe('errors.invalid');
  });

  it.each([
    ['0511 1234567', '+495111234567'],
    ['+49 511 1234567', '+495111234567'],
    ['0049 511 1234567', '+495111234567'],
    ['0171/1234567', '+491711234567'],
    ['(0511) 123 45 67', '+495111234567'],
    ['0511-123 45 67', '+495111234567'],
    ['+33 1 23 45 67 89', '+33123456789'],
    ['+90 212 123 45 67', '+902121234567'],
  ])('accepts the phone number %j as %s', (phone, normalised) => {
    expect(parse({ ...valid, phone })).toMatchObject({ victim: { person: { phone: normalised } } });
    expect(phoneNumber().parse(phone)).toBe(normalised);
  });

  it.each(['123', '0000000', '+49 1', 'abc', '0511-ABC-123', '+49 511 1234567890123', '+0 511 1234567', '110'])(
    'rejects the impossible phone number %j',
    (phone) => {
      expect(errorFor({ ...valid, phone }, 'phone')).toBe('errors.phoneFormat');
      expect(errorFor({ ...complete, perpetratorPhone: phone }, 'perpetratorPhone')).toBe('errors.phoneFormat');
    },
  );

  // With only the "min" metadata (length and first digits), these passed and were stored as no real number.
  it.each(['1234', '+49 1000', '20000000000000', '123456', '20100000000000'])(
    'refuses the number %j that cannot exist',
    (phone) => {
      expect(errorFor({ ...valid, phone }, 'phone')).toBe('errors.phoneFormat');
    },
  );

  it('rejects an empty or overlong phone number with its own key', () => {
    expect(errorFor({ ...valid, phone: '' }, 'phone')).toBe('errors.required');
    expect(errorFor({ ...valid, phone: '0'.repeat(31) }, 'phone')).toBe('errors.tooLong');
  });
});

describe('the Vorgangsnummer', () => {
  it.each([
    ['', 'errors.required'],
    ['12345', 'errors.caseNumberFormat'],
    ['2026//4711', 'errors.caseNumberFormat'],
    ['2026/', 'errors.caseNumberFormat'],
    ['/2026004711', 'errors.caseNumberFormat'],
    ['ABC123456', 'errors.caseNumberFormat'],
    ['1'.repeat(21), 'errors.tooLong'],
  ])('rejects %j with %s under the default format', (caseNumber, key) => {
    expect(errorFor({ ...valid, caseNumber }, 'caseNumber')).toBe(key);
  });

  it('follows the configured format as a whole', () => {
    const vg = referralSubmission({ caseNumberPattern: 'VG-[0-9]{6}', legalBases: [] });
    expect(parse({ ...valid, caseNumber: 'VG-123456' }, vg)).toMatchObject({ details: { caseNumber: 'VG-123456' } });
    expect(errorFor({ ...valid, caseNumber: '123456' }, 'caseNumber', vg)).toBe('errors.caseNumberFormat');
    expect(errorFor({ ...valid, caseNumber: 'VG-1234567' }, 'caseNumber', vg)).toBe('errors.caseNumberFormat');
    expect(errorFor({ ...valid, caseNumber: 'xVG-123456' }, 'caseNumber', vg)).toBe('errors.caseNumberFormat');
    // An alternation in the pattern must not escape the anchors.
    const either = referralSubmission({ caseNumberPattern: 'A[0-9]{6}|B[0-9]{6}', legalBases: [] });
    expect(errorFor({ ...valid, caseNumber: 'A123456' }, 'caseNumber', either)).toBeUndefined();
    expect(errorFor({ ...valid, caseNumber: 'A123456 trailing' }, 'caseNumber', either)).toBe(
      'errors.caseNumberFormat',
    );
    expect(errorFor({ ...valid, caseNumber: 'leading B123456' }, 'caseNumber', either)).toBe('errors.caseNumberFormat');
  });
});

describe('household', () => {
  it('requires the children’s age bands and the youth office question with children', () => {
    expect(errorFor({ ...valid, childrenCount: '2' }, 'childAgeBands')).toBe('errors.childAgeBandsRequired');
    expect(errorFor({ ...valid, childrenCount: '2', childAgeBands: [] }, 'childAgeBands')).toBe(
      'errors.childAgeBandsRequired',
    );
    expect(errorFor({ ...valid, childrenCount: '2', childAgeBands: ['UNDER_3'] }, 'youthOfficeInformed')).toBe(
      'errors.choiceRequired',
    );
    expect(
      parse({ ...valid, childrenCount: '1', childAgeBands: ['FROM_12_TO_17'], youthOfficeInformed: 'no' }),
    ).toMatchObject({
      details: { household: { children: 1, childAgeBands: ['FROM_12_TO_17'], youthOfficeInformed: false } },
    });
  });

  it('refuses age bands and the youth office question without children', () => {
    expect(errorFor({ ...valid, childAgeBands: ['UNDER_3'] }, 'childAgeBands')).toBe('errors.onlyWithChildren');
    expect(errorFor({ ...valid, childrenCount: '0', childAgeBands: ['UNDER_3'] }, 'childAgeBands')).toBe(
      'errors.onlyWithChildren',
    );
    expect(errorFor({ ...valid, youthOfficeInformed: 'no' }, 'youthOfficeInformed')).toBe('errors.onlyWithChildren');
    expect(parse({ ...valid, childrenCount: '0' })).toMatchObject({
      details: { household: { children: 0, childAgeBands: [], youthOfficeInformed: null } },
    });
  });

  it.each(['-1', '01', '16', '1.5', '1e1', ' ', 'zwei'])('rejects the number of children %j', (childrenCount) => {
    expect(errorFor({ ...valid, childrenCount }, 'childrenCount')).toBe('errors.invalid');
  });

  it('rejects a number of children sent as a number', () => {
    expect(errorFor({ ...valid, childrenCount: 2 }, 'childrenCount')).toBe('errors.invalid');
  });
});

describe('Wegweisung', () => {
  const withWegweisung = (wegweisungUntil: string, incidentAt: string = valid.incidentAt) => ({
    ...valid,
    incidentAt,
    wegweisung: true,
    wegweisungUntil,
  });

  it.each(['2026-06-10', '2026-06-17', '2026-06-24'])('accepts an end on %s (callout 10 June)', (until) => {
    expect(parse(withWegweisung(until))).toMatchObject({ details: { measures: { wegweisungUntil: until } } });
  });

  it('refuses an end before the callout’s day', () => {
    expect(errorFor(withWegweisung('2026-06-09'), 'wegweisungUntil')).toBe('errors.wegweisungBeforeIncident');
  });

  it('refuses an end more than 14 days after the callout’s day', () => {
    expect(errorFor(withWegweisung('2026-06-25'), 'wegweisungUntil')).toBe('errors.wegweisungTooLong');
  });

  it('counts the callout’s day in Berlin, not in UTC', () => {
    // 00:30 on 10 June in Berlin is still 9 June in UTC.
    expect(errorFor(withWegweisung('2026-06-24', '2026-06-10T00:30'), 'wegweisungUntil')).toBeUndefined();
    expect(errorFor(withWegweisung('2026-06-09', '2026-06-10T00:30'), 'wegweisungUntil')).toBe(
      'errors.wegweisungBeforeIncident',
    );
  });

  it('requires the end of a Wegweisung, and a real date', () => {
    expect(errorFor({ ...valid, wegweisung: true }, 'wegweisungUntil')).toBe('errors.required');
    expect(errorFor(withWegweisung('2026-06-31'), 'wegweisungUntil')).toBe('errors.dateFormat');
  });

  it('refuses an end without a Wegweisung', () => {
    expect(errorFor({ ...valid, wegweisungUntil: '2026-06-20' }, 'wegweisungUntil')).toBe('errors.onlyWithWegweisung');
    expect(errorFor({ ...valid, wegweisung: false, wegweisungUntil: '2026-06-20' }, 'wegweisungUntil')).toBe(
      'errors.onlyWithWegweisung',
    );
    expect(parse({ ...valid, wegweisung: false })).toMatchObject({ details: { measures: { wegweisungUntil: null } } });
  });
});

describe('times', () => {
  it.each([
    ['', 'errors.required'],
    ['10.06.2026 01:15', 'errors.dateTimeFormat'],
    ['2026-06-10T01:15:00', 'errors.dateTimeFormat'],
    ['2026-06-10T24:00', 'errors.dateTimeFormat'],
    ['2026-02-30T10:00', 'errors.dateTimeFormat'],
    ['2026-06-10T14:30', 'errors.incidentInFuture'],
    ['2026-05-01T10:00', 'errors.incidentTooOld'],
  ])('rejects the callout time %j with %s', (incidentAt, key) => {
    expect(errorFor({ ...declined, incidentAt }, 'incidentAt')).toBe(key);
  });

  it('accepts a callout up to 30 days back and a clock a few minutes ahead', () => {
    expect(errorFor({ ...declined, incidentAt: '2026-05-11T14:01' }, 'incidentAt')).toBeUndefined();
    expect(errorFor({ ...declined, incidentAt: '2026-05-11T13:59' }, 'incidentAt')).toBe('errors.incidentTooOld');
    expect(errorFor({ ...declined, incidentAt: '2026-06-10T14:04' }, 'incidentAt')).toBeUndefined();
  });

  it('refuses consent given before the callout or in the future', () => {
    expect(errorFor({ ...valid, consentAt: '2026-06-10T01:14' }, 'consentAt')).toBe('errors.consentBeforeIncident');
    expect(errorFor({ ...valid, consentAt: '2026-06-10T01:15' }, 'consentAt')).toBeUndefined();
    expect(errorFor({ ...valid, consentAt: '2026-06-10T14:30' }, 'consentAt')).toBe('errors.consentInFuture');
    expect(errorFor({ ...complete, perpetratorConsentAt: '2026-06-10T01:00' }, 'perpetratorConsentAt')).toBe(
      'errors.consentBeforeIncident',
    );
    expect(errorFor({ ...complete, perpetratorConsentAt: '2026-06-11T09:00' }, 'perpetratorConsentAt')).toBe(
      'errors.consentInFuture',
    );
  });

  it('refuses a time in the spring daylight-saving gap', () => {
    vi.setSystemTime(new Date('2026-03-30T12:00:00Z'));
    expect(errorFor({ ...declined, incidentAt: '2026-03-29T02:30' }, 'incidentAt')).toBe('errors.timeNonexistent');
    expect(errorFor({ ...valid, incidentAt: '2026-03-29T01:30', consentAt: '2026-03-29T02:00' }, 'consentAt')).toBe(
      'errors.timeNonexistent',
    );
    expect(errorFor({ ...declined, incidentAt: '2026-03-29T03:00' }, 'incidentAt')).toBeUndefined();
  });

  describe('in the autumn hour that happens twice', () => {
    const folded = { ...valid, incidentAt: '2026-10-25T02:30', consentAt: '2026-10-25T04:00' };

    it('asks which of the two 02:30 was meant', () => {
      vi.setSystemTime(new Date('2026-10-26T12:00:00Z'));
      expect(errorFor(folded, 'incidentAtFold')).toBe('errors.foldRequired');
      expect(errorFor({ ...declined, incidentAt: '2026-10-25T02:30' }, 'incidentAtFold')).toBe('errors.foldRequired');
      expect(errorFor({ ...folded, incidentAtFold: 'first' }, 'incidentAtFold')).toBe('errors.foldRequired');
      expect(parse({ ...folded, incidentAtFold: 'later' })).toMatchObject({
        incidentAt: '2026-10-25T02:30',
        incidentAtFold: 'later',
      });
      expect(parse({ ...declined, incidentAt: '2026-10-25T02:30', incidentAtFold: 'earlier' })).toEqual({
        ...declined,
        incidentAt: '2026-10-25T02:30',
        incidentAtFold: 'earlier',
      });
    });

    it('takes the later 02:30 one hour after the earlier', () => {
      expect(instantOf('2026-10-25T02:30', 'earlier')).toEqual(new Date('2026-10-25T00:30:00Z'));
      expect(instantOf('2026-10-25T02:30', 'later')).toEqual(new Date('2026-10-25T01:30:00Z'));
      expect(instantOf('2026-10-25T02:30', undefined)).toEqual(new Date('2026-10-25T00:30:00Z'));
      expect(instantOf('2026-06-10T02:30', 'later')).toEqual(new Date('2026-06-10T00:30:00Z'));
      expect(instantOf('2026-03-29T02:30', 'earlier')).toBeNull();
    });

    it('orders consent after the callout by the folds', () => {
      vi.setSystemTime(new Date('2026-10-26T12:00:00Z'));
      const both = { ...folded, incidentAtFold: 'later', consentAt: '2026-10-25T02:45', consentAtFold: 'earlier' };
      expect(errorFor(both, 'consentAt')).toBe('errors.consentBeforeIncident');
      expect(errorFor({ ...both, consentAtFold: 'later' }, 'consentAt')).toBeUndefined();
      expect(parse({ ...both, consentAtFold: 'later' })).toMatchObject({
        victim: { lawfulBasis: { kind: 'CONSENT', givenAt: '2026-10-25T02:45', fold: 'later' } },
      });
      expect(errorFor({ ...both, consentAtFold: undefined }, 'consentAtFold')).toBe('errors.foldRequired');
    });

    it('refuses a fold for a time that is not ambiguous', () => {
      vi.setSystemTime(new Date('2026-10-26T12:00:00Z'));
      expect(errorFor({ ...folded, incidentAt: '2026-10-25T03:30', incidentAtFold: 'earlier' }, 'incidentAtFold')).toBe(
        'errors.foldNotAmbiguous',
      );
      expect(errorFor({ ...folded, incidentAtFold: 'earlier', consentAtFold: 'later' }, 'consentAtFold')).toBe(
        'errors.foldNotAmbiguous',
      );
    });
  });
});

describe('legal basis instead of consent', () => {
  const legal = referralSubmission(WITH_LEGAL_BASIS);
  const byLaw = { ...without(valid, 'consentMethod', 'consentAt'), consent: 'legalBasis', legalBasis: '§ 41 NPOG' };

  it('accepts a configured statutory basis', () => {
    expect(parse(byLaw, legal)).toMatchObject({
      consent: 'yes',
      victim: { lawfulBasis: { kind: 'LEGAL_BASIS', reference: '§ 41 NPOG' } },
    });
  });

  it('refuses a basis that is not listed', () => {
    expect(errorFor({ ...byLaw, legalBasis: '§ 99 NPOG' }, 'legalBasis', legal)).toBe('errors.legalBasisRequired');
    expect(errorFor(without(byLaw, 'legalBasis'), 'legalBasis', legal)).toBe('errors.legalBasisRequired');
  });

  it('refuses a statutory basis where none is configured', () => {
    expect(errorFor(byLaw, 'legalBasis')).toBe('errors.legalBasisRequired');
    expect(errorFor(without(byLaw, 'legalBasis'), 'consent')).toBe('errors.legalBasisDisabled');
  });

  it('keeps consent and statutory basis apart', () => {
    expect(errorFor({ ...valid, legalBasis: '§ 41 NPOG' }, 'legalBasis', legal)).toBe('errors.notWithConsent');
    expect(errorFor({ ...byLaw, consentMethod: 'VERBAL' }, 'consentMethod', legal)).toBe('errors.notWithLegalBasis');
    expect(errorFor({ ...byLaw, consentAt: '2026-06-10T02:00' }, 'consentAt', legal)).toBe('errors.notWithLegalBasis');
  });
});

describe('the perpetrator part', () => {
  const perpetratorFields = Object.entries(complete).filter(
    ([field]) => field.startsWith('perpetrator') && field !== 'perpetrator',
  );

  it.each(perpetratorFields)('refuses %s without the perpetrator part', (field, value) => {
    expect(errorFor({ ...valid, [field]: value }, field)).toBe('errors.onlyWithPerpetrator');
    expect(errorFor({ ...valid, perpetrator: false, [field]: value }, field)).toBe('errors.onlyWithPerpetrator');
  });

  it.each([
    ['perpetratorFirstName', 'errors.required'],
    ['perpetratorLastName', 'errors.required'],
    ['perpetratorGender', 'errors.genderRequired'],
    ['perpetratorPhone', 'errors.required'],
    ['perpetratorConsentMethod', 'errors.consentMethodRequired'],
    ['perpetratorConsentAt', 'errors.required'],
  ])('requires %s with the perpetrator part (%s)', (field, message) => {
    expect(errorFor(without(complete, field), field)).toBe(message);
  });

  it('refuses perpetrator fields of the wrong kind', () => {
    expect(errorFor({ ...complete, perpetrator: 'yes' }, 'perpetrator')).toBe('errors.invalid');
    expect(errorFor({ ...complete, perpetratorGender: 'X' }, 'perpetratorGender')).toBe('errors.genderRequired');
    expect(errorFor({ ...complete, perpetratorFirstName: 'J0rgen' }, 'perpetratorFirstName')).toBe(
      'errors.nameCharacters',
    );
  });

  it('routes the perpetrator’s track on its own', () => {
    const notStated = { ...complete, perpetratorGender: 'NOT_STATED' };
    expect(errorFor(notStated, 'perpetratorPreferredPartnerId')).toBe('errors.preferenceRequired');
    expect(parse({ ...notStated, perpetratorPreferredPartnerId: OTHER_PARTNER })).toMatchObject({
      victim: { routing: { override: { partnerId: PARTNER, reason: 'LANGUAGE' } } },
      perpetrator: { gender: 'NOT_STATED', routing: { preferredPartnerId: OTHER_PARTNER } },
    });
    expect(
      errorFor({ ...complete, perpetratorPreferredPartnerId: OTHER_PARTNER }, 'perpetratorPreferredPartnerId'),
    ).toBe('errors.preferenceOnlyWhenNotStated');
    expect(errorFor({ ...complete, perpetratorOverrideReason: 'SAFETY' }, 'perpetratorOverridePartnerId')).toBe(
      'errors.overridePartnerRequired',
    );
  });
});

describe('routing wishes', () => {
  it('takes the person’s choice of service only when no gender is stated', () => {
    expect(errorFor({ ...valid, gender: 'NOT_STATED' }, 'preferredPartnerId')).toBe('errors.preferenceRequired');
    expect(parse({ ...valid, gender: 'NOT_STATED', preferredPartnerId: PARTNER.toUpperCase() })).toMatchObject({
      victim: { gender: 'NOT_STATED', routing: { preferredPartnerId: PARTNER } },
    });
    expect(errorFor({ ...valid, preferredPartnerId: PARTNER }, 'preferredPartnerId')).toBe(
      'errors.preferenceOnlyWhenNotStated',
    );
    expect(errorFor({ ...valid, preferredPartnerId: 'BISS' }, 'preferredPartnerId')).toBe('errors.preferenceRequired');
  });

  it('takes an override only with its partner and its reason', () => {
    expect(errorFor({ ...valid, overridePartnerId: PARTNER }, 'overrideReason')).toBe('errors.overrideReasonRequired');
    expect(errorFor({ ...valid, overrideReason: 'SAFETY' }, 'overridePartnerId')).toBe(
      'errors.overridePartnerRequired',
    );
    expect(errorFor({ ...valid, overrideReason: 'WHIM', overridePartnerId: PARTNER }, 'overrideReason')).toBe(
      'errors.overrideReasonRequired',
    );
    expect(parse({ ...valid, overridePartnerId: PARTNER, overrideReason: 'SAFETY' })).toMatchObject({
      victim: { routing: { override: { partnerId: PARTNER, reason: 'SAFETY' } } },
    });
  });

  it('lets an override stand in for the choice when no gender is stated, but not both', () => {
    const notStated = { ...valid, gender: 'NOT_STATED', overridePartnerId: PARTNER, overrideReason: 'PERSON_WISH' };
    expect(parse(notStated)).toMatchObject({
      victim: { routing: { override: { partnerId: PARTNER, reason: 'PERSON_WISH' } } },
    });
    expect(errorFor({ ...notStated, preferredPartnerId: OTHER_PARTNER }, 'preferredPartnerId')).toBe(
      'errors.preferenceOnlyWhenNotStated',
    );
  });
});

describe('a likely duplicate and the correction of an own referral', () => {
  const REFERRAL = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
  const correction = referralSubmission(CONFIG, 'correction');

  it('records that the officer sent it despite the duplicate warning', () => {
    expect(parse({ ...valid, confirmDuplicate: true })).toMatchObject({ confirmDuplicate: true });
    expect(errorFor({ ...valid, confirmDuplicate: 'yes' }, 'confirmDuplicate')).toBe('errors.invalid');
    expect(errorFor({ ...declined, confirmDuplicate: true }, 'confirmDuplicate')).toBe('errors.notWithoutConsent');
  });

  it('takes no referral to correct when a new one is filed', () => {
    expect(errorFor({ ...valid, referralId: REFERRAL, referralVersion: 3 }, 'referralId')).toBe('errors.unknownField');
    expect(errorFor({ ...valid, referralId: REFERRAL, referralVersion: 3 }, 'referralVersion')).toBe(
      'errors.unknownField',
    );
  });

  it('names the referral and the version it corrects', () => {
    expect(parse({ ...valid, referralId: REFERRAL, referralVersion: 3 }, correction)).toMatchObject({
      correction: { referralId: REFERRAL, version: 3 },
    });
    expect(parse(valid)).not.toHaveProperty('correction');
    expect(errorFor(valid, 'referralId', correction)).toBe('errors.reload');
    expect(errorFor(valid, 'referralVersion', correction)).toBe('errors.reload');
  });

  it.each([0, -1, 1.5, '3', null])('refuses the version %j', (referralVersion) => {
    expect(errorFor({ ...valid, referralId: REFERRAL, referralVersion }, 'referralVersion', correction)).toBe(
      'errors.reload',
    );
  });

  it('cannot turn a referral into a declined offer', () => {
    expect(errorFor({ ...declined, referralId: REFERRAL, referralVersion: 3 }, 'consent', correction)).toBe(
      'errors.correctionCannotDecline',
    );
  });
});

describe('hostile input', () => {
  /** Every free-text field with a valid value in `complete`. */
  const TEXT_FIELDS = [
    'caseNumber',
    'firstName',
    'lastName',
    'phone',
    'street',
    'postalCode',
    'city',
    'note',
    'perpetratorFirstName',
    'perpetratorLastName',
    'perpetratorPhone',
  ] as const;

  const FORBIDDEN = [
    ['NUL byte', '\u0000'],
    ['bell', '\u0007'],
    ['tab', '\u0009'],
    ['escape', '\u001B'],
    ['delete', '\u007F'],
    ['C1 next line', '\u0085'],
    ['lone high surrogate', '\uD800'],
    ['lone low surrogate', '\uDC00'],
    ['right-to-left override', '\u202E'],
    ['left-to-right isolate', '\u2066'],
    ['zero-width space', '\u200B'],
    ['byte order mark', '\uFEFF'],
  ] as const;

  it.each(TEXT_FIELDS)('refuses control, bidirectional and invisible characters in %s', (field) => {
    const value = complete[field];
    const middle = Math.ceil(value.length / 2);
    for (const [, char] of FORBIDDEN) {
      const input = { ...complete, [field]: value.slice(0, middle) + char + value.slice(middle) };
      expect([char, errorFor(input, field)]).toEqual([char, 'errors.invalidCharacters']);
    }
  });

  it('refuses a line break in every one-line field', () => {
    for (const field of TEXT_FIELDS.filter((f) => f !== 'note')) {
      expect([field, errorFor({ ...complete, [field]: `${complete[field]}\nx` }, field)]).toEqual([
        field,
        'errors.invalidCharacters',
      ]);
    }
  });

  it('refuses a 1 MB string in every text field at once, quickly', () => {
    const huge = 'ä'.repeat(1 << 20);
    const input = { ...complete, ...Object.fromEntries(TEXT_FIELDS.map((field) => [field, huge])) };
    const started = performance.now();
    const result = schema.safeParse(input);
    const elapsed = performance.now() - started;
    expect(result.success).toBe(false);
    expect(Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.'), i.message]))).toEqual(
      Object.fromEntries(TEXT_FIELDS.map((field) => [field, 'errors.tooLong'])),
    );
    // A guard against quadratic work or catastrophic backtracking, not a benchmark: typically ~50 ms.
    expect(elapsed).toBeLessThan(2_000);
  });

  it('refuses a 1 MB string in the other string fields, quickly', () => {
    const huge = '1'.repeat(1 << 20);
    const started = performance.now();
    const issues = schema.safeParse({
      ...complete,
      idempotencyKey: huge,
      incidentAt: huge,
      birthDate: huge,
      wegweisungUntil: huge,
      consentAt: huge,
      childrenCount: huge,
      legalBasis: huge,
    }).error?.issues;
    expect(performance.now() - started).toBeLessThan(2_000);
    // The first message of each field (the one the form shows).
    const first = new Map<string, string>();
    for (const i of issues ?? []) if (!first.has(i.path.join('.'))) first.set(i.path.join('.'), i.message);
    expect(Object.fromEntries(first)).toEqual({
      idempotencyKey: 'errors.reload',
      incidentAt: 'errors.dateTimeFormat',
      birthDate: 'errors.dateFormat',
      wegweisungUntil: 'errors.dateFormat',
      consentAt: 'errors.dateTimeFormat',
      childrenCount: 'errors.invalid',
      legalBasis: 'errors.legalBasisRequired',
    });
  });

  it('refuses unknown fields instead of dropping them', () => {
    const result = schema.safeParse({ ...valid, isAdmin: true, stationId: 'x' });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['isAdmin', 'stationId'], path: [] }),
    ]);
  });

  it.each([
    ['__proto__', '{"__proto__": {"polluted": "yes"}}'],
    ['constructor', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
  ])('refuses an own %s key and pollutes nothing', (key, json) => {
    const hostile: Input = { ...valid, ...(JSON.parse(json) as Input) };
    expect(Object.hasOwn(hostile, key)).toBe(true);
    const result = schema.safeParse(hostile);
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: [key] })]);
    // The cross-field rules read raw form values (the browser's resolver) and see the key too.
    expect(referralCrossFieldRules(CONFIG).safeParse({ ...declined, ...(JSON.parse(json) as Input) }).success).toBe(
      false,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('cross-field rules on raw form values', () => {
  const rules = referralCrossFieldRules(CONFIG);

  it('reports the rules between fields while another field is still wrong', () => {
    const raw = { ...valid, caseNumber: '', firstName: 42, safeTimes: [], wegweisungUntil: '2026-06-20' };
    expect(errorFor(raw, 'safeTimes')).toBeUndefined(); // zod skips the object's checks
    const result = rules.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'safeTimes: errors.safeTimesRequired',
      'wegweisungUntil: errors.onlyWithWegweisung',
    ]);
  });

  it('accepts what the schema accepts', () => {
    expect(rules.safeParse(complete).success).toBe(true);
    expect(rules.safeParse(declined).success).toBe(true);
  });

  it.each([null, 'x', 42, [], undefined])('passes over the non-object %j', (value) => {
    expect(rules.safeParse(value).success).toBe(true);
  });
});
