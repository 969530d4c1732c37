import { randomUUID } from 'node:crypto';

import pg from 'pg';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { submitReferralAction } from '@/lib/referrals/actions';
import { submitReferral } from '@/lib/referrals/service';
import type { ReferralFormInput, ReferralSubmission } from '@/lib/referrals/schema';
import { instantToBerlinLocal } from '@/lib/time/berlin';
import { consentedSubmission } from '@/prisma/factories';

import { testDatabaseUrl } from '../helpers/db';
import { openStoredReferral, parsed, storedVictims } from '../support/referrals';
import { anHourAgo, countRows, createActor, freshWorld, municipalityId, partnerId, signInAs } from '../support/world';
import { currentHeaders } from '../support/request-context';

// This file runs the server action with the form's default configuration: consent only, no statutory basis
// (the server's schema is built once per process; tests/integration/referrals/legal-basis.test.ts has one).
vi.stubEnv('LEGAL_BASES', '');
resetEnvCache();

/** The officer's form for a person in `municipality` (flat, as the browser sends it). */
async function referralFor(
  municipality: string,
  gender: 'FEMALE' | 'MALE' | 'DIVERSE' | 'NOT_STATED',
  extra: Partial<ReferralFormInput> = {},
): Promise<ReferralFormInput> {
  return consentedSubmission(await municipalityId(municipality), {
    gender,
    firstName: 'Thomas',
    lastName: 'Adler',
    ...extra,
  });
}

/** The same form as the service receives it, parsed by the server's schema. */
async function submissionFor(...args: Parameters<typeof referralFor>): Promise<ReferralSubmission> {
  return parsed(await referralFor(...args));
}

/** The victim track of the one stored referral. */
const victimTrack = () => db().referralTrack.findFirstOrThrow({ where: { track: 'VICTIM' } });

beforeEach(freshWorld);

