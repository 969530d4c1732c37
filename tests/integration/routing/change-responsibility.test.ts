/**
 * Change of responsibility (issue 9, DESIGN.md section 5) end to end: the admin's preview and the saving
 * server action against the seeded rules, what the database holds afterwards (rules, their versions, the
 * history and the audit event), the refusals, two admins at the same moment, and what routing makes of the
 * new rules ("Wer ist zuständig?", submitted referrals).
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import type { Gender, Track } from '@/lib/generated/prisma/client';
import type { Failure } from '@/lib/result';
import { submitReferral } from '@/lib/referrals/service';
import { changeResponsibilityAction, previewResponsibilityChangeAction } from '@/lib/routing/actions';
import { responsibilityOverview, ruleHistory, whoIsResponsible } from '@/lib/routing/queries';
import type { ResponsibilityChangeInput } from '@/lib/routing/schema';
import { changeResponsibility, previewResponsibilityChange } from '@/lib/routing/service';
import { berlinDateOf, instantToBerlinLocal } from '@/lib/time/berlin';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { consentedSubmission, DEFAULT_RULES_VALID_FROM } from '@/prisma/factories';

import { makeSecondFactorStale, signedInAdmin } from '../users/support';
import { parsed } from '../support/referrals';
import { createActor, freshWorld, municipalityId, partnerId, signInAs } from '../support/world';

// Messages that name rules (lib/routing/labels.ts) need a namespaced translator and a date formatter; the
// shared request context (tests/integration/setup/request-context.ts) offers neither yet, so this file
// completes it the way next-intl's server functions behave in the app: German, dates in Europe/Berlin.
const BISS_REGION = 'BISS Region Hannover (AWO Region Hannover e.V.)';
const BISS_LHH = 'BISS Landeshauptstadt Hannover (SUANA/kargah e.V. und Bestärkungsstelle/BTZ e.V.)';
/** The action client's fallback when a message key has no German text. */
const UNTRANSLATED = 'Ein unerwarteter Fehler ist aufgetreten';

beforeEach(freshWorld);

/** `YYYY-MM-DD` as German messages write it. */
const germanDate = (date: string) => date.split('-').reverse().join('.');

/** A Berlin calendar day relative to today. */
const day = (offset: number) => addDays(berlinDateOf(new Date()), offset);

async function changeOf(
  municipalities: string[],
  partnerCode: string,
  firstDay: string,
  extra: Partial<ResponsibilityChangeInput> = {},
): Promise<ResponsibilityChangeInput> {
  return {
    municipalityIds: await Promise.all(municipalities.map(municipalityId)),
    track: 'VICTIM',
    genders: ['FEMALE'],
    partnerId: await partnerId(partnerCode),
    firstDay,
    ...extra,
  };
}

/** Preview, then save what the preview showed: the admin's two clicks. */
async function previewAndSave(input: ResponsibilityChangeInput) {
  const preview = await previewResponsibilityChangeAction(input);
  if (!preview.ok) throw new Error(`preview refused: ${JSON.stringify(preview)}`);
  return changeResponsibilityAction({ ...input, previewToken: preview.data.previewToken });
}

/** A partner organisation of the victim track beside the seeded ones. */
async function addPartner(code: string, data: { activeFrom?: Date; activeTo?: Date | null; genders?: Gender[] } = {}) {
  return db().partner.create({
    data: {
      code,
      name: `Beratungsstelle ${code}`,
      kind: 'VICTIM_SUPPORT',
      tracks: ['VICTIM'],
      genders: data.genders ?? ['FEMALE', 'DIVERSE', 'MALE'],
      phone: '0511 000000',
      address: 'Teststraße 1, 30159 Hannover',
      notificationEmail: `${code.toLowerCase()}@partner.example`,
      activeFrom: data.activeFrom ?? DEFAULT_RULES_VALID_FROM,
      activeTo: data.activeTo ?? null,
      languages: ['de'],
      description: 'Test',
    },
    select: { id: true, name: true },
  });
}

async function rulesOf(municipality: string, gender: Gender = 'FEMALE', track: Track = 'VICTIM') {
  return db().routingRule.findMany({
    where: { track, gender, municipalityId: await municipalityId(municipality) },
    orderBy: [{ validFrom: 'asc' }, { version: 'asc' }],
  });
}

