import { describe, expect, it } from 'vitest';

import { alsoChecking } from '@/components/forms/also-checking';
import { lazySchemaResolver, schemaResolver, type Schema } from '@/components/forms/schema-resolver';
import { referralCrossFieldRules, referralSubmission } from '@/lib/referrals/schema';
import { instantToBerlinLocal } from '@/lib/time/berlin';

import { DEFAULT_CONFIG, validForm } from '../referrals/form-fixture';

const CONFIG = DEFAULT_CONFIG;
const schema = referralSubmission(CONFIG);
const options = { fields: {}, shouldUseNativeValidation: false } as const;

const resolve = (values: Record<string, unknown>, s: Schema = schema) => schemaResolver(s)(values, undefined, options);

/** A valid referral with consent as the form sends it, not yet normalised (the server does that). */
function formValues(): Record<string, unknown> {
  return {
    ...validForm({
      incidentAt: instantToBerlinLocal(new Date(Date.now() - 3_600_000)),
      consentAt: instantToBerlinLocal(new Date(Date.now() - 1_800_000)),
    }),
    idempotencyKey: '0B9C3A4E-1F2D-4C5B-8A9E-123456789ABC',
    caseNumber: ' 2026/004711 ',
  };
}

describe('schemaResolver', () => {
  it('maps every failing field to its first message key', async () => {
    const { values, errors } = await resolve({ consent: 'yes', caseNumber: '1' });
    expect(values).toEqual({});
    expect(errors).toMatchObject({
      caseNumber: { message: 'errors.caseNumberFormat' },
      municipalityId: { message: 'errors.municipalityRequired' },
      gender: { message: 'errors.genderRequired' },
      idempotencyKey: { message: 'errors.reload' },
      incidentAt: { message: 'errors.required' },
    });
  });

  it('names the issue’s type and joins nested paths', async () => {
    const { errors } = await resolve({ ...formValues(), safeTimes: ['MORNING', 'NIGHT'] });
    expect(errors).toEqual({ 'safeTimes.1': { type: 'invalid_value', message: 'errors.invalid' } });
  });

  it('hands over the form values as they are, not the structured, normalised output', async () => {
    const input = formValues();
    expect(schema.safeParse(input).success).toBe(true);
    const result = await resolve(input);
    expect(result).toEqual({ values: input, errors: {} });
    expect(result.values).toBe(input);
    // The output would have the phone in E.164 and the person under victim.person: not what the form holds.
    expect(result.values).toMatchObject({ phone: '0511 9876543', caseNumber: ' 2026/004711 ' });
    expect(result.values).not.toHaveProperty('victim');
  });

  it('hands over a declined offer as it is', async () => {
    const input = {
      idempotencyKey: '0b9c3a4e-1f2d-4c5b-8a9e-123456789abc',
      incidentAt: instantToBerlinLocal(new Date(Date.now() - 3_600_000)),
      municipalityId: '7d0a6a0e-5a55-4a7b-9a3e-2b1c0d9e8f7a',
      gender: 'FEMALE',
      consent: 'no',
    };
    expect(await resolve(input)).toEqual({ values: input, errors: {} });
  });
});

describe('alsoChecking (the rules between fields while other fields are still wrong)', () => {
  it('adds the cross-field issues to the field issues', async () => {
    const values = { ...formValues(), firstName: 42, safeTimes: [], wegweisungUntil: '2026-06-20' };
    expect((await resolve(values)).errors).not.toHaveProperty('safeTimes');
    const { errors } = await resolve(values, alsoChecking(schema, referralCrossFieldRules(CONFIG)));
    expect(errors).toMatchObject({
      firstName: { message: 'errors.required' },
      safeTimes: { message: 'errors.safeTimesRequired' },
      wegweisungUntil: { message: 'errors.onlyWithWegweisung' },
    });
  });

  it('passes a valid form through untouched', async () => {
    const input = formValues();
    expect(await resolve(input, alsoChecking(schema, referralCrossFieldRules(CONFIG)))).toEqual({
      values: input,
      errors: {},
    });
  });
});

describe('lazySchemaResolver (the officer form loads zod after it became interactive)', () => {
  it('loads the schema once and validates with it', async () => {
    let loads = 0;
    const { resolver, preload } = lazySchemaResolver(async () => {
      loads++;
      return schema;
    });
    await preload();
    const { errors } = await resolver({ consent: 'yes', caseNumber: '1' }, undefined, options);
    expect(errors).toMatchObject({ caseNumber: { message: 'errors.caseNumberFormat' } });
    await resolver({}, undefined, options);
    expect(loads).toBe(1);
  });

  it('lets the form through to the server while the schema cannot be loaded, and tries again next time', async () => {
    let attempt = 0;
    const { resolver } = lazySchemaResolver(async () => {
      attempt++;
      if (attempt === 1) throw new Error('offline');
      return schema;
    });
    const values = { consent: 'yes', caseNumber: '1' };
    expect(await resolver(values, undefined, options)).toEqual({ values, errors: {} });
    expect((await resolver(values, undefined, options)).errors).toHaveProperty('caseNumber');
    expect(attempt).toBe(2);
  });
});
