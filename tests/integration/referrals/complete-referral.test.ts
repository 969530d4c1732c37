/**
 * The complete referral form (issue 10, ADR 0009): the case, the victim's track and, with that person's own
 * consent, the perpetrator's track. Each track is routed by the rules of its own track, carries its own
 * consent, and seals its own person; the case's sections are sealed in Referral.details.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { listOwnReferrals } from '@/lib/referrals/queries';
import type { ReferralDraft } from '@/lib/referrals/schema';
import { submitReferral } from '@/lib/referrals/service';
import { instantOf } from '@/lib/time/berlin';
import { completeSubmission, defaultPartnerCode } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { fileReferral, openStoredReferral, parsed } from '../support/referrals';
import { countRows, createActor, freshWorld, municipalityId, partnerId } from '../support/world';

beforeEach(freshWorld);

const partnerName = async (code: string) =>
  (await db().partner.findUniqueOrThrow({ where: { code }, select: { name: true } })).name;

/** Everything personal the complete form holds, as typed and as stored (phone numbers in E.164). */
const PERSONAL = [
  'Marlene',
  'Quastenberg',
  'Bogdan',
  'Wendeborn',
  '0511 9876543',
  '+495119876543',
  '0171 2345678',
  '+491712345678',
  '1987-03-14',
  '2026/004711',
  '2026004711',
  'Lindenallee',
  '30827',
  'Berenbostel',
  'Okonkwo',
];

