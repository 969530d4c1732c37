/**
 * A withdrawn consent (DESIGN.md sections 3 and 7): the affected person's withdrawal ends the whole referral
 * and erases its personal data at once (its data key destroyed, every sealed column emptied, the submitted
 * form's fingerprint too), leaving the pseudonymous facts; nothing of the person is then readable anywhere in
 * the database, and was not readable in clear before either. The perpetrator's withdrawal ends only that
 * delivery. Closed referrals are left to retention.
 */
import { z } from 'zod/mini';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { referralFormConfig } from '@/lib/referrals/config';
import { ownReferral } from '@/lib/referrals/queries';
import { referralSubmission, type ReferralDraft } from '@/lib/referrals/schema';
import { correctReferral } from '@/lib/referrals/service';
import { formValuesOf } from '@/lib/referrals/stored';
import { referralForReview } from '@/lib/review/queries';
import { approveReferral, recordWithdrawal, returnReferral } from '@/lib/review/service';
import { berlinDateOf } from '@/lib/time/berlin';
import { completeSubmission } from '@/prisma/factories';

import { correctionOf, dumpAsText, fileIn, foundIn, putInStatus, snapshot } from '../support/review';
import { createActor, freshWorld, municipalityId } from '../support/world';

beforeEach(freshWorld);

let officer: Actor;
let supervisor: Actor;
beforeEach(async () => {
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
});

/** A person no other test types: every value is personal. */
const PERSON = {
  firstName: 'Walburga',
  lastName: 'Fennekamp',
  phone: '0511 3344221',
  caseNumber: '2026/661204',
  street: 'Mispelweg 23',
  city: 'Osterwald',
  note: 'Hinterausgang über den Garten benutzen.',
  perpetratorFirstName: 'Eckhardt',
  perpetratorLastName: 'Zumbusch',
  perpetratorPhone: '0160 5544332',
};
const RETURN_COMMENT = 'Frau Fennekamp bittet um Rückruf nur vormittags; Hausnummer klären.';
/** Everything above as typed and as stored (the phone numbers in E.164, the Vorgangsnummer's digits). */
const SECRETS = [
  ...Object.values(PERSON),
  '+495113344221',
  '+491605544332',
  '2026661204',
  'Hinterausgang',
  RETURN_COMMENT,
  'nur vormittags',
];

/** How and when the withdrawal reached the police: by phone, today. */
const RECEIVED = { receivedVia: 'PHONE', receivedOn: berlinDateOf(new Date()) } as const;

/** The perpetrator part of the complete form left out. */
const NO_PERPETRATOR = {
  perpetratorFirstName: undefined,
  perpetratorLastName: undefined,
  perpetratorGender: undefined,
  perpetratorPhone: undefined,
  perpetratorConsentMethod: undefined,
  perpetratorConsentAt: undefined,
};

const withdraw = (referralId: string, track: 'VICTIM' | 'PERPETRATOR', actor = supervisor) =>
  recordWithdrawal({ actor, input: { referralId, track, ...RECEIVED, confirmed: true } });

