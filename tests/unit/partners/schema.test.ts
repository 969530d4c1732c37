/**
 * Partner administration schemas (issue 9): accept/reject tables with the message keys the form shows,
 * then fuzzing: parsing never throws, and whatever is accepted is clean (codes, lists, text, dates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { LANGUAGE_CODES } from '@/lib/partners/languages';
import {
  createPartnerInput,
  DESCRIPTION_MAX_LENGTH,
  PARTNER_CODE_PATTERN,
  PARTNER_KINDS,
  updatePartnerInput,
  type PartnerFields,
} from '@/lib/partners/schema';
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { addDays, berlinDayStart, isCalendarDate } from '@/lib/time/days';

const PARTNER_ID = '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5d';

const fields = {
  name: 'BISS Region Hannover',
  kind: 'VICTIM_SUPPORT',
  tracks: ['VICTIM'],
  genders: ['FEMALE', 'DIVERSE'],
  phone: '0511 123456',
  address: 'Beispielstraße 1, 30159 Hannover',
  notificationEmail: 'biss@partner.example',
  activeFrom: '2026-01-01',
  activeTo: '',
  languages: ['de', 'en'],
  description: 'Die BISS meldet sich bei Ihnen.\nKostenlos und vertraulich.',
};
const validCreate = { code: 'BISS-NEU', ...fields };
const validUpdate = { partnerId: PARTNER_ID, version: 3, ...fields };

type Issue = { path: PropertyKey[]; message: string };
type Schema = { safeParse: (input: unknown) => { success: boolean; error?: { issues: Issue[] } } };

/** The first message for `path` (dot-separated), or undefined when there is none (or parsing succeeded). */
function errorFor(schema: Schema, input: unknown, path: string): string | undefined {
  const result = schema.safeParse(input);
  return result.error?.issues.find((i) => i.path.join('.') === path)?.message;
}

