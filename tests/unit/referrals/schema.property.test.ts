import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  MAX_INCIDENT_AGE_DAYS,
  referralCrossFieldRules,
  referralSubmission,
  type ReferralFormConfig,
  type ReferralFormInput,
  type ReferralSubmission,
} from '@/lib/referrals/schema';
import {
  AGE_BANDS,
  CHILD_AGE_BANDS,
  CONTACT_CHANNELS,
  GENDERS,
  MAX_WEGWEISUNG_DAYS,
  RISK_INDICATORS,
  SAFE_TIMES,
} from '@/lib/referrals/values';
import { OVERRIDE_REASONS } from '@/lib/routing/values';
import { berlinDateOf, berlinLocalToInstant, instantOf, instantToBerlinLocal } from '@/lib/time/berlin';

import { DEFAULT_CONFIG, MUNICIPALITY, validForm } from './form-fixture';

/**
 * Properties of the referral schema over generated input: whatever arrives (a hostile client, a broken
 * form), validation answers with message keys and never throws, and what it lets through is clean.
 */

const CONFIG = DEFAULT_CONFIG;
const WITH_LEGAL_BASIS: ReferralFormConfig = { ...CONFIG, legalBases: ['§ 41 NPOG'] };
/** A new referral (0), one with a statutory basis configured (1), the correction of an own referral (2). */
const SCHEMAS = [
  referralSubmission(CONFIG),
  referralSubmission(WITH_LEGAL_BASIS),
  referralSubmission(CONFIG, 'correction'),
] as const;
const RULES = [
  referralCrossFieldRules(CONFIG),
  referralCrossFieldRules(WITH_LEGAL_BASIS),
  referralCrossFieldRules(CONFIG, 'correction'),
] as const;
const schemaIndex = fc.nat({ max: SCHEMAS.length - 1 });

/** The Monday after the autumn change, so that the hour that happens twice lies within the 30 days. */
const NOW = new Date('2026-10-26T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

const MESSAGE_KEY = /^errors\.[a-zA-Z.]+$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
/** What no stored text may hold (lib/validation/text.ts refuses it; a line break only in the note). */
const FORBIDDEN =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DECLINED_KEYS = ['consent', 'idempotencyKey', 'incidentAt', 'incidentAtFold', 'municipalityId', 'gender'];

type FieldName = keyof ReferralFormInput;
/** Every field the form can send, as the schema declares them. */
const FIELDS = Object.keys(SCHEMAS[0].def.in.shape) as FieldName[];

const PARTNER = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

const valid = validForm({ incidentAt: '2026-10-26T10:00', consentAt: '2026-10-26T11:00' });

const complete = {
  ...valid,
  channels: ['SMS', 'LETTER'],
  street: 'Lange Laube 20',
  postalCode: '30159',
  city: 'Hannover',
  childrenCount: '2',
  childAgeBands: ['UNDER_3'],
  youthOfficeInformed: 'yes',
  wegweisung: true,
  wegweisungUntil: '2026-11-05',
  contactBan: true,
  protectionActInformed: true,
  riskIndicators: ['STALKING'],
  officerJudgesHighRisk: false,
  interpreter: true,
  note: 'Erste Zeile\nzweite Zeile',
  perpetrator: true,
  perpetratorFirstName: 'Jürgen',
  perpetratorLastName: 'Müller',
  perpetratorGender: 'MALE',
  perpetratorPhone: '+49 511 1234567',
  perpetratorConsentMethod: 'SIGNED',
  perpetratorConsentAt: '2026-10-26T11:30',
} as const satisfies ReferralFormInput;

const declined = {
  consent: 'no',
  idempotencyKey: valid.idempotencyKey,
  incidentAt: valid.incidentAt,
  municipalityId: MUNICIPALITY,
  gender: 'DIVERSE',
} as const satisfies ReferralFormInput;

const byLaw = {
  ...valid,
  consent: 'legalBasis',
  consentMethod: undefined,
  consentAt: undefined,
  legalBasis: '§ 41 NPOG',
} as const satisfies ReferralFormInput;

const corrected = {
  ...complete,
  confirmDuplicate: true,
  referralId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
  referralVersion: 3,
} as const satisfies ReferralFormInput;

const BASES: readonly Record<string, unknown>[] = [valid, complete, declined, byLaw, corrected];
/** The schema each base is valid for. */
const schemaFor = (base: Record<string, unknown>) => (base === byLaw ? 1 : base === corrected ? 2 : 0);

// ---------------------------------------------------------------------------------------------------------
// Generators

/** Single characters people and attackers type: letters of many scripts, marks, controls, bidi, halves. */
const awkwardChar = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  // Controls, line breaks, marks, invisible, bidi, odd spaces and the separators of phone numbers.
  fc.constantFrom(
    ..."\u0000\t\n\r\u007F\u0085\u00A0\u0301\u0308\u200B\u200D\u202E\u2066\u2060\u061C\uFEFF\u3000\u2028 -'/+().",
  ),
);
const awkwardString = fc.string({ unit: awkwardChar, maxLength: 24 });
const whitespace = fc.constantFrom('', ' ', '  ', '\t', '\u00A0', '\u3000', '\n', '\r\n', '\u2028');