describe('submitReferralAction: authorisation comes first', () => {
  it('refuses an anonymous caller, stores nothing and audits the denial', async () => {
    const result = await submitReferralAction(await referralFor('Garbsen', 'MALE'));
    expect(result).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
    expect(await db().auditEvent.findMany({ select: { action: true, actorId: true } })).toEqual([
      { action: 'ACCESS_DENIED', actorId: null },
    ]);
  });

  it.each(['SUPERVISOR', 'ADMIN', 'PARTNER', 'AUDITOR'] as const)(
    'refuses a %s, stores nothing and audits the denial',
    async (role) => {
      const actor = await createActor(
        role,
        role === 'PARTNER' ? { partnerCode: 'MB-H' } : { stationCode: 'PK-GARBSEN' },
      );
      await signInAs(actor);
      const result = await submitReferralAction(await referralFor('Garbsen', 'MALE'));
      expect(result).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
        message: 'Für diese Aktion fehlt Ihnen die Berechtigung.',
      });
      expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
      expect(await db().auditEvent.findMany({ select: { action: true, actorId: true } })).toEqual([
        { action: 'ACCESS_DENIED', actorId: actor.id },
      ]);
    },
  );

  it('refuses a disabled officer whose session token is still valid', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    await db().user.update({ where: { id: officer.id }, data: { active: false } });
    expect(await submitReferralAction(await referralFor('Garbsen', 'MALE'))).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('refuses a session whose version was bumped (sign-out everywhere, role change)', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    await db().user.update({ where: { id: officer.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await submitReferralAction(await referralFor('Garbsen', 'MALE'))).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
    });
  });

  it('reads the role from the database, not from the session', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    await db().user.update({ where: { id: officer.id }, data: { role: 'AUDITOR' } });
    expect(await submitReferralAction(await referralFor('Garbsen', 'MALE'))).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('answers unknown fields and zod’s own complaints with message keys, never zod’s English', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const result = await submitReferralAction({ ...(await referralFor('Garbsen', 'MALE')), nickname: 'Mausi' });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { _form: ['errors.unknownField'] } });
    expect(JSON.stringify(result)).not.toMatch(/Unrecognized|nickname/);
    const wrongType = await submitReferralAction({ ...(await referralFor('Garbsen', 'MALE')), firstName: 42 });
    expect(wrongType).toMatchObject({ ok: false, fieldErrors: { firstName: [expect.stringMatching(/^errors\./)] } });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('returns every field error as a message key, in one result, and stores nothing', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const result = await submitReferralAction({
      ...(await referralFor('Garbsen', 'MALE')),
      caseNumber: 'x',
      phone: '1',
    });
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      message: 'Bitte prüfen Sie die markierten Angaben.',
      fieldErrors: { caseNumber: ['errors.caseNumberFormat'], phone: ['errors.phoneFormat'] },
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it.each([
    ['without an Origin header', { host: 'localhost:3000' }],
    ['from another site', { origin: 'https://evil.example', host: 'localhost:3000' }],
    // A forwarded host names whatever the client wants: it proves nothing about the site the form came from.
    [
      'from another site that names itself as the forwarded host',
      { origin: 'http://evil.example', host: 'localhost:3000', 'x-forwarded-host': 'evil.example' },
    ],
    ['from the right host over another scheme', { origin: 'https://localhost:3000', host: 'localhost:3000' }],
    ['from the right host on another port', { origin: 'http://localhost:3001', host: 'localhost:3001' }],
  ])('refuses a request %s (CSRF), even from a signed-in officer', async (_case, headers) => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    currentHeaders.value = headers;
    expect(await submitReferralAction(await referralFor('Garbsen', 'MALE'))).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
    expect(await db().auditEvent.findMany({ select: { action: true, details: true } })).toEqual([
      { action: 'ACCESS_DENIED', details: { reason: 'ORIGIN', anonymous: 'COUNTED_PER_HOUR' } },
    ]);
  });

  it('cannot be flooded by anonymous callers: one event per hour and kind, every refusal counted', async () => {
    const input = await referralFor('Garbsen', 'MALE');
    for (let i = 0; i < 40; i++) {
      expect(await submitReferralAction(input)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    }
    currentHeaders.value = { host: 'localhost:3000' };
    for (let i = 0; i < 10; i++)
      expect(await submitReferralAction(input)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: null } })).toBe(2);
    expect(
      await db().anonymousDenial.findMany({ select: { kind: true, count: true }, orderBy: { kind: 'asc' } }),
    ).toEqual([
      { kind: 'ORIGIN', count: 10 },
      { kind: 'referral:create', count: 40 },
    ]);
  });

  it('files the referral for a signed-in officer', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const result = await submitReferralAction(await referralFor('Garbsen', 'MALE'));
    expect(result).toMatchObject({
      ok: true,
      data: { kind: 'REFERRAL', tracks: [{ track: 'VICTIM', partnerName: 'Männerbüro Hannover e.V.' }] },
    });
  });

  it('refuses a statutory basis the directorate has not configured, and stores nothing', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const { consentMethod: _method, consentAt: _at, ...form } = await referralFor('Garbsen', 'FEMALE');
    const result = await submitReferralAction({ ...form, consent: 'legalBasis', legalBasis: '§ 41 NPOG' });
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { consent: ['errors.legalBasisDisabled'], legalBasis: ['errors.legalBasisRequired'] },
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });
});