describe('createPartnerInput', () => {
  it('accepts a complete partner and normalises what people type', () => {
    const result = createPartnerInput.safeParse({
      ...validCreate,
      code: '  biss-neu ',
      name: '  Cafe\u0301 Beratung ',
      notificationEmail: ' BISS@Partner.Example ',
      description: 'Zeile eins\r\nZeile zwei\rZeile drei  ',
      activeFrom: ' 2026-01-01 ',
    });
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      ...validCreate,
      code: 'BISS-NEU',
      name: 'Café Beratung',
      notificationEmail: 'biss@partner.example',
      description: 'Zeile eins\nZeile zwei\nZeile drei',
    });
  });

  it.each([
    ['no last active day', { activeTo: undefined }],
    ['a last active day', { activeTo: '2026-12-31' }],
    ['one active day only', { activeFrom: '2026-03-29', activeTo: '2026-03-29' }],
    ['a two-character code', { code: 'AB' }],
    ['a twenty-character code with hyphens', { code: 'A1-B2-C3-D4-E5-F6-G7' }],
    ['both tracks and all genders', { tracks: ['PERPETRATOR', 'VICTIM'], genders: ['MALE', 'FEMALE', 'DIVERSE'] }],
    ['a phone number with country code', { phone: '+49 (511) 123-456' }],
    ['a description of the maximum length', { description: 'x'.repeat(DESCRIPTION_MAX_LENGTH) }],
  ])('accepts %s', (_name, change) => {
    const result = createPartnerInput.safeParse({ ...validCreate, ...change });
    expect(result.error?.issues).toBeUndefined();
  });

  it.each<[string, unknown, string, string]>([
    ['code', '', 'code', 'errors.required'],
    ['code', '   ', 'code', 'errors.required'],
    ['code', 42, 'code', 'errors.required'],
    ['code', 'A', 'code', 'partners.errors.codeFormat'],
    ['code', 'A'.repeat(21), 'code', 'partners.errors.codeFormat'],
    ['code', '-AB', 'code', 'partners.errors.codeFormat'],
    ['code', 'AB-', 'code', 'partners.errors.codeFormat'],
    ['code', 'A--B', 'code', 'partners.errors.codeFormat'],
    ['code', 'A B', 'code', 'partners.errors.codeFormat'],
    ['code', 'A_B', 'code', 'partners.errors.codeFormat'],
    ['code', 'ÄRZTE', 'code', 'partners.errors.codeFormat'],
    ['code', 'AB\u0000', 'code', 'partners.errors.codeFormat'],
    ['name', '', 'name', 'errors.required'],
    ['name', 'x'.repeat(121), 'name', 'errors.tooLong'],
    ['name', 'BISS\nRegion', 'name', 'errors.invalidCharacters'],
    ['name', 'BISS \u202ERegion', 'name', 'errors.invalidCharacters'],
    ['name', 'BI\u200BSS', 'name', 'errors.invalidCharacters'],
    ['kind', 'YOUTH_WELFARE', 'kind', 'partners.errors.kindRequired'],
    ['kind', undefined, 'kind', 'partners.errors.kindRequired'],
    ['tracks', [], 'tracks', 'partners.errors.tracksRequired'],
    ['tracks', ['VICTIM', 'VICTIM'], 'tracks', 'partners.errors.tracksRequired'],
    ['tracks', 'VICTIM', 'tracks', 'partners.errors.tracksRequired'],
    ['tracks', ['YOUTH_WELFARE'], 'tracks.0', 'partners.errors.tracksRequired'],
    ['genders', [], 'genders', 'partners.errors.gendersRequired'],
    ['genders', ['NOT_STATED'], 'genders.0', 'partners.errors.gendersRequired'],
    ['genders', ['MALE', 'MALE'], 'genders', 'partners.errors.gendersRequired'],
    ['phone', '', 'phone', 'errors.required'],
    ['phone', '12345', 'phone', 'errors.phoneFormat'],
    ['phone', '0511 CALL ME', 'phone', 'errors.phoneFormat'],
    ['address', '', 'address', 'errors.required'],
    ['address', 'x'.repeat(201), 'address', 'errors.tooLong'],
    ['notificationEmail', 'not-an-address', 'notificationEmail', 'errors.emailFormat'],
    ['notificationEmail', '', 'notificationEmail', 'errors.required'],
    ['activeFrom', '', 'activeFrom', 'errors.required'],
    ['activeFrom', '2026-02-30', 'activeFrom', 'errors.dateFormat'],
    ['activeFrom', '01.02.2026', 'activeFrom', 'errors.dateFormat'],
    ['activeTo', '2025-12-31', 'activeTo', 'partners.errors.activeToBeforeFrom'],
    ['activeTo', '2026-02-30', 'activeTo', 'errors.dateFormat'],
    ['activeTo', '31.12.2026', 'activeTo', 'errors.dateFormat'],
    ['languages', [], 'languages', 'partners.errors.languagesRequired'],
    ['languages', ['de', 'de'], 'languages', 'partners.errors.languagesRequired'],
    ['languages', ['xx'], 'languages.0', 'partners.errors.languagesRequired'],
    ['description', '', 'description', 'errors.required'],
    ['description', 'x'.repeat(DESCRIPTION_MAX_LENGTH + 1), 'description', 'errors.tooLong'],
    ['description', 'Klingel\u0007', 'description', 'errors.invalidCharacters'],
    ['description', 'Tab\tgetrennt', 'description', 'errors.invalidCharacters'],
  ])('rejects %s = %j with %s: %s', (field, value, path, message) => {
    expect(errorFor(createPartnerInput, { ...validCreate, [field]: value }, path)).toBe(message);
    if (field !== 'code') expect(errorFor(updatePartnerInput, { ...validUpdate, [field]: value }, path)).toBe(message);
  });

  it('rejects unknown fields', () => {
    expect(createPartnerInput.safeParse({ ...validCreate, active: true }).success).toBe(false);
  });

  it('reads a blank last active day as open-ended', () => {
    expect(createPartnerInput.safeParse({ ...validCreate, activeTo: '   ' })).toMatchObject({
      success: true,
      data: { activeTo: '' },
    });
  });

  // Dates are Berlin days of this app's years (2000–2999): a typo in the year is a field error, never a
  // day the service cannot turn into an instant (before 1893 Berlin had no CET; 1947 had double summer time).
  it.each([
    ['activeFrom', '1026-01-01'],
    ['activeFrom', '1947-06-01'],
    ['activeTo', '9999-12-31'],
  ])('refuses %s %s with the date message', (field, date) => {
    expect(errorFor(createPartnerInput, { ...validCreate, [field]: date }, field)).toBe('errors.dateFormat');
  });

  it.each(['2000-01-01', '2026-03-29', '2999-12-31'])(
    'stores every accepted day as the start of a Berlin day (%s)',
    (date) => {
      const result = createPartnerInput.safeParse({ ...validCreate, activeFrom: date, activeTo: date });
      expect(result.success).toBe(true);
      expect(() => storedInstants(result.data!)).not.toThrow();
    },
  );
});

