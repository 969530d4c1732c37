import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { referralSubmission } from '@/lib/referrals/schema';

const NOW = new Date('2026-06-10T12:00:00Z'); // 14:00 in Berlin

const valid = {
  idempotencyKey: '0b9c3a4e-1f2d-4c5b-8a9e-123456789abc',
  incidentAt: '2026-06-10T01:15',
  municipalityId: '7d0a6a0e-5a55-4a7b-9a3e-2b1c0d9e8f7a',
  gender: 'MALE',
  consent: 'yes',
  caseNumber: '2026/004711',
  firstName: 'Jürgen',
  lastName: 'Müller-Lüdenscheidt',
  phone: '+49 511 1234567',
} as const;

const declined = {
  idempotencyKey: valid.idempotencyKey,
  incidentAt: valid.incidentAt,
  municipalityId: valid.municipalityId,
  gender: 'FEMALE',
  consent: 'no',
} as const;

/** The first message key for a field, or undefined. */
function errorFor(input: unknown, field: string): string | undefined {
  const result = referralSubmission.safeParse(input);
  if (result.success) return undefined;
  return result.error.issues.find((i) => i.path.join('.') === field)?.message;
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => vi.useRealTimers());

describe('referral submission schema', () => {
  it('accepts a complete referral with consent', () => {
    expect(referralSubmission.safeParse(valid).success).toBe(true);
  });

  it('accepts a declined offer that carries no personal data', () => {
    expect(referralSubmission.safeParse(declined).success).toBe(true);
  });

  it('normalises text to NFC and trims it', () => {
    const decomposed = 'Ju\u0308rgen'; // "Jürgen" with a combining diaeresis
    const parsed = referralSubmission.parse({ ...valid, firstName: `  ${decomposed} `, caseNumber: ' 123456 ' });
    expect(parsed).toMatchObject({ firstName: 'Jürgen', caseNumber: '123456' });
  });

  it.each([
    ['caseNumber', '', 'errors.required'],
    ['caseNumber', '12345', 'errors.caseNumberFormat'],
    ['caseNumber', '2026//4711', 'errors.caseNumberFormat'],
    ['caseNumber', '2026/', 'errors.caseNumberFormat'],
    ['caseNumber', 'ABC123456', 'errors.caseNumberFormat'],
    ['caseNumber', '1'.repeat(21), 'errors.tooLong'],
    ['firstName', '', 'errors.required'],
    ['firstName', '   ', 'errors.required'],
    ['firstName', 'Anna1', 'errors.nameCharacters'],
    ['firstName', 'A'.repeat(101), 'errors.tooLong'],
    ['lastName', 'Evil\u202Egnp.exe', 'errors.invalidCharacters'],
    ['lastName', 'Null\u0000Byte', 'errors.invalidCharacters'],
    ['lastName', 'Line\nBreak', 'errors.invalidCharacters'],
    ['lastName', 'Zero\u200BWidth', 'errors.invalidCharacters'],
    ['lastName', 'Word\u2060Joiner', 'errors.invalidCharacters'],
    ['lastName', 'Lone\uD800Surrogate', 'errors.invalidCharacters'],
    ['phone', '', 'errors.required'],
    ['phone', '12345', 'errors.phoneFormat'],
    ['phone', '0511-ABC-123', 'errors.phoneFormat'],
    ['phone', '+49 511 1234567890123', 'errors.phoneFormat'],
    ['incidentAt', '', 'errors.required'],
    ['incidentAt', '10.06.2026 01:15', 'errors.dateTimeFormat'],
    ['incidentAt', '2026-06-10T14:30', 'errors.incidentInFuture'],
    ['incidentAt', '2026-05-01T10:00', 'errors.incidentTooOld'],
    ['municipalityId', '', 'errors.municipalityRequired'],
    ['municipalityId', 'Garbsen', 'errors.municipalityRequired'],
    ['gender', 'UNKNOWN', 'errors.genderRequired'],
    ['idempotencyKey', 'not-a-uuid', 'errors.reload'],
  ])('rejects %s = %j with %s', (field, value, key) => {
    expect(errorFor({ ...valid, [field]: value }, field)).toBe(key);
  });

  it('rejects a time in the spring daylight-saving gap', () => {
    vi.setSystemTime(new Date('2026-03-30T12:00:00Z'));
    expect(errorFor({ ...valid, incidentAt: '2026-03-29T02:30' }, 'incidentAt')).toBe('errors.timeNonexistent');
    vi.setSystemTime(NOW);
  });

  it('requires the person’s choice of service when no gender is stated, and only then', () => {
    expect(errorFor({ ...valid, gender: 'NOT_STATED' }, 'preferredPartnerId')).toBe('errors.preferenceRequired');
    expect(
      referralSubmission.safeParse({ ...valid, gender: 'NOT_STATED', preferredPartnerId: valid.municipalityId })
        .success,
    ).toBe(true);
    expect(errorFor({ ...valid, preferredPartnerId: valid.municipalityId }, 'preferredPartnerId')).toBe(
      'errors.preferenceOnlyWhenNotStated',
    );
  });

  it('requires a decision on consent', () => {
    const { consent: _consent, ...withoutConsent } = valid;
    expect(errorFor(withoutConsent, 'consent')).toBe('errors.consentRequired');
    expect(errorFor({ ...valid, consent: 'maybe' }, 'consent')).toBe('errors.consentRequired');
  });

  it('reports every missing field of an empty form at once', () => {
    const result = referralSubmission.safeParse({});
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => i.path.join('.')).sort();
    expect(fields).toEqual(['consent', 'gender', 'idempotencyKey', 'incidentAt', 'municipalityId']);
  });

  it.each(['caseNumber', 'firstName', 'lastName', 'phone'])('requires %s when the person consents', (field) => {
    expect(errorFor({ ...valid, [field]: undefined }, field)).toBe('errors.required');
  });

  it('hands the service exactly the fields of its branch', () => {
    expect(Object.keys(referralSubmission.parse(declined)).sort()).toEqual([
      'consent',
      'gender',
      'idempotencyKey',
      'incidentAt',
      'municipalityId',
    ]);
    expect(referralSubmission.parse(valid)).not.toHaveProperty('preferredPartnerId');
  });

  it('rejects unknown fields instead of dropping them', () => {
    expect(referralSubmission.safeParse({ ...valid, note: 'x' }).success).toBe(false);
  });

  it('rejects personal data sent with a refusal of consent', () => {
    expect(errorFor({ ...declined, firstName: 'Anna' }, 'firstName')).toBe('errors.notWithoutConsent');
    expect(errorFor({ ...declined, phone: '0511 123456' }, 'phone')).toBe('errors.notWithoutConsent');
    expect(errorFor({ ...declined, caseNumber: '2026/004711' }, 'caseNumber')).toBe('errors.notWithoutConsent');
  });

  it.each([null, undefined, 'string', 42, [], { consent: 'yes' }])('rejects the non-form value %j', (value) => {
    expect(referralSubmission.safeParse(value).success).toBe(false);
  });
});