describe('submitReferral', () => {
  it('routes a man in Garbsen to the Männerbüro and audits it in the same transaction', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input = await submissionFor('Garbsen', 'MALE');
    const result = await submitReferral({ actor: officer, input });
    expect(result.ok).toBe(true);
    const referralId = result.ok && result.data.kind === 'REFERRAL' ? result.data.referralId : '';

    const stored = await db().referral.findUniqueOrThrow({
      where: { id: referralId },
      include: { station: true, tracks: { include: { routingRule: true } } },
    });
    expect(stored).toMatchObject({ status: 'SUBMITTED', createdById: officer.id, highRisk: false, version: 1 });
    expect(stored.tracks).toHaveLength(1);
    const [track] = stored.tracks;
    expect(track).toMatchObject({
      track: 'VICTIM',
      status: 'SUBMITTED',
      gender: 'MALE',
      partnerId: await partnerId('MB-H'),
      routingReason: 'RULE',
      routingRuleVersion: track!.routingRule?.version,
      lawfulBasis: 'CONSENT',
      consentMethod: 'VERBAL',
    });
    expect(track!.routingRule).toMatchObject({ gender: 'MALE', municipalityId: input.municipalityId });
    expect(stored.station.code).toBe('PK-GARBSEN');
    expect((await openStoredReferral(referralId)).victim).toMatchObject({ firstName: 'Thomas', lastName: 'Adler' });

    const audit = await db().auditEvent.findMany({
      select: { action: true, actorId: true, actorRole: true, entityType: true, entityId: true, details: true },
    });
    expect(audit).toEqual([
      {
        action: 'REFERRAL_CREATED',
        actorId: officer.id,
        actorRole: 'OFFICER',
        entityType: 'Referral',
        entityId: referralId,
        details: { 'victim.routingReason': 'RULE', 'victim.ruleVersion': 1 },
      },
    ]);
  });

  it.each([
    ['Hannover', 'FEMALE', 'BISS-LHH'],
    ['Hannover', 'DIVERSE', 'BISS-LHH'],
    ['Hannover', 'MALE', 'MB-H'],
    ['Laatzen', 'FEMALE', 'BISS-REGION'],
    ['Wedemark', 'DIVERSE', 'BISS-REGION'],
  ] as const)('routes a person in %s stating %s to %s', async (municipality, gender, partnerCode) => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const result = await submitReferral({ actor: officer, input: await submissionFor(municipality, gender) });
    expect(result.ok).toBe(true);
    expect((await victimTrack()).partnerId).toBe(await partnerId(partnerCode));
  });

  it('routes by the person’s choice when no gender is stated, and records why', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input = await submissionFor('Garbsen', 'NOT_STATED', { preferredPartnerId: await partnerId('MB-H') });
    expect((await submitReferral({ actor: officer, input })).ok).toBe(true);
    expect(await victimTrack()).toMatchObject({
      partnerId: await partnerId('MB-H'),
      routingReason: 'PERSON_PREFERENCE',
      gender: 'NOT_STATED',
    });
  });

  it('rejects a chosen service that is not responsible for the municipality', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input = await submissionFor('Garbsen', 'NOT_STATED', { preferredPartnerId: await partnerId('BISS-LHH') });
    expect(await submitReferral({ actor: officer, input })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { preferredPartnerId: ['errors.routing.PREFERENCE_NOT_RESPONSIBLE'] },
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('uses the rules valid at the incident time', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    // Responsibility for men in Garbsen moved to another service five minutes ago.
    const switchover = new Date(Date.now() - 5 * 60_000);
    await db().routingRule.updateMany({
      where: { municipalityId: garbsen, gender: 'MALE', track: 'VICTIM' },
      data: { validTo: switchover, version: { increment: 1 } },
    });
    await db().routingRule.create({
      data: {
        track: 'VICTIM',
        gender: 'MALE',
        municipalityId: garbsen,
        partnerId: await partnerId('GRUPPE'),
        validFrom: switchover,
      },
    });

    expect((await submitReferral({ actor: officer, input: await submissionFor('Garbsen', 'MALE') })).ok).toBe(true);
    expect((await victimTrack()).partnerId).toBe(await partnerId('MB-H'));
  });

  /** A gap on purpose: responsibility for women in Seelze ended 40 days ago, and nobody took over. */
  async function gapInSeelze() {
    await db().routingRule.updateMany({
      where: { municipalityId: await municipalityId('Seelze'), gender: 'FEMALE', track: 'VICTIM' },
      data: { validTo: new Date(Date.now() - 40 * 86_400_000), version: { increment: 1 } },
    });
  }

  it('refuses when no partner is responsible and none was chosen, and stores nothing', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await gapInSeelze();
    expect(await submitReferral({ actor: officer, input: await submissionFor('Seelze', 'FEMALE') })).toMatchObject({
      ok: false,
      fieldErrors: { municipalityId: ['errors.routing.NO_PARTNER'] },
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
    expect(await db().auditEvent.count()).toBe(0);
  });

  it('never leaves the officer stuck on a gap: the chosen partner gets it, stored and audited as an override', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await gapInSeelze();
    const input = await submissionFor('Seelze', 'FEMALE', {
      overridePartnerId: await partnerId('BISS-LHH'),
      overrideReason: 'NO_RESPONSIBLE_PARTNER',
    });
    const result = await submitReferral({ actor: officer, input });
    expect(result).toMatchObject({
      ok: true,
      data: { tracks: [{ track: 'VICTIM', partnerName: expect.stringContaining('BISS Landeshauptstadt') }] },
    });
    expect(
      await db().referralTrack.findFirstOrThrow({
        select: {
          partnerId: true,
          routingReason: true,
          overrideReason: true,
          routingRuleId: true,
          routingRuleVersion: true,
        },
      }),
    ).toEqual({
      partnerId: await partnerId('BISS-LHH'),
      routingReason: 'OVERRIDE',
      overrideReason: 'NO_RESPONSIBLE_PARTNER',
      routingRuleId: null,
      routingRuleVersion: null,
    });
    expect((await db().auditEvent.findFirstOrThrow({ where: { action: 'REFERRAL_CREATED' } })).details).toEqual({
      'victim.routingReason': 'OVERRIDE',
      'victim.overrideReason': 'NO_RESPONSIBLE_PARTNER',
    });
  });

  it('records a gap or an override only where there is one, whatever the gender or the spelling of ids', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const refused = async (extra: Partial<ReferralFormInput>, error: string, gender: 'FEMALE' | 'NOT_STATED') =>
      expect(
        await submitReferral({ actor: officer, input: await submissionFor('Garbsen', gender, extra) }),
      ).toMatchObject({
        ok: false,
        fieldErrors: { overridePartnerId: [`errors.routing.${error}`] },
      });
    const lhh = await partnerId('BISS-LHH');
    // Gender not stated: Garbsen has services to choose from, so there is no gap, and choosing one of them is
    // the person's preference, not an override.
    await refused(
      { overridePartnerId: lhh, overrideReason: 'NO_RESPONSIBLE_PARTNER' },
      'OVERRIDE_NOT_A_GAP',
      'NOT_STATED',
    );
    await refused(
      { overridePartnerId: await partnerId('BISS-REGION'), overrideReason: 'PERSON_WISH' },
      'OVERRIDE_SAME_AS_RULE',
      'NOT_STATED',
    );
    // Ids in upper case name the same rows: the rule's own partner stays "no override".
    const upper = await referralFor('Garbsen', 'FEMALE', {
      overridePartnerId: (await partnerId('BISS-REGION')).toUpperCase(),
      overrideReason: 'PERSON_WISH',
    });
    upper.municipalityId = upper.municipalityId.toUpperCase();
    await signInAs(officer);
    expect(await submitReferralAction(upper)).toMatchObject({
      ok: false,
      fieldErrors: { overridePartnerId: ['errors.routing.OVERRIDE_SAME_AS_RULE'] },
    });
    // A partner deactivated since the callout takes no referral, even one for a callout before.
    await db().partner.update({ where: { code: 'BISS-LHH' }, data: { activeTo: new Date(Date.now() - 60_000) } });
    await refused(
      {
        overridePartnerId: lhh,
        overrideReason: 'LANGUAGE',
        incidentAt: instantToBerlinLocal(new Date(Date.now() - 3 * 86_400_000)),
      },
      'OVERRIDE_PARTNER_UNAVAILABLE',
      'FEMALE',
    );
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('routes by a change of responsibility that commits while the submit waits for the rules', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    const admin = new pg.Client(testDatabaseUrl());
    await admin.connect();
    try {
      // Another transaction holds the rules while it ends the old rule and inserts the new one.
      await admin.query('BEGIN');
      await admin.query(
        `SELECT id FROM "RoutingRule" WHERE "municipalityId" = $1 AND track = 'VICTIM' ORDER BY id FOR UPDATE`,
        [garbsen],
      );
      const switchover = new Date(Date.now() - 2 * 3_600_000);
      await admin.query(
        `UPDATE "RoutingRule" SET "validTo" = $2, version = version + 1
          WHERE "municipalityId" = $1 AND track = 'VICTIM' AND gender = 'FEMALE'`,
        [garbsen, switchover],
      );
      await admin.query(
        `INSERT INTO "RoutingRule" (id, track, gender, "municipalityId", "partnerId", "validFrom")
         VALUES (gen_random_uuid(), 'VICTIM', 'FEMALE', $1, $2, $3)`,
        [garbsen, await partnerId('BISS-LHH'), switchover],
      );
      const submitted = submitReferral({ actor: officer, input: await submissionFor('Garbsen', 'FEMALE') });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query('COMMIT');
      expect(await submitted).toMatchObject({ ok: true });
    } finally {
      await admin.end();
    }
    expect((await victimTrack()).partnerId).toBe(await partnerId('BISS-LHH'));
  });

  it('lets the officer choose another active partner of the track with a reason, and refuses what is no override', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const lhh = await partnerId('BISS-LHH');
    const refused = async (extra: Partial<ReferralFormInput>, error: string) =>
      expect(
        await submitReferral({ actor: officer, input: await submissionFor('Garbsen', 'FEMALE', extra) }),
      ).toMatchObject({
        ok: false,
        fieldErrors: { overridePartnerId: [`errors.routing.${error}`] },
      });
    // Garbsen has a responsible partner: "no partner responsible" is not a reason there.
    await refused({ overridePartnerId: lhh, overrideReason: 'NO_RESPONSIBLE_PARTNER' }, 'OVERRIDE_NOT_A_GAP');
    // The partner the rule chooses anyway is no override.
    await refused(
      { overridePartnerId: await partnerId('BISS-REGION'), overrideReason: 'PERSON_WISH' },
      'OVERRIDE_SAME_AS_RULE',
    );
    // Not of the victim track (a perpetrator programme), or not active at the incident time.
    await refused(
      { overridePartnerId: await partnerId('GRUPPE'), overrideReason: 'PERSON_WISH' },
      'OVERRIDE_PARTNER_UNAVAILABLE',
    );
    await db().partner.update({ where: { code: 'BISS-LHH' }, data: { activeTo: new Date(Date.now() - 86_400_000) } });
    await refused({ overridePartnerId: lhh, overrideReason: 'LANGUAGE' }, 'OVERRIDE_PARTNER_UNAVAILABLE');
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });

    await db().partner.update({ where: { code: 'BISS-LHH' }, data: { activeTo: null } });
    const result = await submitReferral({
      actor: officer,
      input: await submissionFor('Garbsen', 'FEMALE', { overridePartnerId: lhh, overrideReason: 'LANGUAGE' }),
    });
    expect(result.ok).toBe(true);
    expect(await db().referralTrack.findFirstOrThrow({ select: { partnerId: true, overrideReason: true } })).toEqual({
      partnerId: lhh,
      overrideReason: 'LANGUAGE',
    });
  });

  it('does not route to a deactivated partner', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await db().partner.update({ where: { code: 'MB-H' }, data: { activeTo: new Date(Date.now() - 86_400_000) } });
    expect(await submitReferral({ actor: officer, input: await submissionFor('Garbsen', 'MALE') })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('refuses the same key with other data: a corrected phone number is never silently dropped', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const form = await referralFor('Garbsen', 'FEMALE');
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({ ok: true });
    const corrected = await submitReferral({ actor: officer, input: parsed({ ...form, phone: '0511 1111111' }) });
    expect(corrected).toMatchObject({ ok: false, code: 'CONFLICT', message: 'errors.codes.SUBMISSION_KEY_REUSED' });
    expect((await storedVictims()).map((person) => person?.phone)).toEqual(['+495119876543']);
  });

  it('gives one key one outcome: a decline and a referral under the same key never both land', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const form = await referralFor('Garbsen', 'FEMALE');
    const input = parsed(form);
    const declined = parsed({
      idempotencyKey: form.idempotencyKey,
      incidentAt: form.incidentAt,
      municipalityId: form.municipalityId,
      gender: form.gender,
      consent: 'no',
    });
    expect(await submitReferral({ actor: officer, input: declined })).toMatchObject({ ok: true });
    expect(await submitReferral({ actor: officer, input })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await countRows()).toEqual({ referrals: 0, declined: 1 });

    const other = await submissionFor('Garbsen', 'FEMALE');
    expect(await submitReferral({ actor: officer, input: other })).toMatchObject({ ok: true });
    const [first, second] = await Promise.all([
      submitReferral({ actor: officer, input: { ...declined, idempotencyKey: other.idempotencyKey } }),
      submitReferral({ actor: officer, input: { ...declined, idempotencyKey: other.idempotencyKey } }),
    ]);
    expect([first, second]).toMatchObject([
      { ok: false, code: 'CONFLICT' },
      { ok: false, code: 'CONFLICT' },
    ]);
    expect(await countRows()).toEqual({ referrals: 1, declined: 1 });
  });

  it('lets a form refused for its routing be sent again with the same key once corrected', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    // The person chose a service that is not responsible for Garbsen: refused for its routing.
    const form = await referralFor('Garbsen', 'NOT_STATED', { preferredPartnerId: await partnerId('BISS-LHH') });
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { preferredPartnerId: ['errors.routing.PREFERENCE_NOT_RESPONSIBLE'] },
    });
    const corrected = parsed({ ...form, preferredPartnerId: await partnerId('MB-H') });
    expect(await submitReferral({ actor: officer, input: corrected })).toMatchObject({ ok: true });
    expect(await countRows()).toEqual({ referrals: 1, declined: 0 });
  });

  it('creates one referral when the same form is submitted twice, even at the same moment', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input = await submissionFor('Garbsen', 'FEMALE');
    const [a, b] = await Promise.all([
      submitReferral({ actor: officer, input }),
      submitReferral({ actor: officer, input }),
    ]);
    const again = await submitReferral({ actor: officer, input });
    expect(a).toEqual(b);
    expect(again).toEqual(a);
    expect(await db().referral.count()).toBe(1);
    expect(await db().referralTrack.count()).toBe(1);
    expect(await db().auditEvent.count({ where: { action: 'REFERRAL_CREATED' } })).toBe(1);
  });

  it('refuses an officer account without a station', async () => {
    const officer = await createActor('OFFICER');
    expect(await submitReferral({ actor: officer, input: await submissionFor('Garbsen', 'MALE') })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
  });

  it('without consent stores only the anonymous fact, with the Berlin date of the callout', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const input: ReferralSubmission = {
      idempotencyKey: randomUUID(),
      incidentAt: anHourAgo(),
      municipalityId: await municipalityId('Seelze'),
      gender: 'DIVERSE',
      consent: 'no',
    };
    expect(await submitReferral({ actor: officer, input })).toEqual({ ok: true, data: { kind: 'DECLINED' } });
    expect(await submitReferral({ actor: officer, input })).toEqual({ ok: true, data: { kind: 'DECLINED' } });

    expect(await countRows()).toEqual({ referrals: 0, declined: 1 });
    const offer = await db().declinedOffer.findFirstOrThrow({ include: { station: true } });
    expect(offer.incidentDate.toISOString().slice(0, 10)).toBe(input.incidentAt.slice(0, 10));
    expect(offer).toMatchObject({ gender: 'DIVERSE', municipalityId: input.municipalityId });
    expect(offer.station.code).toBe('PK-GARBSEN');
    // The audit says that the officer recorded a refusal, not which one (that would re-link it).
    expect(await db().auditEvent.findMany({ select: { action: true, actorId: true, entityId: true } })).toEqual([
      { action: 'DECLINED_OFFER_RECORDED', actorId: officer.id, entityId: null },
    ]);
    expect(offer.id[14]).toBe('4'); // a random (v4) uuid, no creation time inside
  });
});