describe("the affected person's withdrawal", () => {
  it('ends the referral and every open track, and erases its personal data for good', async () => {
    const referralId = await fileIn(officer, 'Garbsen', PERSON, completeSubmission);
    const other = await fileIn(officer, 'Garbsen', { lastName: 'Unbeteiligt' });
    expect(
      await returnReferral({ actor: supervisor, input: { referralId, version: 1, comment: RETURN_COMMENT } }),
    ).toMatchObject({ ok: true });
    expect(
      await correctReferral({
        actor: officer,
        input: await correctionOf(officer, referralId, { childrenCount: '1', childAgeBands: ['UNDER_3'] }),
      }),
    ).toMatchObject({ ok: true });
    const canary = 'Kanarienvogel-im-Dump-7731';
    await db().partner.update({ where: { code: 'MB-H' }, data: { description: canary } });

    // Before: the personal data is there, but only as ciphertext.
    const sealed = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { tracks: true, events: true },
    });
    const ciphertexts = [
      sealed.details!,
      ...sealed.tracks.map((t) => t.person!),
      ...sealed.events.flatMap((e) => (e.comment ? [e.comment] : [])),
    ];
    expect(ciphertexts).toHaveLength(4);
    for (const ciphertext of ciphertexts) expect(ciphertext).toMatch(/^e1\./);
    // (The sealed part of each ciphertext: its head names the key, which the dump blanks like every id.)
    const sealedParts = ciphertexts.map((c) => c.split('.').at(-1)!);
    const before = await dumpAsText();
    expect(foundIn(before, [canary, ...sealedParts])).toEqual([canary, ...sealedParts]);
    expect(foundIn(before, SECRETS)).toEqual([]);
    expect((await referralForReview({ actor: supervisor, id: referralId }))!.draft!.victim!.person).toMatchObject({
      lastName: 'Fennekamp',
    });
    const [key] = await db().submissionKey.findMany({ where: { key: sealed.idempotencyKey } });
    expect(key!.payloadHash.length).toBeGreaterThan(0);

    expect(await withdraw(referralId, 'VICTIM')).toEqual({ ok: true, data: { status: 'WITHDRAWN' } });

    const erased = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { tracks: { orderBy: { track: 'asc' } }, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    expect(erased).toMatchObject({
      status: 'WITHDRAWN',
      dataKey: null,
      details: null,
      caseNumberIndex: null,
      dueAt: null,
    });
    expect(erased.tracks.map((t) => [t.track, t.status, t.person])).toEqual([
      ['VICTIM', 'WITHDRAWN', null],
      ['PERPETRATOR', 'WITHDRAWN', null],
    ]);
    expect(erased.events.map((e) => [e.step, e.comment])).toEqual([
      ['SUBMITTED', null],
      ['RETURNED', null],
      ['RESUBMITTED', null],
      ['WITHDRAWN', null],
    ]);
    expect(erased.events.at(-1)).toMatchObject({ fromStatus: 'SUBMITTED', actorId: supervisor.id, track: null });
    expect(
      (await db().submissionKey.findUniqueOrThrow({ where: { key: sealed.idempotencyKey } })).payloadHash,
    ).toHaveLength(0);
    // The pseudonymous facts stay: when, where, who filed, risk, the tracks' genders, partners and routing.
    const pick = (r: typeof sealed) => ({
      incidentAt: r.incidentAt,
      submittedAt: r.submittedAt,
      municipalityId: r.municipalityId,
      stationId: r.stationId,
      inspectionId: r.inspectionId,
      createdById: r.createdById,
      highRisk: r.highRisk,
      version: r.version,
      tracks: r.tracks
        .map((t) => [t.track, t.gender, t.partnerId, t.routingReason, t.lawfulBasis, t.consentMethod, t.channels])
        .sort(),
    });
    expect(pick({ ...erased, events: [] })).toEqual(pick(sealed));
    const [audit] = await db().auditEvent.findMany({ where: { action: 'REFERRAL_WITHDRAWN' } });
    expect(audit).toMatchObject({
      actorId: supervisor.id,
      entityId: referralId,
      details: {
        step: 'WITHDRAWN',
        fromStatus: 'SUBMITTED',
        toStatus: 'WITHDRAWN',
        withdrawnBy: 'VICTIM',
        erased: true,
      },
    });

    // Whoever opens it now finds no personal data, and no comment.
    const review = await referralForReview({ actor: supervisor, id: referralId });
    expect(review).toMatchObject({ status: 'WITHDRAWN', draft: null });
    expect(review!.timeline.every((e) => e.comment === null)).toBe(true);
    const own = await ownReferral({ actor: officer, id: referralId });
    expect(own).toMatchObject({ status: 'WITHDRAWN', draft: null, correctable: false });

    // Nothing of the person in the dump, not even its ciphertext; the other referral is untouched.
    const after = await dumpAsText();
    expect(foundIn(after, [canary])).toEqual([canary]);
    expect(foundIn(after, [...SECRETS, ...sealedParts])).toEqual([]);
    expect((await referralForReview({ actor: supervisor, id: other }))!.draft!.victim!.person).toMatchObject({
      lastName: 'Unbeteiligt',
    });

    // Withdrawn is final: no decision, no second withdrawal, no correction.
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 2 } })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      values: { status: 'WITHDRAWN', by: supervisor.displayName },
    });
    expect(await withdraw(referralId, 'VICTIM')).toEqual({
      ok: false,
      code: 'INVALID_STATE',
      message: 'review.errors.notWithdrawable',
    });
  });

  it('applies in every open status, and is refused once the referral is closed or ended', async () => {
    const statuses = ['SUBMITTED', 'RETURNED', 'APPROVED', 'DISPATCHED', 'ACKNOWLEDGED'] as const;
    for (const status of statuses) {
      const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
      await putInStatus(referralId, status);
      expect(await withdraw(referralId, 'VICTIM'), status).toEqual({ ok: true, data: { status: 'WITHDRAWN' } });
      const row = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });
      expect([row.status, row.dataKey, ...row.tracks.map((t) => t.status)], status).toEqual([
        'WITHDRAWN',
        null,
        'WITHDRAWN',
        'WITHDRAWN',
      ]);
    }
    for (const status of ['CLOSED', 'WITHDRAWN', 'PURGED'] as const) {
      const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
      await putInStatus(referralId, status);
      const before = await snapshot(db(), referralId);
      for (const track of ['VICTIM', 'PERPETRATOR'] as const) {
        expect(await withdraw(referralId, track), `${status} ${track}`).toEqual({
          ok: false,
          code: 'INVALID_STATE',
          message: 'review.errors.notWithdrawable',
        });
      }
      expect(await snapshot(db(), referralId)).toEqual(before);
    }
  });
});

