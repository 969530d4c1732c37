/**
 * Coverage (issue 9, DESIGN.md section 5): the admin sees every (track, gender, municipality) that has no
 * responsible active partner today or within the next 30 days, and every active partner no rule points to.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { coverageReport } from '@/lib/routing/queries';
import { changeResponsibility, previewResponsibilityChange } from '@/lib/routing/service';
import { COVERAGE_DAYS } from '@/lib/routing/values';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { DEFAULT_RULES_VALID_FROM } from '@/prisma/factories';

import { createActor, freshWorld, municipalityId, partnerId } from '../support/world';

beforeEach(freshWorld);

/** A Berlin calendar day relative to today. */
const day = (offset: number) => addDays(berlinDateOf(new Date()), offset);

async function addPartner(code: string, activeFrom: Date = DEFAULT_RULES_VALID_FROM) {
  return db().partner.create({
    data: {
      code,
      name: `Beratungsstelle ${code}`,
      kind: 'VICTIM_SUPPORT',
      tracks: ['VICTIM'],
      genders: ['FEMALE', 'DIVERSE'],
      phone: '0511 000000',
      address: 'Teststraße 1, 30159 Hannover',
      notificationEmail: `${code.toLowerCase()}@partner.example`,
      activeFrom,
      languages: ['de'],
      description: 'Test',
    },
    select: { id: true, name: true },
  });
}

