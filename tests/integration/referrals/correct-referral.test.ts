/**
 * The officer's own referral (issue 10): opened only by the officer who filed it (audited), corrected with
 * the same checks until it is approved, re-routed by the rules of its incident time, never on top of a change
 * the officer has not seen; and a second referral for the same case and person is flagged as a likely
 * duplicate that the officer may send deliberately.
 */
import { z } from 'zod/mini';
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { referralFormConfig } from '@/lib/referrals/config';
import { ownReferral } from '@/lib/referrals/queries';
import { referralSubmission, type ReferralDraft, type ReferralFormInput } from '@/lib/referrals/schema';
import { correctReferral, submitReferral } from '@/lib/referrals/service';
import { formValuesOf } from '@/lib/referrals/stored';
import { completeSubmission, consentedSubmission } from '@/prisma/factories';

import { fileReferral, openStoredReferral, parsed } from '../support/referrals';
import { createActor, freshWorld, municipalityId } from '../support/world';

beforeEach(freshWorld);

/** The correction form as the page fills it, changed by `change`, parsed as the server parses it. */
async function correctionOf(
  actor: Parameters<typeof ownReferral>[0]['actor'],
  referralId: string,
  change: Partial<ReferralFormInput> = {},
): Promise<ReferralDraft> {
  const view = await ownReferral({ actor, id: referralId });
  const values = formValuesOf(view!.draft!, view!)!;
  const result = z.safeParse(referralSubmission(referralFormConfig(), 'correction'), { ...values, ...change });
  if (!result.success) throw new Error(JSON.stringify(z.flattenError(result.error).fieldErrors));
  return result.data as ReferralDraft;
}

describe("an officer's own referral", () => {
  it('is opened only by the officer who filed it, and each opening is audited', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const colleague = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, completeSubmission(await municipalityId('Garbsen')));

    expect(await ownReferral({ actor: colleague, id: referralId })).toBeNull();
    expect(
      await db().auditEvent.findMany({
        where: { action: 'ACCESS_DENIED', actorId: colleague.id },
        select: { details: true },
      }),
    ).toEqual([{ details: { permission: 'referral:read-own', referral: referralId, reason: 'NOT_OWN' } }]);
    expect(await ownReferral({ actor: officer, id: 'not-a-uuid' })).toBeNull();
    const view = await ownReferral({ actor: officer, id: referralId.toUpperCase() });
    expect(view).toMatchObject({ id: referralId, status: 'SUBMITTED', correctable: true });
    expect(view!.tracks.map((t) => t.track)).toEqual(['VICTIM', 'PERPETRATOR']);
    expect(view!.draft!.victim!.person).toMatchObject({ firstName: 'Marlene' });

    const audits = await db().auditEvent.findMany({ where: { action: 'REFERRAL_VIEWED' } });
    expect(audits.map((a) => [a.actorId, a.entityId])).toEqual([[officer.id, referralId]]);
  });

  it('reads back into exactly the form it was filed with', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const form = completeSubmission(await municipalityId('Garbsen'));
    const { referralId } = await fileReferral(officer, form);
    const view = await ownReferral({ actor: officer, id: referralId });
    const values = formValuesOf(view!.draft!, view!)!;
    const { referralId: _id, referralVersion: _version, ...rest } = values;
    // The stored form equals the sent one once normalised (the phone numbers in E.164).
    expect(parsed(rest)).toEqual(parsed(form));
  });

  it('is corrected with the same checks, re-sealed under its own key, and the parts changed are recorded', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    const { referralId } = await fileReferral(officer, completeSubmission(garbsen));
    const before = await db().referral.findUniqueOrThrow({ where: { id: referralId } });

    const result = await correctReferral({
      actor: officer,
      input: await correctionOf(officer, referralId, { phone: '0176 55544433', perpetrator: false, ...noPerpetrator }),
    });
    expect(result).toMatchObject({ ok: true, data: { kind: 'REFERRAL', referralId } });

    const after = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });
    expect(after.version).toBe(2);
    expect(after.dataKey).toBe(before.dataKey);
    expect(after.tracks.map((t) => t.track)).toEqual(['VICTIM']);
    expect((await openStoredReferral(referralId)).victim).toMatchObject({ phone: '+4917655544433' });
    const [audit] = await db().auditEvent.findMany({ where: { action: 'REFERRAL_CORRECTED' } });
    expect(audit!.details).toMatchObject({ version: 2, changed: 'victim.person,perpetrator' });
    expect(JSON.stringify(audit!.details)).not.toMatch(/55544433|Marlene/);
    // The timeline names the changed parts for the supervisor's second look: names, never values.
    const corrected = await db().referralEvent.findFirstOrThrow({ where: { referralId, step: 'CORRECTED' } });
    expect(corrected.changes).toEqual(['victim.person', 'perpetrator']);
  });

  it('refuses a correction by another officer, on top of an unseen change, or after approval', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const colleague = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, consentedSubmission(await municipalityId('Garbsen')));
    const first = await correctionOf(officer, referralId, { phone: '0176 11122233' });
    const second = await correctionOf(officer, referralId, { phone: '0176 99988877' });

    expect(await correctReferral({ actor: colleague, input: first })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: colleague.id } })).toBe(1);
    expect(await correctReferral({ actor: officer, input: first })).toMatchObject({ ok: true });
    // The same correction again (a retry after a lost answer) is answered as the first.
    expect(await correctReferral({ actor: officer, input: first })).toMatchObject({ ok: true });
    // Another correction made on version 1 would overwrite a change its author has not seen.
    expect(await correctReferral({ actor: officer, input: second })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      message: 'errors.codes.REFERRAL_CHANGED',
    });
    expect((await openStoredReferral(referralId)).victim).toMatchObject({ phone: '+4917611122233' });

    await db().referral.update({ where: { id: referralId }, data: { status: 'APPROVED' } });
    const late = await correctionOf(officer, referralId, { phone: '0176 44455566' });
    expect(await correctReferral({ actor: officer, input: late })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      message: 'errors.codes.NOT_CORRECTABLE',
    });
    expect((await ownReferral({ actor: officer, id: referralId }))!.correctable).toBe(false);
  });

  it('never brings back a track that has left review (a withdrawn perpetrator part)', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, completeSubmission(await municipalityId('Garbsen')));
    const input = await correctionOf(officer, referralId, { phone: '0176 11122233' });
    await db().referralTrack.updateMany({
      where: { referralId, track: 'PERPETRATOR' },
      data: { status: 'WITHDRAWN', person: null },
    });
    // Sent with the perpetrator part (a form opened before the withdrawal): refused, nothing changes.
    expect(await correctReferral({ actor: officer, input })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { perpetrator: ['errors.perpetratorWithdrawn'] },
    });
    const perpetrator = await db().referralTrack.findFirstOrThrow({ where: { referralId, track: 'PERPETRATOR' } });
    expect(perpetrator).toMatchObject({ status: 'WITHDRAWN', person: null });
    // The correction form opened now has no perpetrator part; the victim's part can still be corrected, and the
    // withdrawn track stays as it is.
    const now = await ownReferral({ actor: officer, id: referralId });
    const values = formValuesOf(now!.draft!, now!)!;
    expect(values.perpetrator).toBe(false);
    const victimOnly = z.parse(referralSubmission(referralFormConfig(), 'correction'), {
      ...values,
      phone: '0176 11122233',
    });
    expect(await correctReferral({ actor: officer, input: victimOnly })).toMatchObject({ ok: true });
    expect(await db().referralTrack.findFirstOrThrow({ where: { referralId, track: 'PERPETRATOR' } })).toMatchObject({
      status: 'WITHDRAWN',
      person: null,
    });
  });

  it('cannot be turned into a declined offer, nor name a referral when filing a new one', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, consentedSubmission(await municipalityId('Garbsen')));
    const view = await ownReferral({ actor: officer, id: referralId });
    const values = formValuesOf(view!.draft!, view!)!;
    const declined = z.safeParse(referralSubmission(referralFormConfig(), 'correction'), { ...values, consent: 'no' });
    expect(declined.success).toBe(false);
    const named = z.safeParse(referralSubmission(referralFormConfig()), {
      ...consentedSubmission(await municipalityId('Garbsen')),
      referralId,
      referralVersion: 1,
    });
    expect(named.success).toBe(false);
  });
});