describe('how and when the withdrawal reached the police', () => {
  it('is kept on the timeline and in the audit trail, after the personal data is gone', async () => {
    const referralId = await fileIn(officer, 'Garbsen', PERSON, completeSubmission);
    const yesterday = berlinDateOf(new Date(Date.now() - 86_400_000));
    // Filed "yesterday" as far as the day check goes: the referral's submission moved back one day.
    await db().referral.update({ where: { id: referralId }, data: { submittedAt: new Date(Date.now() - 90_000_000) } });
    const result = await recordWithdrawal({
      actor: supervisor,
      input: { referralId, track: 'VICTIM', receivedVia: 'IN_WRITING', receivedOn: yesterday, confirmed: true },
    });
    expect(result).toMatchObject({ ok: true });
    const view = await referralForReview({ actor: supervisor, id: referralId });
    const entry = view!.timeline.find((e) => e.step === 'WITHDRAWN')!;
    expect(entry).toMatchObject({ receivedVia: 'IN_WRITING', receivedOn: yesterday });
    const [audit] = await db().auditEvent.findMany({ where: { action: 'REFERRAL_WITHDRAWN', entityId: referralId } });
    expect(audit!.details).toMatchObject({ receivedVia: 'IN_WRITING', receivedOn: yesterday });
  });

  it('is refused for a day before the referral or in the future, and nothing changes', async () => {
    const referralId = await fileIn(officer, 'Garbsen', PERSON, completeSubmission);
    const before = await snapshot(db(), referralId);
    for (const receivedOn of [
      berlinDateOf(new Date(Date.now() - 3 * 86_400_000)),
      berlinDateOf(new Date(Date.now() + 2 * 86_400_000)),
    ]) {
      const result = await recordWithdrawal({
        actor: supervisor,
        input: { referralId, track: 'VICTIM', receivedVia: 'PHONE', receivedOn, confirmed: true },
      });
      expect(result).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors: { receivedOn: ['review.errors.receivedOnRange'] },
      });
    }
    expect(await snapshot(db(), referralId)).toEqual(before);
  });
});

describe('a withdrawal at the same moment as another step', () => {
  it("always applies, whether an approval or the officer's correction comes first", async () => {
    const colleague = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    for (let round = 0; round < 3; round++) {
      const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
      const correction = await correctionOf(officer, referralId, { phone: '0176 1112223' });
      const [approved, corrected, withdrawn] = await Promise.all([
        approveReferral({ actor: colleague, input: { referralId, version: 1 } }),
        correctReferral({ actor: officer, input: correction }),
        withdraw(referralId, 'VICTIM'),
      ]);
      expect(withdrawn).toEqual({ ok: true, data: { status: 'WITHDRAWN' } });
      // The others either came first or found it ended; never an unexpected error.
      if (!approved.ok) expect(approved.code).toBe('CONFLICT');
      if (!corrected.ok) expect(['INVALID_STATE', 'CONFLICT']).toContain(corrected.code);
      const row = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });
      expect([row.status, row.dataKey, row.details, ...row.tracks.map((t) => [t.status, t.person])]).toEqual([
        'WITHDRAWN',
        null,
        null,
        ['WITHDRAWN', null],
        ['WITHDRAWN', null],
      ]);
    }
  });
});