describe('coverageReport', () => {
  it('finds the seeded responsibilities complete: no gap, no partner without rules', async () => {
    // 21 municipalities × 3 genders × 2 tracks, every key with one open-ended rule.
    expect(await db().routingRule.count({ where: { validTo: null } })).toBe(126);
    expect(await coverageReport()).toEqual({ gaps: [], partnersWithoutRules: [] });
  });

  it('stays complete across a scheduled change of responsibility', async () => {
    const admin = await createActor('ADMIN');
    const other = await addPartner('FRAUEN-OST');
    const input = {
      municipalityIds: [await municipalityId('Sehnde')],
      track: 'VICTIM' as const,
      genders: ['FEMALE' as const, 'DIVERSE' as const],
      partnerId: other.id,
      firstDay: day(10),
    };
    const preview = await previewResponsibilityChange({ actor: admin, input });
    if (!preview.ok) throw new Error('preview refused');
    expect(
      await changeResponsibility({ actor: admin, input: { ...input, previewToken: preview.data.previewToken } }),
    ).toMatchObject({ ok: true });
    expect(await coverageReport()).toEqual({ gaps: [], partnersWithoutRules: [] });
  });

  it('lists every key whose partner ends within the window, from its first uncovered day, with the place', async () => {
    // Set behind the application's back: the partner administration would refuse it (rules point to it).
    const end = berlinDayStart(day(10));
    await db().$executeRaw`UPDATE "Partner" SET "activeTo" = ${end} WHERE code = 'BISS-REGION'`;

    const { gaps, partnersWithoutRules } = await coverageReport();
    // Women and diverse persons in the 20 municipalities outside the city, victim track.
    expect(gaps).toHaveLength(40);
    expect(partnersWithoutRules).toEqual([]);
    const sehnde = await municipalityId('Sehnde');
    expect(gaps).toContainEqual({
      track: 'VICTIM',
      gender: 'FEMALE',
      municipalityId: sehnde,
      municipalityName: 'Sehnde',
      firstDay: day(10),
      // Days 10 to 30 of the window (today is day 0).
      uncoveredDays: COVERAGE_DAYS - 10 + 1,
    });
    expect(new Set(gaps.map((g) => `${g.track}|${g.gender}`))).toEqual(new Set(['VICTIM|FEMALE', 'VICTIM|DIVERSE']));
    expect(gaps.map((g) => g.municipalityName)).not.toContain('Hannover');
    expect(gaps.every((g) => g.municipalityName !== '' && g.firstDay === day(10))).toBe(true);
  });

  it('lists a key without a partner today when its partner was deactivated in the past', async () => {
    await db().$executeRaw`UPDATE "Partner" SET "activeTo" = ${berlinDayStart(day(-1))} WHERE code = 'GRUPPE'`;
    const { gaps } = await coverageReport();
    // Men outside the city, perpetrator track.
    expect(gaps).toHaveLength(20);
    expect(gaps).toContainEqual({
      track: 'PERPETRATOR',
      gender: 'MALE',
      municipalityId: await municipalityId('Wunstorf'),
      municipalityName: 'Wunstorf',
      firstDay: day(0),
      uncoveredDays: COVERAGE_DAYS + 1,
    });
  });

  it('ignores a partner that ends only after the window', async () => {
    await db()
      .$executeRaw`UPDATE "Partner" SET "activeTo" = ${berlinDayStart(day(COVERAGE_DAYS + 1))} WHERE code = 'MB-H'`;
    expect((await coverageReport()).gaps).toEqual([]);
    await db().$executeRaw`UPDATE "Partner" SET "activeTo" = ${berlinDayStart(day(COVERAGE_DAYS))} WHERE code = 'MB-H'`;
    const { gaps } = await coverageReport();
    // Men in all 21 municipalities (victim track) and in the city (perpetrator track), on the window's last day.
    expect(gaps).toHaveLength(22);
    expect(gaps.every((g) => g.firstDay === day(COVERAGE_DAYS) && g.uncoveredDays === 1)).toBe(true);
  });

  it('lists a place that has no rule at all', async () => {
    const neudorf = await db().municipality.create({ data: { name: 'Neudorf', kind: 'Gemeinde' } });
    const { gaps } = await coverageReport();
    expect(gaps).toHaveLength(6);
    expect(gaps.every((g) => g.municipalityId === neudorf.id && g.municipalityName === 'Neudorf')).toBe(true);
    expect(gaps.every((g) => g.firstDay === day(0) && g.uncoveredDays === COVERAGE_DAYS + 1)).toBe(true);
  });

  it('lists an active partner without rules, but not one that starts later or has a scheduled rule', async () => {
    const idle = await addPartner('FRAUEN-OST');
    await addPartner('SPAETER', berlinDayStart(day(5)));
    const scheduled = await addPartner('GEPLANT');
    const admin = await createActor('ADMIN');
    const input = {
      municipalityIds: [await municipalityId('Lehrte')],
      track: 'VICTIM' as const,
      genders: ['DIVERSE' as const],
      partnerId: scheduled.id,
      firstDay: day(20),
    };
    const preview = await previewResponsibilityChange({ actor: admin, input });
    if (!preview.ok) throw new Error('preview refused');
    await changeResponsibility({ actor: admin, input: { ...input, previewToken: preview.data.previewToken } });

    expect(await coverageReport()).toEqual({ gaps: [], partnersWithoutRules: [{ id: idle.id, name: idle.name }] });
  });

  it('lists a partner whose only rule was cancelled, or ended in the past', async () => {
    const admin = await createActor('ADMIN');
    const [withdrawn, former] = [await addPartner('FRAUEN-OST'), await addPartner('FRAUEN-WEST')];
    const region = await partnerId('BISS-REGION');
    const move = async (municipality: string, partner: string, firstDay: string) => {
      const input = {
        municipalityIds: [await municipalityId(municipality)],
        track: 'VICTIM' as const,
        genders: ['FEMALE' as const],
        partnerId: partner,
        firstDay,
        reason: 'Nachtrag',
      };
      const preview = await previewResponsibilityChange({ actor: admin, input });
      if (!preview.ok) throw new Error('preview refused');
      const saved = await changeResponsibility({
        actor: admin,
        input: { ...input, previewToken: preview.data.previewToken },
      });
      if (!saved.ok) throw new Error(`not saved: ${saved.message}`);
    };
    await move('Lehrte', withdrawn.id, day(5));
    await move('Sehnde', former.id, day(-10));
    expect((await coverageReport()).partnersWithoutRules).toEqual([]);

    // Scheduled, then withdrawn on the same first day: the cancelled rule points nowhere.
    await move('Lehrte', region, day(5));
    // Responsible from ten to five days ago, then no longer.
    await move('Sehnde', region, day(-5));
    const { gaps, partnersWithoutRules } = await coverageReport();
    expect(gaps).toEqual([]);
    expect(partnersWithoutRules).toHaveLength(2);
    expect(partnersWithoutRules).toEqual(
      expect.arrayContaining([
        { id: withdrawn.id, name: withdrawn.name },
        { id: former.id, name: former.name },
      ]),
    );
  });
});