/** Everything a refused change must leave untouched. */
async function snapshot() {
  const [rules, changes, audits] = await Promise.all([
    db().routingRule.findMany({ orderBy: { id: 'asc' } }),
    db().routingRuleChange.count(),
    db().auditEvent.count({ where: { action: 'ROUTING_CHANGED' } }),
  ]);
  return { rules, changes, audits };
}

/** The failure's German message; fails when the key had no translation and the generic text stood in. */
function germanMessage(result: { ok: boolean }): string {
  expect(result.ok).toBe(false);
  const { message } = result as Failure;
  expect(message).not.toContain(UNTRANSLATED);
  expect(message).not.toMatch(/^(routing|partners|errors)\./);
  return message;
}

/** For each key, the non-cancelled rules follow each other without overlap, and exactly one is open. */
async function expectNoOverlap(municipalities: string[], gender: Gender = 'FEMALE') {
  for (const name of municipalities) {
    const live = (await rulesOf(name, gender)).filter((r) => r.validTo === null || r.validTo > r.validFrom);
    for (let i = 1; i < live.length; i++) {
      expect(live[i - 1]!.validTo, `${name}: rule ${i - 1} ends before rule ${i} starts`).not.toBeNull();
      expect(live[i - 1]!.validTo!.getTime()).toBeLessThanOrEqual(live[i]!.validFrom.getTime());
    }
    expect(
      live.filter((r) => r.validTo === null),
      `${name}: one open-ended rule`,
    ).toHaveLength(1);
  }
}