describe("the perpetrator's withdrawal", () => {
  it('ends only that delivery and erases only that person; the referral is still reviewed and approved', async () => {
    const referralId = await fileIn(officer, 'Garbsen', PERSON, completeSubmission);
    const before = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });

    expect(await withdraw(referralId, 'PERPETRATOR')).toEqual({ ok: true, data: { status: 'SUBMITTED' } });

    const after = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { tracks: { orderBy: { track: 'asc' } } },
    });
    expect(after).toMatchObject({
      status: 'SUBMITTED',
      dataKey: before.dataKey,
      details: before.details,
      dueAt: before.dueAt,
      statusChangedAt: before.statusChangedAt,
    });
    const victimBefore = before.tracks.find((t) => t.track === 'VICTIM')!;
    expect(after.tracks.map((t) => [t.track, t.status, t.person])).toEqual([
      ['VICTIM', 'SUBMITTED', victimBefore.person],
      ['PERPETRATOR', 'WITHDRAWN', null],
    ]);
    const [event] = await db().referralEvent.findMany({ where: { referralId, step: 'WITHDRAWN' } });
    expect(event).toMatchObject({ track: 'PERPETRATOR', fromStatus: 'SUBMITTED', toStatus: 'WITHDRAWN' });
    const [audit] = await db().auditEvent.findMany({ where: { action: 'REFERRAL_WITHDRAWN' } });
    expect(audit!.details).toMatchObject({ track: 'PERPETRATOR', withdrawnBy: 'PERPETRATOR' });
    const perpetrator = [PERSON.perpetratorFirstName, PERSON.perpetratorLastName, PERSON.perpetratorPhone];
    const victimSealed = victimBefore.person!.split('.').at(-1)!;
    const perpetratorSealed = before.tracks
      .find((t) => t.track === 'PERPETRATOR')!
      .person!.split('.')
      .at(-1)!;
    const dump = await dumpAsText();
    expect(foundIn(dump, [...perpetrator, '+491605544332', perpetratorSealed, victimSealed])).toEqual([victimSealed]);
    const review = await referralForReview({ actor: supervisor, id: referralId });
    expect(review!.draft!.victim!.person).toMatchObject({ lastName: 'Fennekamp' });
    expect(review!.draft!.perpetrator?.person ?? null).toBeNull();

    // Withdrawn once is enough; the review goes on with the affected person's delivery.
    expect(await withdraw(referralId, 'PERPETRATOR')).toEqual({
      ok: false,
      code: 'INVALID_STATE',
      message: 'review.errors.notWithdrawable',
    });
    const colleague = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    expect(await approveReferral({ actor: colleague, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
    const approved = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { tracks: { orderBy: { track: 'asc' } } },
    });
    expect([approved.status, ...approved.tracks.map((t) => t.status)]).toEqual(['APPROVED', 'APPROVED', 'WITHDRAWN']);
  });

  it('is refused for a referral without a perpetrator part', async () => {
    const referralId = await fileIn(officer);
    expect(await withdraw(referralId, 'PERPETRATOR')).toEqual({
      ok: false,
      code: 'INVALID_INPUT',
      message: 'errors.codes.INVALID_INPUT',
      fieldErrors: { track: ['review.errors.noPerpetrator'] },
    });
  });

  it('leaves a referral the supervisor returns afterwards correctable by its officer', async () => {
    const caseNumber = '2026/661299';
    const referralId = await fileIn(officer, 'Garbsen', { caseNumber }, completeSubmission);
    expect(await withdraw(referralId, 'PERPETRATOR')).toMatchObject({ ok: true });
    expect(
      await returnReferral({ actor: supervisor, input: { referralId, version: 1, comment: 'Bitte Adresse prüfen.' } }),
    ).toMatchObject({ ok: true });
    const view = await ownReferral({ actor: officer, id: referralId });
    expect(view).toMatchObject({ status: 'RETURNED', correctable: true });

    // The officer corrects what the supervisor asked for, without the withdrawn part, which stays withdrawn.
    const form = completeSubmission(await municipalityId('Garbsen'), {
      caseNumber,
      referralId,
      referralVersion: 1,
      street: 'Lindenallee 19',
      perpetrator: false,
      ...NO_PERPETRATOR,
    });
    const input = z.parse(referralSubmission(referralFormConfig(), 'correction'), form) as ReferralDraft;
    expect(await correctReferral({ actor: officer, input })).toEqual({
      ok: true,
      data: expect.objectContaining({ kind: 'REFERRAL', referralId }),
    });
    const row = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { tracks: { orderBy: { track: 'asc' } } },
    });
    expect([row.status, ...row.tracks.map((t) => [t.track, t.status, t.person])]).toEqual([
      'SUBMITTED',
      ['VICTIM', 'SUBMITTED', expect.stringMatching(/^e1\./)],
      ['PERPETRATOR', 'WITHDRAWN', null],
    ]);
    // And the correction form the officer's page fills opens it.
    const reopened = await ownReferral({ actor: officer, id: referralId });
    expect(formValuesOf(reopened!.draft!, reopened!)).not.toBeNull();
  });
});
