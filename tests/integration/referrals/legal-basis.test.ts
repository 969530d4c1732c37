/**
 * A statutory basis instead of consent (README, "Configuration": LEGAL_BASES). Only a directorate that
 * configured one may refer a victim without that person's consent; the reference is stored with the track.
 * The perpetrator programme only ever works with that person's own consent, and the database says so too
 * (check constraint ReferralTrack_lawful_basis_consistent).
 *
 * The server action's schema is built from the configuration once per process (lib/referrals/config.ts), so
 * this file configures LEGAL_BASES before anything parses a form; tests/integration/referrals/
 * submit-referral.test.ts runs the action without it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod/mini';

import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { submitReferralAction } from '@/lib/referrals/actions';
import { referralFormConfig } from '@/lib/referrals/config';
import { referralSubmission, type ReferralFormInput } from '@/lib/referrals/schema';
import { completeSubmission, consentedSubmission } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { fileReferral, openStoredReferral } from '../support/referrals';
import { countRows, createActor, freshWorld, municipalityId, signInAs } from '../support/world';

const LEGAL_BASES = '§ 41 NPOG; Art. 6 Abs. 1 lit. e DSGVO';
vi.stubEnv('LEGAL_BASES', LEGAL_BASES);
resetEnvCache();

const CHECK_VIOLATION = '23514';

beforeEach(freshWorld);
afterEach(() => {
  vi.stubEnv('LEGAL_BASES', LEGAL_BASES);
  resetEnvCache();
});

/** The form with a statutory basis in place of consent (no consent method or time: there was no consent). */
async function withLegalBasis(legalBasis: string, overrides: Partial<ReferralFormInput> = {}) {
  const {
    consentMethod: _method,
    consentAt: _at,
    ...form
  } = consentedSubmission(await municipalityId('Garbsen'), overrides);
  return { ...form, consent: 'legalBasis' as const, legalBasis };
}

describe('a statutory basis in place of consent', () => {
  it('files the referral with the configured reference as the lawful basis of the victim’s track', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const result = await submitReferralAction(await withLegalBasis('Art. 6 Abs. 1 lit. e DSGVO'));
    expect(result).toMatchObject({ ok: true, data: { kind: 'REFERRAL' } });
    const referralId = result.ok && result.data.kind === 'REFERRAL' ? result.data.referralId : '';
    expect(
      await db().referralTrack.findMany({
        where: { referralId },
        select: { track: true, lawfulBasis: true, legalBasis: true, consentMethod: true, consentGivenAt: true },
      }),
    ).toEqual([
      {
        track: 'VICTIM',
        lawfulBasis: 'LEGAL_BASIS',
        legalBasis: 'Art. 6 Abs. 1 lit. e DSGVO',
        consentMethod: null,
        consentGivenAt: null,
      },
    ]);
    // The person is sealed all the same.
    expect((await openStoredReferral(referralId)).victim).toMatchObject({ firstName: 'Marie', lastName: 'Schneider' });
  });

  it('refuses a reference the directorate did not configure, and consent details beside a statutory basis', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    expect(await submitReferralAction(await withLegalBasis('§ 999 Erfunden'))).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { legalBasis: ['errors.legalBasisRequired'] },
    });
    expect(
      await submitReferralAction({ ...(await withLegalBasis('§ 41 NPOG')), consentMethod: 'VERBAL' }),
    ).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { consentMethod: ['errors.notWithLegalBasis'] } });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('is refused where no statutory basis is configured', async () => {
    vi.stubEnv('LEGAL_BASES', '');
    resetEnvCache();
    // The schema the server builds from this configuration (as it does on start).
    const result = z.safeParse(referralSubmission(referralFormConfig()), await withLegalBasis('§ 41 NPOG'));
    expect(result.success).toBe(false);
    expect(z.flattenError(result.error!).fieldErrors).toMatchObject({
      consent: ['errors.legalBasisDisabled'],
      legalBasis: ['errors.legalBasisRequired'],
    });
  });
});

describe('check constraint ReferralTrack_lawful_basis_consistent', () => {
  /** One statement on a connection of its own: the SQLSTATE and message, or 'done'. */
  async function outcome(statement: string, values: unknown[]) {
    try {
      await queryAt(testDatabaseUrl(), statement, values);
      return 'done';
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      return { code, message };
    }
  }

  it('keeps consent with its method and time, a statutory basis with its reference, and the perpetrator on consent', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, completeSubmission(await municipalityId('Garbsen')));
    const before = await db().referralTrack.findMany({ where: { referralId }, orderBy: { track: 'asc' } });
    const refused: [string, string][] = [
      ['VICTIM', `"consentMethod" = NULL`],
      ['VICTIM', `"consentGivenAt" = NULL`],
      ['VICTIM', `"legalBasis" = '§ 41 NPOG'`],
      ['VICTIM', `"lawfulBasis" = 'LEGAL_BASIS'`],
      ['VICTIM', `"lawfulBasis" = 'LEGAL_BASIS', "legalBasis" = '§ 41 NPOG'`],
      // The perpetrator programme works only with that person's own consent, whatever is configured.
      [
        'PERPETRATOR',
        `"lawfulBasis" = 'LEGAL_BASIS', "legalBasis" = '§ 41 NPOG', "consentMethod" = NULL, "consentGivenAt" = NULL`,
      ],
    ];
    for (const [track, assignment] of refused) {
      expect(
        await outcome(`UPDATE "ReferralTrack" SET ${assignment} WHERE "referralId" = $1 AND track = $2::"Track"`, [
          referralId,
          track,
        ]),
        `${track}: ${assignment}`,
      ).toMatchObject({
        code: CHECK_VIOLATION,
        message: expect.stringContaining('ReferralTrack_lawful_basis_consistent'),
      });
    }
    expect(await db().referralTrack.findMany({ where: { referralId }, orderBy: { track: 'asc' } })).toEqual(before);
    // The victim's track may rest on a statutory basis instead.
    expect(
      await outcome(
        `UPDATE "ReferralTrack" SET "lawfulBasis" = 'LEGAL_BASIS', "legalBasis" = '§ 41 NPOG',
                "consentMethod" = NULL, "consentGivenAt" = NULL WHERE "referralId" = $1 AND track = 'VICTIM'`,
        [referralId],
      ),
    ).toBe('done');
  });
});