describe('who may change responsibilities', () => {
  it.each(['OFFICER', 'SUPERVISOR', 'PARTNER', 'AUDITOR'] as const)(
    'refuses a %s preview and save, and changes nothing',
    async (role) => {
      const actor = await createActor(role, role === 'PARTNER' ? { partnerCode: 'MB-H' } : {});
      await signInAs(actor);
      const input = await changeOf(['Sehnde'], 'BISS-LHH', day(10));
      const before = await snapshot();
      expect(await previewResponsibilityChangeAction(input)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await changeResponsibilityAction({ ...input, previewToken: 'x' })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      expect(await snapshot()).toEqual(before);
    },
  );

  it('previews without step-up, but saves only with the second factor proved within minutes', async () => {
    await signedInAdmin();
    await makeSecondFactorStale();
    const input = await changeOf(['Sehnde'], 'BISS-LHH', day(10));
    const preview = await previewResponsibilityChangeAction(input);
    expect(preview.ok).toBe(true);
    const before = await snapshot();
    const saved = await changeResponsibilityAction({
      ...input,
      previewToken: preview.ok ? preview.data.previewToken : '',
    });
    expect(saved).toMatchObject({ ok: false, code: 'STEP_UP_REQUIRED' });
    expect(germanMessage(saved)).toContain('Authenticator-App');
    expect(await snapshot()).toEqual(before);
  });
});

describe('changeResponsibilityAction', () => {
  it('moves three municipalities to a new partner: preview rows, then rules, versions, history and audit', async () => {
    const admin = await signedInAdmin();
    const firstDay = day(14);
    const input = await changeOf(['Sehnde', 'Lehrte', 'Hannover'], 'BISS-LHH', firstDay, {
      genders: ['FEMALE', 'DIVERSE'],
      reason: 'Neuer Kooperationsvertrag',
    });
    const [sehndeBefore, lehrteBefore, hannoverBefore] = [
      await rulesOf('Sehnde'),
      await rulesOf('Lehrte', 'DIVERSE'),
      await rulesOf('Hannover'),
    ];
    const before = await snapshot();

    const preview = await previewResponsibilityChangeAction(input);
    const seeded = (partnerName: string) => ({ partnerName, firstDay: '2024-01-01', lastDay: null });
    expect(preview).toEqual({
      ok: true,
      data: {
        partnerName: BISS_LHH,
        track: 'VICTIM',
        firstDay,
        previewToken: expect.any(String),
        rows: [
          ...['Sehnde', 'Lehrte'].flatMap((municipalityName) =>
            (['FEMALE', 'DIVERSE'] as const).map((gender) => ({
              municipalityName,
              gender,
              outcome: 'CHANGE',
              rule: seeded(BISS_REGION),
              previousBecomes: 'ENDED',
            })),
          ),
          // Hannover already goes to the city's BISS: nothing changes there.
          ...(['FEMALE', 'DIVERSE'] as const).map((gender) => ({
            municipalityName: 'Hannover',
            gender,
            outcome: 'UNCHANGED',
            rule: seeded(BISS_LHH),
            previousBecomes: null,
          })),
        ],
      },
    });
    // The preview changed nothing.
    expect(await snapshot()).toEqual(before);

    const saved = await changeResponsibilityAction({
      ...input,
      previewToken: preview.ok ? preview.data.previewToken : '',
    });
    expect(saved).toEqual({
      ok: true,
      data: { changeSetId: expect.any(String), created: 4, ended: 4, cancelled: 0 },
    });
    if (!saved.ok) return;
    const start = berlinDayStart(firstDay);
    const lhh = await partnerId('BISS-LHH');

    // Sehnde, women: the old rule ends the day before, in its next version; the new one is open-ended.
    const sehnde = await rulesOf('Sehnde');
    expect(sehnde).toEqual([
      { ...sehndeBefore[0], validTo: start, version: 2 },
      expect.objectContaining({ partnerId: lhh, validFrom: start, validTo: null, version: 1 }),
    ]);
    expect(await rulesOf('Lehrte', 'DIVERSE')).toEqual([
      { ...lehrteBefore[0], validTo: start, version: 2 },
      expect.objectContaining({ partnerId: lhh, validFrom: start, validTo: null, version: 1 }),
    ]);
    expect(await rulesOf('Hannover')).toEqual(hannoverBefore);
    expect(await db().routingRule.count()).toBe(before.rules.length + 4);

    // One history row per rule version, all of one change set, with the admin and the reason.
    const history = await db().routingRuleChange.findMany({
      where: { changeSetId: saved.data.changeSetId },
      include: { rule: { include: { municipality: true } } },
    });
    expect(history).toHaveLength(8);
    expect(history.every((h) => h.actorId === admin.id && h.reason === 'Neuer Kooperationsvertrag')).toBe(true);
    const ended = history.filter((h) => h.kind === 'ENDED');
    const created = history.filter((h) => h.kind === 'CREATED');
    expect(ended.map((h) => `${h.rule.municipality.name}|${h.rule.gender}`).sort()).toEqual([
      'Lehrte|DIVERSE',
      'Lehrte|FEMALE',
      'Sehnde|DIVERSE',
      'Sehnde|FEMALE',
    ]);
    for (const h of ended) {
      expect(h).toMatchObject({ version: 2, validToBefore: null, validFrom: DEFAULT_RULES_VALID_FROM, validTo: start });
    }
    expect(created.map((h) => `${h.rule.municipality.name}|${h.rule.gender}`).sort()).toEqual(
      ended.map((h) => `${h.rule.municipality.name}|${h.rule.gender}`).sort(),
    );
    for (const h of created) {
      expect(h).toMatchObject({ version: 1, validToBefore: null, validFrom: start, validTo: null });
      expect(h.rule.partnerId).toBe(lhh);
    }

    // One audit event for the whole change, with counts and codes only.
    expect(
      await db().auditEvent.findMany({
        where: { action: 'ROUTING_CHANGED' },
        select: { actorId: true, actorRole: true, entityType: true, entityId: true, reason: true, details: true },
      }),
    ).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: lhh,
        reason: 'Neuer Kooperationsvertrag',
        details: {
          changeSetId: saved.data.changeSetId,
          track: 'VICTIM',
          genders: 'FEMALE,DIVERSE',
          municipalities: 3,
          firstDay,
          retroactive: false,
          created: 4,
          ended: 4,
          cancelled: 0,
        },
      },
    ]);

    // What the admin reads afterwards: the history of Sehnde, newest first, and the overview.
    const sehndeHistory = await ruleHistory({ municipalityId: await municipalityId('Sehnde') });
    expect(sehndeHistory.filter((h) => h.track === 'VICTIM' && h.gender === 'FEMALE').slice(0, 3)).toEqual([
      expect.objectContaining({ kind: 'ENDED', version: 2, actorName: admin.displayName, lastDay: day(13) }),
      expect.objectContaining({ kind: 'CREATED', version: 1, actorName: admin.displayName, partnerName: BISS_LHH }),
      expect.objectContaining({ kind: 'CREATED', version: 1, actorName: null, partnerName: BISS_REGION }),
    ]);
    const overview = await responsibilityOverview('VICTIM');
    expect(overview.find((m) => m.name === 'Sehnde')!.genders.find((g) => g.gender === 'FEMALE')).toMatchObject({
      current: { partnerName: BISS_REGION, firstDay: '2024-01-01', lastDay: day(13), version: 2 },
      scheduled: [{ partnerName: BISS_LHH, firstDay, lastDay: null, version: 1 }],
    });
    await expectNoOverlap(['Sehnde', 'Lehrte', 'Hannover']);
    await expectNoOverlap(['Sehnde', 'Lehrte', 'Hannover'], 'DIVERSE');
  });

  it('cancels a scheduled rule that would start on the new first day instead of ending it', async () => {
    const admin = await signedInAdmin();
    const firstDay = day(10);
    const start = berlinDayStart(firstDay);
    expect((await previewAndSave(await changeOf(['Sehnde'], 'BISS-LHH', firstDay))).ok).toBe(true);
    const [, scheduled] = await rulesOf('Sehnde');
    expect(scheduled).toMatchObject({ partnerId: await partnerId('BISS-LHH'), validFrom: start, validTo: null });

    // The admin changes their mind: from that same day another service takes over.
    const other = await addPartner('FRAUEN-OST');
    const input = await changeOf(['Sehnde'], 'FRAUEN-OST', firstDay, { reason: 'Vertrag mit BISS nicht zustande' });
    const preview = await previewResponsibilityChangeAction(input);
    expect(preview).toMatchObject({
      ok: true,
      data: {
        rows: [
          {
            municipalityName: 'Sehnde',
            gender: 'FEMALE',
            outcome: 'CHANGE',
            rule: { partnerName: BISS_LHH, firstDay, lastDay: null },
            previousBecomes: 'CANCELLED',
          },
        ],
      },
    });
    const saved = await changeResponsibilityAction({
      ...input,
      previewToken: preview.ok ? preview.data.previewToken : '',
    });
    expect(saved).toMatchObject({ ok: true, data: { created: 1, ended: 0, cancelled: 1 } });
    if (!saved.ok) return;

    const rules = await rulesOf('Sehnde');
    expect(rules).toHaveLength(3);
    expect(rules.find((r) => r.id === scheduled!.id)).toMatchObject({ validFrom: start, validTo: start, version: 2 });
    expect(rules.find((r) => r.partnerId === other.id)).toMatchObject({ validFrom: start, validTo: null, version: 1 });
    // The first rule still ends the day before; the cancelled one decides nothing.
    expect(rules[0]).toMatchObject({ partnerId: await partnerId('BISS-REGION'), validTo: start, version: 2 });
    expect(
      await db().routingRuleChange.findMany({
        where: { changeSetId: saved.data.changeSetId },
        orderBy: { kind: 'asc' },
        select: { ruleId: true, kind: true, version: true, validToBefore: true, validTo: true, actorId: true },
      }),
    ).toEqual([
      expect.objectContaining({ kind: 'CREATED', version: 1, validTo: null, actorId: admin.id }),
      { ruleId: scheduled!.id, kind: 'CANCELLED', version: 2, validToBefore: null, validTo: start, actorId: admin.id },
    ]);
    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), date: firstDay })).toMatchObject({
      kind: 'RULE',
      rule: { partnerId: other.id },
    });
    await expectNoOverlap(['Sehnde']);
  });

  it('refuses a change that would overlap a later scheduled rule, naming it, and writes nothing', async () => {
    await signedInAdmin();
    expect((await previewAndSave(await changeOf(['Sehnde'], 'BISS-LHH', day(20)))).ok).toBe(true);
    await addPartner('FRAUEN-OST');
    const input = await changeOf(['Lehrte', 'Sehnde'], 'FRAUEN-OST', day(10));

    const preview = await previewResponsibilityChangeAction(input);
    expect(preview).toMatchObject({
      ok: true,
      data: {
        rows: [
          { municipalityName: 'Lehrte', outcome: 'CHANGE', previousBecomes: 'ENDED' },
          {
            municipalityName: 'Sehnde',
            outcome: 'CONFLICT',
            rule: { partnerName: BISS_LHH, firstDay: day(20), lastDay: null },
            previousBecomes: null,
          },
        ],
      },
    });
    const before = await snapshot();
    const saved = await changeResponsibilityAction({
      ...input,
      previewToken: preview.ok ? preview.data.previewToken : '',
    });
    expect(saved).toMatchObject({ ok: false, code: 'CONFLICT' });
    const message = germanMessage(saved);
    expect(message).toContain('Sehnde');
    expect(message).toContain(BISS_LHH);
    expect(message).toContain(`ab ${germanDate(day(20))}`);
    expect(message).not.toContain('Lehrte');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a save whose preview is outdated because another change came in between', async () => {
    await signedInAdmin();
    await addPartner('FRAUEN-OST');
    const input = await changeOf(['Sehnde'], 'BISS-LHH', day(10));
    const preview = await previewResponsibilityChangeAction(input);
    if (!preview.ok) throw new Error('preview refused');

    // A change elsewhere does not touch what this preview showed.
    expect((await previewAndSave(await changeOf(['Lehrte'], 'FRAUEN-OST', day(5)))).ok).toBe(true);
    // Another admin moves Sehnde first, from an earlier day.
    const colleague = await createActor('ADMIN');
    const other = await changeOf(['Sehnde'], 'FRAUEN-OST', day(5));
    const otherPreview = await previewResponsibilityChange({ actor: colleague, input: other });
    expect(otherPreview.ok).toBe(true);
    expect(
      await changeResponsibility({
        actor: colleague,
        input: { ...other, previewToken: otherPreview.ok ? otherPreview.data.previewToken : '' },
      }),
    ).toMatchObject({ ok: true });

    const before = await snapshot();
    const saved = await changeResponsibilityAction({ ...input, previewToken: preview.data.previewToken });
    expect(saved).toMatchObject({ ok: false, code: 'CONFLICT' });
    germanMessage(saved);
    expect(await snapshot()).toEqual(before);

    // A fresh preview shows the colleague's rule, and saving it works.
    const fresh = await previewResponsibilityChangeAction(input);
    expect(fresh).toMatchObject({
      ok: true,
      data: { rows: [{ outcome: 'CHANGE', rule: { partnerName: 'Beratungsstelle FRAUEN-OST', firstDay: day(5) } }] },
    });
    expect(
      await changeResponsibilityAction({ ...input, previewToken: fresh.ok ? fresh.data.previewToken : '' }),
    ).toMatchObject({ ok: true });
    await expectNoOverlap(['Sehnde', 'Lehrte']);
  });

  it('refuses a partner that is not active on the first day, or whose last day is already set', async () => {
    await signedInAdmin();
    const partners = [
      await addPartner('ALT', { activeTo: berlinDayStart(day(0)) }), // last active day: yesterday
      await addPartner('SPAETER', { activeFrom: berlinDayStart(day(30)) }), // starts after the first day
      await addPartner('ENDET', { activeTo: berlinDayStart(day(60)) }), // would end after the first day
    ];
    const before = await snapshot();
    for (const partner of partners) {
      const input = { ...(await changeOf(['Sehnde'], 'BISS-LHH', day(10))), partnerId: partner.id };
      const preview = await previewResponsibilityChangeAction(input);
      expect(preview, partner.name).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      expect(germanMessage(preview)).toContain(partner.name);
      const saved = await changeResponsibilityAction({ ...input, previewToken: 'ohne-vorschau' });
      expect(saved, partner.name).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      expect(germanMessage(saved)).toContain(partner.name);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a partner that does not serve the gender or the track', async () => {
    await signedInAdmin();
    const before = await snapshot();
    // The Männerbüro serves men only; Die Gruppe only the perpetrator programme.
    const women = await changeOf(['Sehnde'], 'MB-H', day(10), { genders: ['MALE', 'FEMALE'] });
    const victims = await changeOf(['Sehnde'], 'GRUPPE', day(10), { genders: ['MALE'] });
    for (const input of [women, victims]) {
      const preview = await previewResponsibilityChangeAction(input);
      expect(preview).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      germanMessage(preview);
      expect(await changeResponsibilityAction({ ...input, previewToken: 'x' })).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
      });
    }
    expect(await snapshot()).toEqual(before);
    // Men in Sehnde to the Männerbüro: already so.
    const men = await changeOf(['Sehnde'], 'MB-H', day(10), { genders: ['MALE'] });
    const preview = await previewResponsibilityChangeAction(men);
    expect(preview).toMatchObject({ ok: true, data: { rows: [{ outcome: 'UNCHANGED' }] } });
    expect(
      await changeResponsibilityAction({ ...men, previewToken: preview.ok ? preview.data.previewToken : '' }),
    ).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(await snapshot()).toEqual(before);
  });

  it('requires a reason for a first day in the past, and applies the change retroactively with one', async () => {
    const admin = await signedInAdmin();
    const firstDay = day(-3);
    const input = await changeOf(['Sehnde'], 'BISS-LHH', firstDay);
    const before = await snapshot();
    for (const withReason of [input, { ...input, reason: '' }]) {
      const required = {
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors: { reason: ['routing.errors.reasonRequiredForPast'] },
      };
      expect(await previewResponsibilityChangeAction(withReason)).toMatchObject(required);
      expect(await changeResponsibilityAction({ ...withReason, previewToken: 'x' })).toMatchObject(required);
    }
    // Blanks are no reason either.
    expect(await changeResponsibilityAction({ ...input, reason: '  ', previewToken: 'x' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { reason: [expect.stringMatching(/^(routing|errors)\./)] },
    });
    // Further back than the window allows, even with a reason.
    expect(
      await previewResponsibilityChangeAction({ ...input, firstDay: day(-91), reason: 'Zu spät bemerkt' }),
    ).toMatchObject({ ok: false, fieldErrors: { firstDay: ['routing.errors.firstDayOutOfRange'] } });
    expect(await snapshot()).toEqual(before);

    const reason = 'Trägerwechsel zum Monatsanfang, zu spät eingetragen';
    const saved = await previewAndSave({ ...input, reason });
    expect(saved).toMatchObject({ ok: true, data: { created: 1, ended: 1, cancelled: 0 } });
    if (!saved.ok) return;
    const start = berlinDayStart(firstDay);
    expect(await rulesOf('Sehnde')).toMatchObject([
      { partnerId: await partnerId('BISS-REGION'), validTo: start, version: 2 },
      { partnerId: await partnerId('BISS-LHH'), validFrom: start, validTo: null, version: 1 },
    ]);
    const history = await db().routingRuleChange.findMany({ where: { changeSetId: saved.data.changeSetId } });
    expect(history).toHaveLength(2);
    expect(history.every((h) => h.reason === reason && h.actorId === admin.id)).toBe(true);
    expect(
      await db().auditEvent.findFirstOrThrow({
        where: { action: 'ROUTING_CHANGED' },
        select: { reason: true, details: true },
      }),
    ).toMatchObject({ reason, details: { retroactive: true, firstDay } });
  });
});