/** A sample as people type it: padded, decomposed, with an awkward character somewhere, or as it is. */
function typed(samples: readonly string[]) {
  const sample = fc.constantFrom(...samples);
  return fc.oneof(
    { arbitrary: sample, weight: 5 },
    { arbitrary: fc.tuple(whitespace, sample, whitespace).map(([a, s, b]) => a + s + b), weight: 4 },
    { arbitrary: sample.map((s) => s.normalize('NFD')), weight: 3 },
    {
      arbitrary: fc
        .tuple(sample, fc.nat(), awkwardChar)
        .map(([s, at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1))),
      weight: 2,
    },
    { arbitrary: awkwardString, weight: 1 },
  );
}

const NAMES = [
  'Marie',
  'Änne',
  'Jürgen',
  "O'Brien",
  'José María',
  'Ğülşen',
  'Мария',
  'محمد',
  '李小龍',
  'Ngũgĩ',
  'Zoë-Åsa',
];
const PHONES = [
  '0511 1234567',
  '+49 511 1234567',
  '0171/1234567',
  '(0511) 123 45 67',
  '0511-123 45 67',
  '0049 511 1234567',
  '+33 1 23 45 67 89',
  '+90 212 123 45 67',
  '+1 212 555 0123',
  '01512 3456789',
  '123',
  '0000000',
  '+49 1',
];
/** Phone-like strings: digits with the separators people use, with or without a country code. */
const phoneLike = fc.oneof(
  typed(PHONES),
  fc
    .tuple(
      fc.constantFrom('', '0', '+', '+49 ', '0049', '+1', '+90'),
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.array(fc.oneof(fc.stringMatching(/^[0-9]{1,4}$/), fc.constantFrom(' ', '-', '/', '(', ')', '.')), {
        maxLength: 10,
      }),
    )
    .map(([prefix, first, parts]) => prefix + first + parts.join('')),
);

