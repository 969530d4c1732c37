/**
 * Partner administration (issue 9, DESIGN.md section 5) end to end through the server actions: what is
 * stored, the audit events, optimistic concurrency, and the rule that a partner never strands a routing
 * rule: deactivating it, moving its first day, or dropping a track or gender it serves is refused while a
 * rule still needs it, and works once the rules have moved to another partner.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { createPartnerAction, updatePartnerAction } from '@/lib/partners/actions';
import { listPartners, partnerForEdit } from '@/lib/partners/queries';
import type { CreatePartnerInput, UpdatePartnerInput } from '@/lib/partners/schema';
import { updatePartner } from '@/lib/partners/service';
import type { Failure } from '@/lib/result';
import { changeResponsibilityAction, previewResponsibilityChangeAction } from '@/lib/routing/actions';
import { coverageReport } from '@/lib/routing/queries';
import type { ResponsibilityChangeInput } from '@/lib/routing/schema';
import { changeResponsibility, previewResponsibilityChange } from '@/lib/routing/service';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays, berlinDayStart } from '@/lib/time/days';

import { makeSecondFactorStale, signedInAdmin } from '../users/support';
import { createActor, freshWorld, municipalityId, partnerId, signInAs } from '../support/world';

// Messages that name rules (lib/routing/labels.ts) need a namespaced translator and a date formatter; the
// shared request context (tests/integration/setup/request-context.ts) offers neither yet, so this file
// completes it the way next-intl's server functions behave in the app: German, dates in Europe/Berlin.
const BISS_REGION = 'BISS Region Hannover (AWO Region Hannover e.V.)';
/** The action client's fallback when a message key has no German text. */
const UNTRANSLATED = 'Ein unerwarteter Fehler ist aufgetreten';

beforeEach(freshWorld);

/** A Berlin calendar day relative to today. */
const day = (offset: number) => addDays(berlinDateOf(new Date()), offset);

/** The admin's "Partnerstelle anlegen" form, filled in. */
function newPartner(overrides: Partial<Record<keyof CreatePartnerInput, unknown>> = {}) {
  return {
    code: ' frauen-ost ',
    name: 'Frauenberatung Ost e.V.',
    kind: 'VICTIM_SUPPORT',
    tracks: ['VICTIM'],
    genders: ['FEMALE', 'DIVERSE'],
    phone: '0511 123 456',
    address: 'Musterweg 1, 31275 Lehrte',
    notificationEmail: ' Postfach@Frauen-Ost.Example ',
    activeFrom: '2024-01-01',
    activeTo: '',
    languages: ['de', 'tr'],
    description: 'Die Beratungsstelle meldet sich bei Ihnen.\nDie Beratung ist kostenlos.',
    ...overrides,
  };
}

/** The edit form of a partner as the page fills it (queries.partnerForEdit), ready to send. */
async function editFormOf(id: string): Promise<UpdatePartnerInput> {
  const p = await partnerForEdit(id);
  if (!p) throw new Error('no such partner');
  return {
    partnerId: p.id,
    version: p.version,
    name: p.name,
    kind: p.kind,
    tracks: p.tracks,
    genders: p.genders as UpdatePartnerInput['genders'],
    phone: p.phone,
    address: p.address,
    notificationEmail: p.notificationEmail,
    activeFrom: p.activeFrom,
    activeTo: p.activeTo,
    languages: p.languages as UpdatePartnerInput['languages'],
    description: p.description,
  };
}

async function createdPartner(overrides: Parameters<typeof newPartner>[0] = {}): Promise<string> {
  const result = await createPartnerAction(newPartner(overrides));
  if (!result.ok) throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.data.id;
}

/** Preview, then save what the preview showed, as the signed-in admin. */
async function moveResponsibility(input: ResponsibilityChangeInput) {
  const preview = await previewResponsibilityChangeAction(input);
  if (!preview.ok) throw new Error(`preview refused: ${JSON.stringify(preview)}`);
  const saved = await changeResponsibilityAction({ ...input, previewToken: preview.data.previewToken });
  if (!saved.ok) throw new Error(`change refused: ${JSON.stringify(saved)}`);
  return saved.data;
}

/** The failure's German message; fails when the key had no translation and the generic text stood in. */
function germanMessage(result: { ok: boolean }): string {
  expect(result.ok).toBe(false);
  const { message } = result as Failure;
  expect(message).not.toContain(UNTRANSLATED);
  expect(message).not.toMatch(/^(routing|partners|errors)\./);
  return message;
}