describe('a complete referral with a perpetrator part', () => {
  it('stores one track per person, each routed by the rules of its own track and with its own consent', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    const form = completeSubmission(garbsen);
    const result = await submitReferral({ actor: officer, input: parsed(form) });
    expect(result).toEqual({
      ok: true,
      data: {
        kind: 'REFERRAL',
        referralId: expect.any(String),
        tracks: [
          { track: 'VICTIM', partnerName: await partnerName('BISS-REGION') },
          { track: 'PERPETRATOR', partnerName: await partnerName('GRUPPE') },
        ],
      },
    });
    const referralId = result.ok && result.data.kind === 'REFERRAL' ? result.data.referralId : '';

    // Strangulation alone makes the case high-risk: the one risk fact kept in clear text.
    expect(await db().referral.findUniqueOrThrow({ where: { id: referralId } })).toMatchObject({
      highRisk: true,
      version: 1,
      status: 'SUBMITTED',
      municipalityId: garbsen,
    });
    const [victim, perpetrator, ...others] = await db().referralTrack.findMany({
      where: { referralId },
      orderBy: { track: 'asc' },
      include: { routingRule: true },
    });
    expect(others).toEqual([]);
    expect(victim).toMatchObject({
      track: 'VICTIM',
      status: 'SUBMITTED',
      gender: 'FEMALE',
      partnerId: await partnerId('BISS-REGION'),
      routingReason: 'RULE',
      routingRuleVersion: 1,
      overrideReason: null,
      routingRule: { track: 'VICTIM', gender: 'FEMALE', municipalityId: garbsen, version: 1 },
      lawfulBasis: 'CONSENT',
      consentMethod: 'VERBAL',
      consentGivenAt: instantOf(form.consentAt!, undefined),
      legalBasis: null,
      channels: ['SMS', 'LETTER'],
    });
    expect(perpetrator).toMatchObject({
      track: 'PERPETRATOR',
      status: 'SUBMITTED',
      gender: 'MALE',
      partnerId: await partnerId('GRUPPE'),
      routingReason: 'RULE',
      routingRuleVersion: 1,
      overrideReason: null,
      routingRule: { track: 'PERPETRATOR', gender: 'MALE', municipalityId: garbsen, version: 1 },
      lawfulBasis: 'CONSENT',
      consentMethod: 'SIGNED',
      consentGivenAt: instantOf(form.perpetratorConsentAt!, undefined),
      legalBasis: null,
      channels: [],
    });
  });

  it.each([
    ['Hannover', 'MALE', 'MB-H'],
    ['Wedemark', 'MALE', 'GRUPPE'],
    ['Hannover', 'FEMALE', 'BTZ-TAEBEA'],
    ['Laatzen', 'DIVERSE', 'BTZ-TAEBEA'],
  ] as const)('routes a perpetrator in %s stating %s to %s', async (municipality, gender, code) => {
    // The seed's agreement (prisma/factories.ts) and this table say the same.
    expect(defaultPartnerCode('PERPETRATOR', gender, municipality)).toBe(code);
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId, tracks } = await fileReferral(
      officer,
      completeSubmission(await municipalityId(municipality), { perpetratorGender: gender }),
    );
    expect(tracks[1]).toEqual({ track: 'PERPETRATOR', partnerName: await partnerName(code) });
    const track = await db().referralTrack.findUniqueOrThrow({
      where: { referralId_track: { referralId, track: 'PERPETRATOR' } },
      include: { routingRule: true },
    });
    expect(track).toMatchObject({ partnerId: await partnerId(code), routingRule: { track: 'PERPETRATOR', gender } });
  });

  it('seals what is personal, and opening it gives back exactly what was sent', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const form = completeSubmission(await municipalityId('Garbsen'));
    const submission = parsed(form) as ReferralDraft;
    const result = await submitReferral({ actor: officer, input: submission });
    const referralId = result.ok && result.data.kind === 'REFERRAL' ? result.data.referralId : '';

    // What the database holds, read with plain SQL as any client would.
    const [referral] = await queryAt<{ dataKey: string; details: string }>(
      testDatabaseUrl(),
      `SELECT "dataKey", details FROM "Referral" WHERE id = $1`,
      [referralId],
    );
    const people = await queryAt<{ track: string; person: string }>(
      testDatabaseUrl(),
      `SELECT track::text AS track, person FROM "ReferralTrack" WHERE "referralId" = $1 ORDER BY "ReferralTrack".track`, // the enum's order: VICTIM first
      [referralId],
    );
    expect(referral!.dataKey).toMatch(/^v2\./);
    expect(referral!.details).toMatch(/^e1\./);
    expect(people.map((p) => p.track)).toEqual(['VICTIM', 'PERPETRATOR']);
    for (const { person } of people) expect(person).toMatch(/^e1\./);

    const opened = await openStoredReferral(referralId);
    expect(opened).toEqual({
      details: submission.details,
      victim: submission.victim.person,
      perpetrator: submission.perpetrator!.person,
    });
    // And that is what the officer typed (normalised): nothing lost on the way, nothing added.
    expect(opened.details).toEqual({
      caseNumber: '2026/004711',
      household: { children: 2, childAgeBands: ['UNDER_3', 'FROM_6_TO_11'], youthOfficeInformed: true },
      measures: { wegweisungUntil: form.wegweisungUntil, contactBan: true, protectionActInformed: true },
      risk: { indicators: ['STRANGULATION', 'STALKING'], officerJudgesHighRisk: false },
      note: 'Schlüssel liegt bei der Nachbarin Okonkwo im Erdgeschoss.',
    });
    expect(opened.victim).toEqual({
      firstName: 'Marlene',
      lastName: 'Quastenberg',
      birthDate: '1987-03-14',
      ageBand: null,
      language: 'tr',
      interpreter: true,
      phone: '+495119876543',
      safeTimes: ['MORNING', 'EVENING'],
      otherPartyMayAnswer: false,
      address: { street: 'Lindenallee 17', postalCode: '30827', city: 'Berenbostel' },
    });
    expect(opened.perpetrator).toEqual({ firstName: 'Bogdan', lastName: 'Wendeborn', phone: '+491712345678' });
  });

  it('audits the referral with routing codes only: no personal data in the audit trail', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, completeSubmission(await municipalityId('Garbsen')));
    const events = await db().auditEvent.findMany();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'REFERRAL_CREATED',
      actorId: officer.id,
      actorRole: 'OFFICER',
      entityType: 'Referral',
      entityId: referralId,
      reason: null,
      recipient: null,
    });
    expect(events[0]!.details).toEqual({
      'victim.routingReason': 'RULE',
      'victim.ruleVersion': 1,
      'perpetrator.routingReason': 'RULE',
      'perpetrator.ruleVersion': 1,
    });
    const text = JSON.stringify(events, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    for (const value of PERSONAL) expect(text, value).not.toContain(value);
  });

  it('refuses the whole referral when the perpetrator’s track cannot be routed, naming that track’s field', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    // A victim service is no perpetrator programme: not responsible for the perpetrator track anywhere.
    const form = completeSubmission(await municipalityId('Garbsen'), {
      perpetratorGender: 'NOT_STATED',
      perpetratorPreferredPartnerId: await partnerId('BISS-REGION'),
    });
    expect(await submitReferral({ actor: officer, input: parsed(form) })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { perpetratorPreferredPartnerId: ['errors.routing.perpetrator.PREFERENCE_NOT_RESPONSIBLE'] },
    });
    expect(await countRows()).toEqual({ referrals: 0, declined: 0 });
    expect(await db().referralTrack.count()).toBe(0);
    expect(await db().auditEvent.count()).toBe(0);
  });

  it('shows the officer where each track went, the victim’s first', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await fileReferral(officer, completeSubmission(await municipalityId('Hannover')));
    const { items } = await listOwnReferrals({ actor: officer });
    expect(items).toMatchObject([
      {
        caseNumber: '2026/004711',
        personName: 'Marlene Quastenberg',
        municipalityName: 'Hannover',
        partners: [
          { track: 'VICTIM', name: await partnerName('BISS-LHH') },
          { track: 'PERPETRATOR', name: await partnerName('MB-H') },
        ],
      },
    ]);
  });
});