/** A local date-time within the 30 days (often in the autumn fold), or something that is none. */
const localTime = fc.oneof(
  {
    arbitrary: fc
      .integer({ min: -10, max: 31 * 24 * 60 })
      .map((m) => instantToBerlinLocal(new Date(NOW.getTime() - m * MINUTE))),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      '2026-10-25T02:00',
      '2026-10-25T02:30',
      '2026-10-25T02:59',
      '2026-10-25T03:00',
      '2026-10-25T01:59',
    ),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom('2026-03-29T02:30', '2026-10-26T24:00', '2026-02-30T10:00', '26.10.2026 10:00', ''),
    weight: 1,
  },
  { arbitrary: awkwardString, weight: 1 },
);
const calendarDate = fc.oneof(
  fc
    .date({ min: new Date('1890-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.integer({ min: -3, max: 20 }).map((d) => berlinDateOf(new Date(NOW.getTime() + d * DAY))),
  fc.constantFrom('2026-02-29', '2024-02-29', '2026-13-01', '01.04.1990', ''),
);
const uuidLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom(PARTNER, 'BISS', ''),
);
const someOf = <T extends string>(values: readonly T[]) =>
  fc.oneof(fc.subarray([...values]), fc.array(fc.oneof(fc.constantFrom(...values), fc.string()), { maxLength: 4 }));
const oneOf = <T extends string>(values: readonly T[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 4 }, fc.string());
const bool = fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, fc.constantFrom('true', 'on', 1, 0));

/** Removes the field from the input. */
const DELETE = Symbol('delete');

/** A plausible value for each field: mostly what a form sends, sometimes nearly so. */
const PLAUSIBLE: Record<FieldName, fc.Arbitrary<unknown>> = {
  idempotencyKey: uuidLike,
  caseNumber: typed(['2026/004711', '2026-004711', '123456', '12345', '2026//1', 'VG-123456']),
  incidentAt: localTime,
  incidentAtFold: oneOf(['earlier', 'later']),
  municipalityId: uuidLike,
  gender: oneOf(GENDERS),
  firstName: typed(NAMES),
  lastName: typed(NAMES),
  birthDate: calendarDate,
  ageBand: oneOf(AGE_BANDS),
  language: oneOf(['de', 'en', 'tr', 'ar', 'xx']),
  interpreter: bool,
  phone: phoneLike,
  safeTimes: someOf(SAFE_TIMES),
  channels: someOf(CONTACT_CHANNELS),
  otherPartyMayAnswer: oneOf(['yes', 'no']),
  street: typed(['Lange Laube 20', 'Am Küchengarten 3a', 'Straße des 17. Juni 1']),
  postalCode: typed(['30159', '30161', '3015', '301590']),
  city: typed(['Hannover', 'Garbsen', 'Lehrte', 'Burgwedel']),
  preferredPartnerId: uuidLike,
  overridePartnerId: uuidLike,
  overrideReason: oneOf(OVERRIDE_REASONS),
  childrenCount: fc.oneof(fc.integer({ min: -1, max: 17 }).map(String), fc.constantFrom('01', '1.5', ' 2', '')),
  childAgeBands: someOf(CHILD_AGE_BANDS),
  youthOfficeInformed: oneOf(['yes', 'no']),
  wegweisung: bool,
  wegweisungUntil: calendarDate,
  contactBan: bool,
  protectionActInformed: bool,
  riskIndicators: someOf(RISK_INDICATORS),
  officerJudgesHighRisk: bool,
  consent: oneOf(['yes', 'no', 'legalBasis']),
  consentMethod: oneOf(['VERBAL', 'SIGNED']),
  consentAt: localTime,
  consentAtFold: oneOf(['earlier', 'later']),
  legalBasis: typed(['§ 41 NPOG', '§ 99 NPOG']),
  note: fc.oneof(
    typed(['Hund im Haus.', 'Bitte nur vormittags.', '']),
    awkwardString.map((s) => `a\n${s}\r\nb`),
  ),
  perpetrator: bool,
  perpetratorFirstName: typed(NAMES),
  perpetratorLastName: typed(NAMES),
  perpetratorGender: oneOf(GENDERS),
  perpetratorPhone: phoneLike,
  perpetratorConsentMethod: oneOf(['VERBAL', 'SIGNED']),
  perpetratorConsentAt: localTime,
  perpetratorConsentAtFold: oneOf(['earlier', 'later']),
  perpetratorPreferredPartnerId: uuidLike,
  perpetratorOverridePartnerId: uuidLike,
  perpetratorOverrideReason: oneOf(OVERRIDE_REASONS),
  confirmDuplicate: bool,
  referralId: uuidLike,
  referralVersion: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.double(), fc.constantFrom('3', null)),
};