async function partnerRow(id: string) {
  return db().partner.findUniqueOrThrow({ where: { id } });
}

function auditsOf(action: string) {
  return db().auditEvent.findMany({
    where: { action },
    orderBy: { id: 'asc' },
    select: { actorId: true, actorRole: true, entityType: true, entityId: true, details: true },
  });
}

describe('who may manage partners', () => {
  it.each(['OFFICER', 'SUPERVISOR', 'PARTNER', 'AUDITOR'] as const)(
    'refuses a %s, changes nothing and audits the denial',
    async (role) => {
      const actor = await createActor(role, role === 'PARTNER' ? { partnerCode: 'MB-H' } : {});
      await signInAs(actor);
      const before = await db().partner.findMany({ orderBy: { id: 'asc' } });
      expect(await createPartnerAction(newPartner())).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(
        await updatePartnerAction({ ...(await editFormOf(await partnerId('MB-H'))), name: 'Übernommen' }),
      ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await db().partner.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      expect(await db().auditEvent.count({ where: { action: { in: ['PARTNER_CREATED', 'PARTNER_UPDATED'] } } })).toBe(
        0,
      );
      expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: actor.id } })).toBe(2);
    },
  );

  it('requires the second factor within the step-up window for creating and changing', async () => {
    await signedInAdmin();
    await makeSecondFactorStale();
    const before = await db().partner.findMany({ orderBy: { id: 'asc' } });
    const results = [
      await createPartnerAction(newPartner()),
      await updatePartnerAction({ ...(await editFormOf(await partnerId('MB-H'))), activeTo: day(0) }),
    ];
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, code: 'STEP_UP_REQUIRED' });
      expect(germanMessage(result)).toContain('Authenticator-App');
    }
    expect(await db().partner.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(
      await db().auditEvent.count({
        where: { action: 'ACCESS_DENIED', details: { path: ['reason'], equals: 'STEP_UP_REQUIRED' } },
      }),
    ).toBe(2);
    expect(await db().auditEvent.count({ where: { action: { in: ['PARTNER_CREATED', 'PARTNER_UPDATED'] } } })).toBe(0);
  });
});