/** What the partner service stores for the dates (lib/partners/service.ts). */
function storedInstants(data: Pick<PartnerFields, 'activeFrom' | 'activeTo'>) {
  return [berlinDayStart(data.activeFrom), data.activeTo ? berlinDayStart(addDays(data.activeTo, 1)) : null];
}

describe('updatePartnerInput', () => {
  it('accepts a change naming the partner and the version the admin saw', () => {
    expect(updatePartnerInput.safeParse(validUpdate).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ['partnerId', 'not-a-uuid'],
    ['partnerId', undefined],
    ['version', 1.5],
    ['version', '3'],
    ['version', undefined],
  ])('asks to reload when %s is %j', (field, value) => {
    expect(errorFor(updatePartnerInput, { ...validUpdate, [field]: value }, field)).toBe('errors.reload');
  });

  it('does not change the code', () => {
    expect(updatePartnerInput.safeParse({ ...validUpdate, code: 'NEU' }).success).toBe(false);
  });

  it('checks the active range like creating does', () => {
    expect(errorFor(updatePartnerInput, { ...validUpdate, activeTo: '2025-12-31' }, 'activeTo')).toBe(
      'partners.errors.activeToBeforeFrom',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Fuzzing.

/** Characters text fields must never hold (lib/validation/text.ts), \n aside. */
const FORBIDDEN =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NASTY = [
  '\u0000',
  '\n',
  '\r',
  '\t',
  '\u0085',
  '\u200B',
  '\u202E',
  '\u2066',
  '\uFEFF',
  '\uD800',
  ' ',
  'ß',
  'ı',
  'e\u0301',
];

function expectCleanText(value: unknown, { multiline = false, max }: { multiline?: boolean; max: number }) {
  expect(typeof value).toBe('string');
  const text = value as string;
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(max);
  expect(text).toBe(text.trim());
  expect(text).toBe(text.normalize('NFC'));
  expect(FORBIDDEN.test(text)).toBe(false);
  expect(LONE_SURROGATE.test(text)).toBe(false);
  expect(text.includes('\r')).toBe(false);
  if (!multiline) expect(text.includes('\n')).toBe(false);
}

function expectDistinctListOf(value: unknown, allowed: readonly string[]) {
  expect(Array.isArray(value)).toBe(true);
  const list = value as string[];
  expect(list.length).toBeGreaterThan(0);
  expect(new Set(list).size).toBe(list.length);
  for (const item of list) expect(allowed).toContain(item);
}

function expectPartnerFields(data: PartnerFields) {
  expectCleanText(data.name, { max: 120 });
  expectCleanText(data.address, { max: 200 });
  expectCleanText(data.phone, { max: 30 });
  expectCleanText(data.description, { max: DESCRIPTION_MAX_LENGTH, multiline: true });
  expectCleanText(data.notificationEmail, { max: 254 });
  expect(data.notificationEmail).toBe(data.notificationEmail.toLowerCase());
  expect(data.notificationEmail).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
  expect(PARTNER_KINDS).toContain(data.kind);
  expectDistinctListOf(data.tracks, TRACKS);
  expectDistinctListOf(data.genders, RULE_GENDERS);
  expectDistinctListOf(data.languages, LANGUAGE_CODES);
  expect(isCalendarDate(data.activeFrom)).toBe(true);
  if (data.activeTo) {
    expect(isCalendarDate(data.activeTo)).toBe(true);
    expect(data.activeTo >= data.activeFrom).toBe(true);
  } else expect([undefined, '']).toContain(data.activeTo);
}

/** A value that is often right, sometimes right with noise, sometimes anything at all. */
function field<T>(valid: fc.Arbitrary<T>, mutate: (v: T) => fc.Arbitrary<unknown> = () => fc.string()) {
  return fc.oneof(
    { weight: 30, arbitrary: valid },
    { weight: 2, arbitrary: valid.chain(mutate) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.anything() },
  );
}

/** Splices a troublesome character, whitespace or a change of case into a string. */
const noisy = (s: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.nat(s.length), fc.constantFrom(...NASTY)).map(([i, c]) => s.slice(0, i) + c + s.slice(i)),
    fc.constantFrom(` ${s} `, `\t${s}\n`, s.toUpperCase(), s.toLowerCase(), s + s),
  );

const calendarDateArb = fc
  .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const nearDateArb = fc.integer({ min: -400, max: 400 }).map((n) => addDays('2026-06-10', n));
const dateLikeArb = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const dateArb = field(fc.oneof(nearDateArb, calendarDateArb), (s) => fc.oneof(noisy(s), dateLikeArb));

const listArb = <V extends string>(values: readonly V[]) =>
  field(fc.shuffledSubarray([...values], { minLength: 1 }), (list) =>
    fc.oneof(
      fc.constant([...list, list[0]]),
      fc.constant([]),
      fc.array(fc.oneof(fc.constantFrom(...values), fc.string()), { maxLength: 4 }),
    ),
  );

const textArb = (samples: string[], max: number) =>
  field(
    fc.oneof(fc.constantFrom(...samples), fc.string({ unit: 'grapheme', minLength: 1, maxLength: max + 5 })),
    noisy,
  );

const partnerFieldArbs = {
  name: textArb(['BISS Region Hannover', 'Männerbüro'], 120),
  kind: field(fc.constantFrom(...PARTNER_KINDS)),
  tracks: listArb(TRACKS),
  genders: listArb(RULE_GENDERS),
  phone: field(
    fc.oneof(
      fc.constantFrom('0511 123456', '+49 (511) 123-456'),
      fc.stringMatching(/^(\+49 )?0?[1-9]\d{2,4}[ /-]\d{3,8}$/),
    ),
    (v) => fc.oneof(noisy(v), fc.stringMatching(/^\+?[0-9 ()/-]{1,32}$/)),
  ),
  address: textArb(['Beispielstraße 1, 30159 Hannover'], 200),
  notificationEmail: field(
    fc.oneof(fc.constant('biss@partner.example'), fc.stringMatching(/^[a-z][a-z0-9.]{0,8}[a-z]@[a-z]{2,8}\.(de|org)$/)),
    (v) => fc.oneof(noisy(v), fc.emailAddress()),
  ),
  activeFrom: dateArb,
  activeTo: fc.oneof(fc.constant(undefined), fc.constant(''), dateArb),
  languages: listArb(LANGUAGE_CODES),
  description: textArb(['Zeile eins\nZeile zwei', 'Die BISS meldet sich.'], DESCRIPTION_MAX_LENGTH),
};

const codeArb = field(
  fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('-')),
  noisy,
);

describe('partner schemas, fuzzed', () => {
  it('never throw on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (input) => {
        expect(createPartnerInput.safeParse(input).success).toBe(false);
        expect(updatePartnerInput.safeParse(input).success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('accept only clean partners (create)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.record({ code: codeArb, ...partnerFieldArbs }, { requiredKeys: [] }), (input) => {
        const result = createPartnerInput.safeParse({ ...validCreate, ...input });
        if (!result.success) return;
        accepted += 1;
        expect(result.data.code).toMatch(PARTNER_CODE_PATTERN);
        expectPartnerFields(result.data);
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('accept only clean partners (update)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record(
          {
            partnerId: field(fc.uuid(), noisy),
            version: field(fc.integer({ min: 1, max: 1000 }), (v) => fc.constantFrom(v + 0.5, String(v), -v)),
            ...partnerFieldArbs,
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const result = updatePartnerInput.safeParse({ ...validUpdate, ...input });
          if (!result.success) return;
          accepted += 1;
          expect(result.data.partnerId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
          expect(Number.isInteger(result.data.version)).toBe(true);
          expectPartnerFields(result.data);
        },
      ),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