/** A valid input with a few fields replaced by plausible values or removed. */
const nearlyValid = fc
  .tuple(
    fc.constantFrom(...BASES.map((base) => ({ base, schema: schemaFor(base) }))),
    fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 3 }),
  )
  .chain(([{ base, schema }, fields]) =>
    fc
      .tuple(...fields.map((field) => fc.oneof({ arbitrary: PLAUSIBLE[field], weight: 8 }, fc.constant(DELETE))))
      .map((values) => {
        const input: Record<string, unknown> = { ...base };
        fields.forEach((field, i) => {
          if (values[i] === DELETE) delete input[field];
          else input[field] = values[i];
        });
        for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
        return { input, schema };
      }),
  );

/** Any value of any type, including the odd ones a JavaScript caller could pass. */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Objects keyed by real field names (and a few others), with values of any type. */
const fieldSoup = fc.dictionary(
  fc.oneof(
    { arbitrary: fc.constantFrom(...FIELDS), weight: 6 },
    fc.constantFrom('__proto__', 'constructor', 'toString'),
    fc.string(),
  ),
  fc.oneof(anyValue, fc.constantFrom('yes', 'no', 'legalBasis', true, [], ''), PLAUSIBLE.incidentAt),
  { maxKeys: 20 },
);

// ---------------------------------------------------------------------------------------------------------
// What every answer must satisfy

type Result = ReturnType<(typeof SCHEMAS)[number]['safeParse']>;

/** A failure speaks in message keys (an unknown field is zod's own `unrecognized_keys`). */
function expectKeyedIssues(result: {
  success: boolean;
  error?: { issues: readonly { code: string; message: string }[] };
}) {
  if (result.success) return;
  expect(result.error!.issues.length).toBeGreaterThan(0);
  for (const issue of result.error!.issues) {
    if (issue.code !== 'unrecognized_keys') expect(issue.message).toMatch(MESSAGE_KEY);
  }
}

/** Every string in a value, with the key it was found under. */
function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const item of value) yield* strings(item, key);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, k);
}

/** What validation guarantees about everything it lets through. */
function expectClean(output: ReferralSubmission) {
  for (const [key, text] of strings(output)) {
    expect(FORBIDDEN.test(text), `${key}: ${JSON.stringify(text)}`).toBe(false);
    expect(LONE_SURROGATE.test(text), `${key}: ${JSON.stringify(text)}`).toBe(false);
    if (key !== 'note') expect(text).not.toContain('\n');
    expect(text.normalize('NFC')).toBe(text);
    expect(text.trim()).toBe(text);
  }

  // The callout: within the 30 days (a clock up to 5 minutes ahead), the fold given exactly when needed.
  const local = berlinLocalToInstant(output.incidentAt);
  expect(local.ok).toBe(true);
  expect(local.ok && local.ambiguous).toBe(output.incidentAtFold !== undefined);
  const incident = instantOf(output.incidentAt, output.incidentAtFold)!;
  expect(incident.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - MAX_INCIDENT_AGE_DAYS * DAY);
  expect(incident.getTime()).toBeLessThanOrEqual(NOW.getTime() + 5 * MINUTE);

  if (output.consent === 'no') {
    expect(DECLINED_KEYS).toEqual(expect.arrayContaining(Object.keys(output)));
    return;
  }
  const { details, victim, perpetrator } = output;
  expect(victim.person.phone).toMatch(E164);
  if (perpetrator) expect(perpetrator.person.phone).toMatch(E164);
  expect(details.caseNumber).toMatch(/^[0-9](?:[0-9]|[/-](?=[0-9])){5,19}$/);

  const { indicators, officerJudgesHighRisk } = details.risk;
  const severe = indicators.some((i) => ['STRANGULATION', 'THREATS_TO_KILL', 'WEAPONS'].includes(i));
  expect(output.highRisk).toBe(officerJudgesHighRisk || severe || indicators.length >= 3);

  expect(victim.person.safeTimes.length).toBeGreaterThan(0);
  if (victim.person.safeTimes.includes('ANYTIME')) expect(victim.person.safeTimes).toEqual(['ANYTIME']);
  expect((victim.person.birthDate === null) !== (victim.person.ageBand === null)).toBe(true);
  expect(victim.person.address !== null).toBe(victim.channels.includes('LETTER'));
  expect(details.household.children > 0).toBe(details.household.childAgeBands.length > 0);
  expect(details.household.youthOfficeInformed === null).toBe(details.household.children === 0);
  if (victim.routing.preferredPartnerId) expect(victim.gender).toBe('NOT_STATED');

  if (details.measures.wegweisungUntil !== null) {
    const days = (Date.parse(details.measures.wegweisungUntil) - Date.parse(berlinDateOf(incident))) / DAY;
    expect(days).toBeGreaterThanOrEqual(0);
    expect(days).toBeLessThanOrEqual(MAX_WEGWEISUNG_DAYS);
  }
  for (const track of [victim, perpetrator]) {
    if (track?.lawfulBasis.kind !== 'CONSENT') continue;
    const given = instantOf(track.lawfulBasis.givenAt, track.lawfulBasis.fold)!;
    expect(given.getTime()).toBeGreaterThanOrEqual(incident.getTime());
    expect(given.getTime()).toBeLessThanOrEqual(NOW.getTime() + 5 * MINUTE);
  }
}