describe('createPartnerAction', () => {
  it('stores every field, the last active day as the start of the day after, and audits codes only', async () => {
    const admin = await signedInAdmin();
    // The last active day is the Saturday before summer time starts (Sunday 28 March 2027).
    const result = await createPartnerAction(newPartner({ activeFrom: '2026-12-01', activeTo: '2027-03-27' }));
    expect(result).toEqual({ ok: true, data: { id: expect.any(String) } });
    if (!result.ok) return;

    expect(await partnerRow(result.data.id)).toEqual({
      id: result.data.id,
      code: 'FRAUEN-OST',
      name: 'Frauenberatung Ost e.V.',
      kind: 'VICTIM_SUPPORT',
      tracks: ['VICTIM'],
      genders: ['FEMALE', 'DIVERSE'],
      phone: '0511 123 456',
      address: 'Musterweg 1, 31275 Lehrte',
      notificationEmail: 'postfach@frauen-ost.example',
      activeFrom: new Date('2026-12-01T00:00:00+01:00'),
      // Active through 27 March; from the first moment of 28 March (still winter time at midnight) no longer.
      activeTo: new Date('2027-03-28T00:00:00+01:00'),
      languages: ['de', 'tr'],
      description: 'Die Beratungsstelle meldet sich bei Ihnen.\nDie Beratung ist kostenlos.',
      // No webhook until the admin sets one (tests/integration/partners/partner-webhook.test.ts).
      webhookUrl: null,
      webhookSecret: null,
      webhookSecretAt: null,
      version: 1,
    });
    // The form shows the days back as the admin entered them.
    expect(await partnerForEdit(result.data.id)).toMatchObject({ activeFrom: '2026-12-01', activeTo: '2027-03-27' });

    expect(await auditsOf('PARTNER_CREATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: result.data.id,
        details: { code: 'FRAUEN-OST', kind: 'VICTIM_SUPPORT' },
      },
    ]);
    // No contact details in the audit trail.
    expect(JSON.stringify(await db().auditEvent.findMany({ select: { details: true, reason: true } }))).not.toMatch(
      /Frauenberatung|Musterweg|0511|frauen-ost\.example/,
    );
  });

  it('stores an open end as none, and a single day as one day in summer time', async () => {
    await signedInAdmin();
    const open = await createdPartner({ code: 'OFFEN' });
    expect(await partnerRow(open)).toMatchObject({ activeFrom: new Date('2024-01-01T00:00:00+01:00'), activeTo: null });
    expect(await partnerForEdit(open)).toMatchObject({ activeTo: '' });

    const oneDay = await createdPartner({ code: 'EIN-TAG', activeFrom: '2027-07-15', activeTo: '2027-07-15' });
    expect(await partnerRow(oneDay)).toMatchObject({
      activeFrom: new Date('2027-07-15T00:00:00+02:00'),
      activeTo: new Date('2027-07-16T00:00:00+02:00'),
    });
    const listed = (await listPartners()).find((p) => p.id === oneDay);
    expect(listed).toMatchObject({ firstDay: '2027-07-15', lastDay: '2027-07-15', active: false, rules: 0 });
  });

  it('refuses a code that is taken (whatever its case), with a field message, and writes nothing', async () => {
    await signedInAdmin();
    const before = await db().partner.count();
    const result = await createPartnerAction(newPartner({ code: 'mb-h' }));
    expect(result).toMatchObject({ ok: false, code: 'CONFLICT', fieldErrors: { code: ['partners.errors.codeTaken'] } });
    germanMessage(result);
    expect(await db().partner.count()).toBe(before);
    expect(await db().auditEvent.count({ where: { action: 'PARTNER_CREATED' } })).toBe(0);
  });

  it('refuses what the form must not send, with field keys', async () => {
    await signedInAdmin();
    const cases: [Parameters<typeof newPartner>[0], Record<string, string[]>][] = [
      [{ activeFrom: '2027-02-01', activeTo: '2027-01-31' }, { activeTo: ['partners.errors.activeToBeforeFrom'] }],
      [{ code: 'A' }, { code: ['partners.errors.codeFormat'] }],
      [{ code: 'BISS--X' }, { code: ['partners.errors.codeFormat'] }],
      [{ genders: [] }, { genders: ['partners.errors.gendersRequired'] }],
      [{ genders: ['FEMALE', 'NOT_STATED'] }, { genders: ['partners.errors.gendersRequired'] }],
      [{ tracks: ['VICTIM', 'VICTIM'] }, { tracks: ['partners.errors.tracksRequired'] }],
      [{ languages: ['de', 'xx'] }, { languages: ['partners.errors.languagesRequired'] }],
      [{ activeFrom: '2027-02-30' }, { activeFrom: ['errors.dateFormat'] }],
    ];
    for (const [overrides, fieldErrors] of cases) {
      expect(await createPartnerAction(newPartner(overrides)), JSON.stringify(overrides)).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors,
      });
    }
    expect(
      await db().partner.count({
        where: { code: { not: { in: ['BISS-REGION', 'BISS-LHH', 'MB-H', 'GRUPPE', 'BTZ-TAEBEA'] } } },
      }),
    ).toBe(0);
  });
});

describe('updatePartnerAction', () => {
  it('saves the form with the next version and audits what changed', async () => {
    const admin = await signedInAdmin();
    const id = await createdPartner();
    const form = await editFormOf(id);
    const result = await updatePartnerAction({
      ...form,
      name: 'Frauenberatung Ost und Nord e.V.',
      genders: ['FEMALE', 'DIVERSE', 'MALE'],
      activeTo: '2030-06-30',
      languages: ['de', 'tr', 'uk'],
    });
    expect(result).toEqual({ ok: true, data: { version: 2 } });
    // Sets are stored in the order the form lists them.
    expect(await partnerRow(id)).toMatchObject({
      name: 'Frauenberatung Ost und Nord e.V.',
      genders: ['FEMALE', 'MALE', 'DIVERSE'],
      activeTo: new Date('2030-07-01T00:00:00+02:00'),
      languages: ['de', 'tr', 'uk'],
      version: 2,
    });
    expect(await auditsOf('PARTNER_UPDATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: id,
        details: {
          version: 2,
          changed: 'name,genders,activeTo,languages',
          activeFrom: '2024-01-01',
          activeTo: '2030-06-30',
          tracks: 'VICTIM',
          genders: 'FEMALE,MALE,DIVERSE',
        },
      },
    ]);
  });

  it('refuses a change made on an outdated form (another admin saved first)', async () => {
    await signedInAdmin();
    const id = await createdPartner();
    const seen = await editFormOf(id);
    expect(await updatePartnerAction({ ...seen, name: 'Erste Änderung' })).toMatchObject({ ok: true });
    const stale = await updatePartnerAction({ ...seen, name: 'Zweite Änderung', phone: '0511 999 999' });
    expect(stale).toMatchObject({ ok: false, code: 'CONFLICT' });
    germanMessage(stale);
    expect(await partnerRow(id)).toMatchObject({ name: 'Erste Änderung', phone: '0511 123 456', version: 2 });
    expect(await db().auditEvent.count({ where: { action: 'PARTNER_UPDATED' } })).toBe(1);
  });

  it('says "not found" for an unknown partner', async () => {
    await signedInAdmin();
    const form = await editFormOf(await partnerId('MB-H'));
    expect(await updatePartnerAction({ ...form, partnerId: '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b' })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });
});

