/**
 * The form's idempotency key (lib/referrals/submission-key.ts): a double tap or a retry after a lost
 * response files one referral, with one set of tracks, and answers every attempt with it; the key never
 * carries other data; a form refused for its routing keeps its key for the corrected attempt.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { submitReferral } from '@/lib/referrals/service';
import { completeSubmission } from '@/prisma/factories';

import { parsed, storedVictims } from '../support/referrals';
import { createActor, freshWorld, municipalityId, partnerId } from '../support/world';

beforeEach(freshWorld);

/** Everything a submission may leave behind. */
async function stored() {
  const [referrals, tracks, keys, created] = await Promise.all([
    db().referral.findMany({ select: { id: true } }),
    db().referralTrack.findMany({ orderBy: { id: 'asc' } }),
    db().submissionKey.count(),
    db().auditEvent.count({ where: { action: 'REFERRAL_CREATED' } }),
  ]);
  return { referrals, tracks, keys, created };
}

describe('the idempotency key of a referral form', () => {
  it('files one referral with one set of tracks for ten simultaneous submissions, and answers each with it', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input = parsed(completeSubmission(await municipalityId('Garbsen')));
    const results = await Promise.all(Array.from({ length: 10 }, () => submitReferral({ actor: officer, input })));

    const { referrals, tracks, keys, created } = await stored();
    expect(referrals).toHaveLength(1);
    expect(tracks.map((t) => t.track).sort()).toEqual(['PERPETRATOR', 'VICTIM']);
    expect(tracks.every((t) => t.referralId === referrals[0]!.id)).toBe(true);
    expect({ keys, created }).toEqual({ keys: 1, created: 1 });
    for (const result of results) {
      expect(result).toEqual({
        ok: true,
        data: {
          kind: 'REFERRAL',
          referralId: referrals[0]!.id,
          tracks: [
            { track: 'VICTIM', partnerName: expect.any(String) },
            { track: 'PERPETRATOR', partnerName: expect.any(String) },
          ],
        },
      });
    }
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
  });

  it('refuses the key with other data (a corrected phone number) and stores nothing new', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const form = completeSubmission(await municipalityId('Garbsen'));
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({ ok: true });
    const before = await stored();

    for (const changed of [{ phone: '0511 1111111' }, { perpetratorPhone: '0171 7654321' }, { note: 'Anders.' }]) {
      expect(
        await submitReferral({ actor: officer, input: parsed({ ...form, ...changed }) }),
        JSON.stringify(changed),
      ).toMatchObject({ ok: false, code: 'CONFLICT', message: 'errors.codes.SUBMISSION_KEY_REUSED' });
    }
    // Even at the same moment as a retry of the original.
    const [retry, conflict] = await Promise.all([
      submitReferral({ actor: officer, input: parsed(form) }),
      submitReferral({ actor: officer, input: parsed({ ...form, phone: '0511 2222222' }) }),
    ]);
    expect(retry).toMatchObject({ ok: true, data: { referralId: before.referrals[0]!.id } });
    expect(conflict).toMatchObject({ ok: false, code: 'CONFLICT' });

    expect(await stored()).toEqual(before);
    expect((await storedVictims()).map((person) => person?.phone)).toEqual(['+495119876543']);
  });

  it('keeps the key usable after a routing refusal: nothing was stored, the corrected form goes through', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    // The perpetrator did not state a gender and chose a victim service: no perpetrator programme.
    const form = completeSubmission(await municipalityId('Garbsen'), {
      perpetratorGender: 'NOT_STATED',
      perpetratorPreferredPartnerId: await partnerId('BISS-REGION'),
    });
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { perpetratorPreferredPartnerId: ['errors.routing.perpetrator.PREFERENCE_NOT_RESPONSIBLE'] },
    });
    expect(await stored()).toEqual({ referrals: [], tracks: [], keys: 0, created: 0 });

    const corrected = parsed({ ...form, perpetratorPreferredPartnerId: await partnerId('GRUPPE') });
    const filed = await submitReferral({ actor: officer, input: corrected });
    expect(filed).toMatchObject({ ok: true, data: { kind: 'REFERRAL' } });
    // From now on the key belongs to the corrected form: a retry gets its referral, the refused one a conflict.
    expect(await submitReferral({ actor: officer, input: corrected })).toEqual(filed);
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    const { referrals, tracks, keys, created } = await stored();
    expect({ referrals: referrals.length, tracks: tracks.length, keys, created }).toEqual({
      referrals: 1,
      tracks: 2,
      keys: 1,
      created: 1,
    });
    expect(tracks.find((t) => t.track === 'PERPETRATOR')).toMatchObject({
      gender: 'NOT_STATED',
      partnerId: await partnerId('GRUPPE'),
      routingReason: 'PERSON_PREFERENCE',
    });
  });
});