function check(result: Result, input: unknown, schema: number) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    // Not a form at all (the form always sends an object): one issue, in zod's words, which the server's
    // action client turns into errors.invalid (lib/actions.ts, invalidInput).
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ code: 'invalid_type', path: [] })]);
    return;
  }
  if (!result.success) return expectKeyedIssues(result);
  expectClean(result.data);
  // A correction names the referral it corrects, and only a correction does; none declines.
  if (schema === 2) expect(result.data).toMatchObject({ consent: 'yes', correction: { version: expect.any(Number) } });
  else expect(result.data).not.toHaveProperty('correction');
}

// ---------------------------------------------------------------------------------------------------------

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => vi.useRealTimers());

describe('referral schema properties', () => {
  it('the fixtures are valid, so that the mutations start from something that passes', () => {
    for (const base of BASES) expect(SCHEMAS[schemaFor(base)].safeParse(base).success).toBe(true);
    // Every field the schema knows has a generator.
    expect(Object.keys(PLAUSIBLE).sort()).toEqual([...FIELDS].sort());
    expect(FIELDS.length).toBeGreaterThanOrEqual(51);
  });

  it('answers any value whatever with a result, in message keys', () => {
    fc.assert(
      fc.property(anyValue, schemaIndex, (value, schema) => {
        check(SCHEMAS[schema]!.safeParse(value), value, schema);
      }),
      { numRuns: 1500 },
    );
  });

  it('answers objects of real field names with values of any type, in message keys', () => {
    fc.assert(
      fc.property(fieldSoup, schemaIndex, (value, schema) => {
        check(SCHEMAS[schema]!.safeParse(value), value, schema);
      }),
      { numRuns: 1500 },
    );
  });

  it('lets through only clean, consistent referrals (nearly valid input)', () => {
    let passed = 0;
    fc.assert(
      fc.property(nearlyValid, ({ input, schema }) => {
        const result = SCHEMAS[schema]!.safeParse(input);
        if (result.success) passed++;
        check(result, input, schema);
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: a good part of the generated input passes and is checked (typically 300 of 2000; most
    // changes break a rule between fields, which is the point of changing them).
    expect(passed).toBeGreaterThan(150);
  });

  it('survives any one field replaced by a value of another type', () => {
    const wrongType = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.anything()),
      fc.object(),
      fc.bigInt(),
      fc.date(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.constantFrom(...FIELDS),
        wrongType,
        schemaIndex,
        (base, field, value, schema) => {
          const input = { ...base, [field]: value };
          check(SCHEMAS[schema]!.safeParse(input), input, schema);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('runs the rules between fields over any object without throwing, in message keys', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyValue,
          fieldSoup,
          nearlyValid.map((n) => n.input),
        ),
        schemaIndex,
        (value, rules) => {
          const result = RULES[rules]!.safeParse(value);
          expectKeyedIssues(result);
          if (!result.success) for (const issue of result.error.issues) expect(issue.code).toBe('custom');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('left Object.prototype as it was after all of the above (own __proto__ keys included)', () => {
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_KEYS);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