describe('a partner never strands a routing rule', () => {
  /** Everything a refused change must leave untouched. */
  async function snapshot() {
    const [partners, rules, audits] = await Promise.all([
      db().partner.findMany({ orderBy: { id: 'asc' } }),
      db().routingRule.findMany({ orderBy: { id: 'asc' } }),
      db().auditEvent.count({ where: { action: 'PARTNER_UPDATED' } }),
    ]);
    return { partners, rules, audits };
  }

  it('refuses deactivating a partner that rules point to today, naming the rules', async () => {
    await signedInAdmin();
    const id = await partnerId('BISS-REGION');
    const before = await snapshot();
    const result = await updatePartnerAction({ ...(await editFormOf(id)), activeTo: day(0) });
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      // 20 municipalities outside the city, women and diverse persons.
      values: { count: 40 },
    });
    const message = germanMessage(result);
    expect(message).toContain(`Barsinghausen · Frauen · Opferhilfe: ${BISS_REGION}, ab 01.01.2024`);
    expect(message).toContain('40 Zuständigkeiten');
    expect(message).not.toContain('Hannover ·');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses deactivating a partner that only a scheduled rule points to, or moving its first day past it', async () => {
    await signedInAdmin();
    const id = await createdPartner();
    await moveResponsibility({
      municipalityIds: [await municipalityId('Sehnde')],
      track: 'VICTIM',
      genders: ['FEMALE'],
      partnerId: id,
      firstDay: day(10),
    });
    const before = await snapshot();
    const form = await editFormOf(id);
    for (const change of [{ activeTo: day(5) }, { activeTo: day(400) }, { activeFrom: day(11) }]) {
      const result = await updatePartnerAction({ ...form, ...change });
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, code: 'INVALID_STATE', values: { count: 1 } });
      expect(germanMessage(result)).toContain('Sehnde · Frauen · Opferhilfe: Frauenberatung Ost e.V.');
    }
    expect(await snapshot()).toEqual(before);
    // The first day may move up to the rule's first day.
    expect(await updatePartnerAction({ ...form, activeFrom: day(10) })).toMatchObject({ ok: true });
  });

  it('refuses moving the first active day past a rule that has already ended', async () => {
    await signedInAdmin();
    const id = await createdPartner({ activeFrom: day(-30) });
    const sehnde = await municipalityId('Sehnde');
    const change = { municipalityIds: [sehnde], track: 'VICTIM' as const, genders: ['FEMALE' as const] };
    // Frauenberatung Ost was responsible from 10 to 5 days ago; referrals of those days went there.
    await moveResponsibility({ ...change, partnerId: id, firstDay: day(-10), reason: 'Nachtrag' });
    await moveResponsibility({
      ...change,
      partnerId: await partnerId('BISS-REGION'),
      firstDay: day(-5),
      reason: 'Nachtrag',
    });
    const before = await snapshot();
    const result = await updatePartnerAction({ ...(await editFormOf(id)), activeFrom: day(0) });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(germanMessage(result)).toContain('Sehnde · Frauen · Opferhilfe: Frauenberatung Ost e.V.');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses dropping a gender or a track that a rule uses; adding one is fine', async () => {
    await signedInAdmin();
    const before = await snapshot();
    const region = await updatePartnerAction({
      ...(await editFormOf(await partnerId('BISS-REGION'))),
      genders: ['FEMALE'],
    });
    expect(region).toMatchObject({ ok: false, code: 'INVALID_STATE', values: { count: 20 } });
    const regionMessage = germanMessage(region);
    expect(regionMessage).toContain('Barsinghausen · diverse Personen · Opferhilfe');
    expect(regionMessage).not.toContain('Frauen ·');

    // The Männerbüro runs the perpetrator programme for men in the city of Hannover.
    const menForm = await editFormOf(await partnerId('MB-H'));
    const men = await updatePartnerAction({ ...menForm, tracks: ['VICTIM'] });
    expect(men).toMatchObject({ ok: false, code: 'INVALID_STATE', values: { count: 1 } });
    expect(germanMessage(men)).toContain('Hannover · Männer · Täterarbeit: Männerbüro Hannover e.V.');
    expect(await snapshot()).toEqual(before);

    expect(await updatePartnerAction({ ...menForm, genders: ['MALE', 'DIVERSE'] })).toMatchObject({ ok: true });
  });

  it('lets a partner stop serving a track once its rules for it have moved away and ended', async () => {
    await signedInAdmin();
    // Die Gruppe took over the perpetrator programme for men in Hannover three days ago.
    await moveResponsibility({
      municipalityIds: [await municipalityId('Hannover')],
      track: 'PERPETRATOR',
      genders: ['MALE'],
      partnerId: await partnerId('GRUPPE'),
      firstDay: day(-3),
      reason: 'Trägerwechsel, Nachtrag',
    });
    // No rule points to the Männerbüro's perpetrator work today or later; the ended rule is history.
    const result = await updatePartnerAction({ ...(await editFormOf(await partnerId('MB-H'))), tracks: ['VICTIM'] });
    expect(result).toMatchObject({ ok: true, data: { version: 2 } });
  });

  it('deactivates a partner once its rules have moved to another partner with a change of responsibility', async () => {
    const admin = await signedInAdmin();
    const id = await partnerId('BISS-REGION');
    const outside = await db().municipality.findMany({ where: { name: { not: 'Hannover' } }, select: { id: true } });
    expect(outside).toHaveLength(20);
    // From tomorrow the city's BISS takes over everywhere.
    const moved = await moveResponsibility({
      municipalityIds: outside.map((m) => m.id),
      track: 'VICTIM',
      genders: ['FEMALE', 'DIVERSE'],
      partnerId: await partnerId('BISS-LHH'),
      firstDay: day(1),
    });
    expect(moved).toMatchObject({ created: 40, ended: 40 });

    // The rules still hold today: a last day of yesterday would strand them.
    const form = await editFormOf(id);
    const before = await snapshot();
    expect(await updatePartnerAction({ ...form, activeTo: day(-1) })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      values: { count: 40 },
    });
    expect(await snapshot()).toEqual(before);

    // Today is its last day, as it is the rules' last day.
    expect(await updatePartnerAction({ ...form, activeTo: day(0) })).toEqual({ ok: true, data: { version: 2 } });
    expect(await partnerRow(id)).toMatchObject({ activeTo: berlinDayStart(day(1)), version: 2 });
    expect(await auditsOf('PARTNER_UPDATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: id,
        details: {
          version: 2,
          changed: 'activeTo',
          activeFrom: '2024-01-01',
          activeTo: day(0),
          tracks: 'VICTIM',
          genders: 'FEMALE,DIVERSE',
        },
      },
    ]);
    expect((await listPartners()).find((p) => p.id === id)).toMatchObject({ active: true, lastDay: day(0) });
    // Nobody is left without a partner, today or in the next 30 days.
    expect(await coverageReport()).toEqual({ gaps: [], partnersWithoutRules: [] });
  });

  it('never lets a deactivation and a change of responsibility to the same partner both succeed', async () => {
    const admin = await signedInAdmin();
    const id = await createdPartner();
    const change = {
      municipalityIds: [await municipalityId('Sehnde')],
      track: 'VICTIM' as const,
      genders: ['FEMALE' as const],
      partnerId: id,
      firstDay: day(3),
    };
    const preview = await previewResponsibilityChange({ actor: admin, input: change });
    if (!preview.ok) throw new Error('preview refused');
    const form = await editFormOf(id);
    const [deactivated, changed] = await Promise.all([
      updatePartner({ actor: admin, input: { ...form, activeTo: day(0) } }),
      changeResponsibility({ actor: admin, input: { ...change, previewToken: preview.data.previewToken } }),
    ]);
    expect([deactivated.ok, changed.ok].filter(Boolean)).toHaveLength(1);
    expect((deactivated.ok ? changed : deactivated) as Failure).toMatchObject({ code: 'INVALID_STATE' });
    // Whatever won, no rule points to the partner outside its active days.
    const partner = await partnerRow(id);
    const rules = await db().routingRule.findMany({ where: { partnerId: id } });
    for (const rule of rules) {
      expect(rule.validFrom >= partner.activeFrom).toBe(true);
      if (partner.activeTo) expect(rule.validTo !== null && rule.validTo <= partner.activeTo).toBe(true);
    }
  });
});