describe('two admins saving overlapping changes at the same moment', () => {
  async function race(municipalities: string[]) {
    const [first, second] = [await createActor('ADMIN'), await createActor('ADMIN')];
    await addPartner('FRAUEN-OST');
    const inputs = [
      await changeOf(municipalities, 'BISS-LHH', day(10)),
      await changeOf(municipalities, 'FRAUEN-OST', day(10)),
    ];
    const actors = [first, second];
    // Both previews are taken before either saves.
    const previews = await Promise.all(
      inputs.map((input, i) => previewResponsibilityChange({ actor: actors[i]!, input })),
    );
    const tokens = previews.map((p) => (p.ok ? p.data.previewToken : ''));
    expect(tokens.every(Boolean)).toBe(true);
    const before = await snapshot();
    const results = await Promise.all(
      inputs.map((input, i) =>
        changeResponsibility({ actor: actors[i]!, input: { ...input, previewToken: tokens[i]! } }),
      ),
    );
    return { results, before, actors };
  }

  it('lets exactly one win when both end the same rules; the other gets a conflict', async () => {
    const { results, before, actors } = await race(['Sehnde', 'Lehrte']);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: 'CONFLICT' });
    const winner = actors[results.findIndex((r) => r.ok)]!;
    const loser = actors[results.findIndex((r) => !r.ok)]!;

    await expectNoOverlap(['Sehnde', 'Lehrte']);
    expect(await db().routingRule.count()).toBe(before.rules.length + 2);
    // Only the winner's change is in the history and the audit trail.
    expect(await db().routingRuleChange.count()).toBe(before.changes + 4);
    expect(await db().routingRuleChange.count({ where: { actorId: loser.id } })).toBe(0);
    expect(await db().auditEvent.findMany({ where: { action: 'ROUTING_CHANGED' }, select: { actorId: true } })).toEqual(
      [{ actorId: winner.id }],
    );
  });

  it('lets exactly one win for a place that had no rule yet (no row to lock: the exclusion constraint decides)', async () => {
    await db().municipality.create({ data: { name: 'Neudorf', kind: 'Gemeinde' } });
    const { results, before } = await race(['Neudorf']);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'CONFLICT' });
    await expectNoOverlap(['Neudorf']);
    expect(await db().routingRule.count()).toBe(before.rules.length + 1);
    expect(await db().auditEvent.count({ where: { action: 'ROUTING_CHANGED' } })).toBe(1);
  });
});

