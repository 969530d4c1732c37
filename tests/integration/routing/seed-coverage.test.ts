/**
 * The seeded responsibilities (DESIGN.md section 5, issue 9): a fresh database routes every (track, gender,
 * municipality) to exactly one active partner, the one the cooperation agreements name, on every day of
 * the next year; seeding again changes nothing; every seeded rule has its first history entry.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { defaultPartnerCode, seedReferenceData } from '@/prisma/factories';

import { freshWorld } from '../support/world';

beforeEach(freshWorld);

const DAYS_AHEAD = 365;

const validAt = (span: { from: Date; to: Date | null }, at: Date) =>
  span.from.getTime() <= at.getTime() && (span.to === null || at.getTime() < span.to.getTime());

describe('seeded routing rules', () => {
  it('give every key exactly one rule of an active partner, the agreed one, on each of the next 365 days', async () => {
    const [municipalities, partners, rules] = await Promise.all([
      db().municipality.findMany({ select: { id: true, name: true } }),
      db().partner.findMany({ select: { id: true, code: true, activeFrom: true, activeTo: true } }),
      db().routingRule.findMany({
        select: { track: true, gender: true, municipalityId: true, partnerId: true, validFrom: true, validTo: true },
      }),
    ]);
    expect(municipalities).toHaveLength(21);
    const partnerById = new Map(partners.map((p) => [p.id, p]));
    const today = berlinDateOf(new Date());
    const days = Array.from({ length: DAYS_AHEAD + 1 }, (_, i) => berlinDayStart(addDays(today, i)));

    const problems: string[] = [];
    let checkedKeys = 0;
    for (const track of TRACKS) {
      for (const gender of RULE_GENDERS) {
        for (const municipality of municipalities) {
          checkedKeys += 1;
          const ofKey = rules.filter(
            (r) => r.track === track && r.gender === gender && r.municipalityId === municipality.id,
          );
          const expectedCode = defaultPartnerCode(track, gender, municipality.name);
          for (const at of days) {
            const applying = ofKey.filter((r) => {
              const partner = partnerById.get(r.partnerId);
              return (
                validAt({ from: r.validFrom, to: r.validTo }, at) &&
                partner !== undefined &&
                validAt({ from: partner.activeFrom, to: partner.activeTo }, at)
              );
            });
            const codes = applying.map((r) => partnerById.get(r.partnerId)!.code);
            if (codes.length !== 1 || codes[0] !== expectedCode) {
              problems.push(
                `${track}/${gender}/${municipality.name} on ${berlinDateOf(at)}: ${codes.join(',') || 'none'}`,
              );
              break; // one line per key is enough to read
            }
          }
        }
      }
    }
    expect(checkedKeys).toBe(2 * 3 * 21);
    expect(problems).toEqual([]);
  });

  it('routes the city of Hannover and the region as the agreements say', async () => {
    // A spot check of defaultPartnerCode itself, so the comparison above cannot pass with a wrong mapping.
    expect(
      TRACKS.flatMap((track) =>
        RULE_GENDERS.map((gender) => [
          track,
          gender,
          defaultPartnerCode(track, gender, 'Hannover'),
          defaultPartnerCode(track, gender, 'Garbsen'),
        ]),
      ),
    ).toEqual([
      ['VICTIM', 'FEMALE', 'BISS-LHH', 'BISS-REGION'],
      ['VICTIM', 'MALE', 'MB-H', 'MB-H'],
      ['VICTIM', 'DIVERSE', 'BISS-LHH', 'BISS-REGION'],
      ['PERPETRATOR', 'FEMALE', 'BTZ-TAEBEA', 'BTZ-TAEBEA'],
      ['PERPETRATOR', 'MALE', 'MB-H', 'GRUPPE'],
      ['PERPETRATOR', 'DIVERSE', 'BTZ-TAEBEA', 'BTZ-TAEBEA'],
    ]);
    expect(await db().municipality.count({ where: { name: { in: ['Hannover', 'Garbsen'] } } })).toBe(2);
  });

  it('gives every seeded rule exactly one history entry: CREATED, version 1, by no one', async () => {
    const rules = await db().routingRule.findMany({
      select: { id: true, version: true, validFrom: true, validTo: true, changes: true },
    });
    expect(rules).toHaveLength(2 * 3 * 21);
    for (const rule of rules) {
      expect(rule.version).toBe(1);
      expect(rule.validTo).toBeNull();
      expect(rule.changes).toHaveLength(1);
      expect(rule.changes[0]).toMatchObject({
        kind: 'CREATED',
        version: 1,
        actorId: null,
        validFrom: rule.validFrom,
        validTo: null,
        validToBefore: null,
        reason: null,
      });
    }
    expect(await db().routingRuleChange.count()).toBe(rules.length);
    // One seed run is one change set.
    expect(new Set(rules.map((r) => r.changes[0]!.changeSetId)).size).toBe(1);
  });

  it('creates no rule and no history entry when seeding again', async () => {
    const snapshot = async () => ({
      rules: await db().routingRule.findMany({ orderBy: { id: 'asc' } }),
      changes: await db().routingRuleChange.findMany({ orderBy: { id: 'asc' } }),
      partners: await db().partner.findMany({ orderBy: { id: 'asc' } }),
    });
    const before = await snapshot();
    await seedReferenceData(db());
    expect(await snapshot()).toEqual(before);
  });

  it('adds rules only for keys without any, and leaves a key an admin changed alone', async () => {
    // An admin's change of a key (the old rule ends, another partner's starts) survives a new seed run.
    const sehnde = await db().municipality.findUniqueOrThrow({ where: { name: 'Sehnde' }, select: { id: true } });
    const key = { track: 'VICTIM' as const, gender: 'MALE' as const, municipalityId: sehnde.id };
    const rule = await db().routingRule.findFirstOrThrow({ where: key, select: { id: true, version: true } });
    const other = await db().partner.findUniqueOrThrow({ where: { code: 'BISS-REGION' }, select: { id: true } });
    const switchAt = berlinDayStart(addDays(berlinDateOf(new Date()), 10));
    await db().routingRule.update({ where: { id: rule.id }, data: { validTo: switchAt, version: rule.version + 1 } });
    await db().routingRule.create({ data: { ...key, partnerId: other.id, validFrom: switchAt } });
    const keyBefore = await db().routingRule.findMany({ where: key, orderBy: { validFrom: 'asc' } });
    // A municipality the seed has not seen yet has no rules at all.
    const added = await db().municipality.create({
      data: { name: 'Testdorf', kind: 'Gemeinde' },
      select: { id: true },
    });
    const rulesBefore = await db().routingRule.count();
    const changesBefore = await db().routingRuleChange.count();

    await seedReferenceData(db());

    expect(await db().routingRule.findMany({ where: key, orderBy: { validFrom: 'asc' } })).toEqual(keyBefore);
    const newRules = await db().routingRule.findMany({
      where: { municipalityId: added.id },
      select: { track: true, gender: true, partner: { select: { code: true } }, changes: { select: { kind: true } } },
    });
    expect(newRules).toHaveLength(2 * 3);
    for (const r of newRules) {
      expect(r.partner.code).toBe(defaultPartnerCode(r.track, r.gender as (typeof RULE_GENDERS)[number], 'Testdorf'));
      expect(r.changes).toEqual([{ kind: 'CREATED' }]);
    }
    expect(await db().routingRule.count()).toBe(rulesBefore + 6);
    expect(await db().routingRuleChange.count()).toBe(changesBefore + 6);
  });
});