/** The perpetrator part removed from a complete form. */
const noPerpetrator = {
  perpetratorFirstName: undefined,
  perpetratorLastName: undefined,
  perpetratorGender: undefined,
  perpetratorPhone: undefined,
  perpetratorConsentMethod: undefined,
  perpetratorConsentAt: undefined,
  perpetratorConsentAtFold: undefined,
  perpetratorPreferredPartnerId: undefined,
  perpetratorOverridePartnerId: undefined,
  perpetratorOverrideReason: undefined,
};

describe('a likely duplicate', () => {
  it('is the same Vorgangsnummer (however written) and person, filed by anyone; the officer may send it deliberately', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const colleague = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    await fileReferral(officer, consentedSubmission(garbsen, { caseNumber: '2026/004711' }));

    const again = consentedSubmission(garbsen, { caseNumber: '2026-004711', lastName: 'SCHNEIDER' });
    expect(await submitReferral({ actor: colleague, input: parsed(again) })).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'errors.codes.DUPLICATE_SUSPECTED',
      fieldErrors: { confirmDuplicate: ['errors.duplicateSuspected'] },
    });
    expect(await db().referral.count()).toBe(1);
    // The colleague learned that the case has a referral: audited, with which one, never what it holds.
    const [audit] = await db().auditEvent.findMany({ where: { action: 'DUPLICATE_SUSPECTED' } });
    expect(audit).toMatchObject({ actorId: colleague.id, details: { matches: 1 } });
    // Nothing was claimed: the same form, confirmed, goes through with its key.
    expect(
      await submitReferral({ actor: colleague, input: parsed({ ...again, confirmDuplicate: true }) }),
    ).toMatchObject({
      ok: true,
    });
    // Another person, or another case, is no duplicate.
    await fileReferral(officer, consentedSubmission(garbsen, { caseNumber: '2026/004711', firstName: 'Jana' }));
    await fileReferral(officer, consentedSubmission(garbsen, { caseNumber: '2026/004712' }));
    expect(await db().referral.count()).toBe(4);
  });
});