async function keyOf(municipality: string) {
  return { municipalityId: await municipalityId(municipality), gender: 'FEMALE' as const, track: 'VICTIM' as const };
}

describe('routing by the changed rules', () => {
  it('whoIsResponsible answers with the old partner before the first day and the new one from it', async () => {
    await signedInAdmin();
    const [old] = await rulesOf('Sehnde');
    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), date: day(6) })).toEqual({
      kind: 'RULE',
      rule: {
        id: old!.id,
        version: 1,
        gender: 'FEMALE',
        partnerId: await partnerId('BISS-REGION'),
        partnerName: BISS_REGION,
        firstDay: '2024-01-01',
        lastDay: null,
      },
    });
    expect((await previewAndSave(await changeOf(['Sehnde'], 'BISS-LHH', day(7)))).ok).toBe(true);
    const [, created] = await rulesOf('Sehnde');

    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), date: day(6) })).toEqual({
      kind: 'RULE',
      rule: {
        id: old!.id,
        version: 2,
        gender: 'FEMALE',
        partnerId: await partnerId('BISS-REGION'),
        partnerName: BISS_REGION,
        firstDay: '2024-01-01',
        lastDay: day(6),
      },
    });
    const expectedNew = {
      kind: 'RULE',
      rule: {
        id: created!.id,
        version: 1,
        gender: 'FEMALE',
        partnerId: await partnerId('BISS-LHH'),
        partnerName: BISS_LHH,
        firstDay: day(7),
        lastDay: null,
      },
    };
    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), date: day(7) })).toEqual(expectedNew);
    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), date: day(400) })).toEqual(expectedNew);
    // Other keys of the place are untouched.
    expect(await whoIsResponsible({ ...(await keyOf('Sehnde')), gender: 'DIVERSE', date: day(7) })).toMatchObject({
      kind: 'RULE',
      rule: { partnerName: BISS_REGION, version: 1 },
    });
  });

  it('routes a referral by the rule in force at its incident time, storing rule id and version', async () => {
    await signedInAdmin();
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const sehnde = await municipalityId('Sehnde');
    // Schedule first, then file: the change reaches three days back (with a reason).
    expect(
      (await previewAndSave(await changeOf(['Sehnde'], 'BISS-LHH', day(-3), { reason: 'Trägerwechsel' }))).ok,
    ).toBe(true);
    const [old, created] = await rulesOf('Sehnde');

    const earlier = await submitReferral({
      actor: officer,
      input: parsed(
        consentedSubmission(sehnde, {
          incidentAt: instantToBerlinLocal(new Date(Date.now() - 5 * 86_400_000)),
          caseNumber: '2026/000001',
        }),
      ),
    });
    const recent = await submitReferral({
      actor: officer,
      input: parsed(consentedSubmission(sehnde, { caseNumber: '2026/000002' })),
    });
    expect(earlier).toMatchObject({
      ok: true,
      data: { kind: 'REFERRAL', tracks: [{ track: 'VICTIM', partnerName: BISS_REGION }] },
    });
    expect(recent).toMatchObject({
      ok: true,
      data: { kind: 'REFERRAL', tracks: [{ track: 'VICTIM', partnerName: BISS_LHH }] },
    });

    const stored = async (result: typeof earlier) =>
      db().referralTrack.findUniqueOrThrow({
        where: {
          referralId_track: {
            referralId: result.ok && result.data.kind === 'REFERRAL' ? result.data.referralId : '',
            track: 'VICTIM',
          },
        },
        select: { partnerId: true, routingRuleId: true, routingRuleVersion: true, routingReason: true },
      });
    expect(await stored(earlier)).toEqual({
      partnerId: await partnerId('BISS-REGION'),
      routingRuleId: old!.id,
      // The old rule as it is now: ended, in its second version.
      routingRuleVersion: 2,
      routingReason: 'RULE',
    });
    expect(await stored(recent)).toEqual({
      partnerId: await partnerId('BISS-LHH'),
      routingRuleId: created!.id,
      routingRuleVersion: 1,
      routingReason: 'RULE',
    });
  });
});
