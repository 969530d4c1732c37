import { describe, expect, it } from 'vitest';

import { lazySchemaResolver, schemaResolver } from '@/components/forms/schema-resolver';
import { referralSubmission } from '@/lib/referrals/schema';
import { instantToBerlinLocal } from '@/lib/time/berlin';

const resolve = (values: Record<string, unknown>) =>
  schemaResolver(referralSubmission)(values, undefined, { fields: {}, shouldUseNativeValidation: false });

describe('schemaResolver', () => {
  it('maps every failing field to its first message key', async () => {
    const { values, errors } = await resolve({ consent: 'yes', caseNumber: '1' });
    expect(values).toEqual({});
    expect(errors).toMatchObject({
      caseNumber: { message: 'errors.caseNumberFormat' },
      municipalityId: { message: 'errors.municipalityRequired' },
      gender: { message: 'errors.genderRequired' },
    });
  });

  it('hands over the parsed, normalised values when valid', async () => {
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

describe('lazySchemaResolver (the officer form loads zod after it became interactive)', () => {
  const options = { fields: {}, shouldUseNativeValidation: false } as const;

  it('loads the schema once and validates with it', async () => {
    let loads = 0;
    const { resolver, preload } = lazySchemaResolver(async () => {
      loads++;
      return referralSubmission;
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
      return referralSubmission;
    });
    const values = { consent: 'yes', caseNumber: '1' };
    expect(await resolver(values, undefined, options)).toEqual({ values, errors: {} });
    expect((await resolver(values, undefined, options)).errors).toHaveProperty('caseNumber');
    expect(attempt).toBe(2);
  });
});
