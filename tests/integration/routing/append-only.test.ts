/**
 * The database keeps every routing rule that ever decided a referral (migration
 * 20261126010000_partners_and_rule_history): the trigger "RoutingRule_append_only" refuses deleting a rule
 * and every update except ending it earlier with the next version; the check constraint
 * "ReferralTrack_routing_consistent" (migration 20261126040956_referral_tracks_and_encryption) keeps each
 * track's rule and its routing reason in step. Exercised with plain
 * SQL, as any client (a script, psql) would send it, so the application's own care plays no part.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import type { RoutingRule } from '@/lib/generated/prisma/client';
import { consentedSubmission } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { fileReferral } from '../support/referrals';
import { createActor, freshWorld, municipalityId, partnerId } from '../support/world';

const RESTRICT_VIOLATION = '23001';
const CHECK_VIOLATION = '23514';
const NEVER_DELETED = 'routing rules are never deleted';
const ONLY_EARLIER = 'a routing rule may only end earlier, with the next version';

beforeEach(freshWorld);

/** One statement on a connection of its own, as psql would send it. */
function sql<T extends Record<string, unknown> = Record<string, unknown>>(statement: string, values: unknown[] = []) {
  return queryAt<T>(testDatabaseUrl(), statement, values);
}

/** What a refused statement said: the SQLSTATE and the message (or 'done' when it was accepted). */
async function outcome(statement: string, values: unknown[] = []) {
  try {
    await sql(statement, values);
    return 'done';
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  }
}

async function sehndeFemaleRule(): Promise<RoutingRule> {
  return db().routingRule.findFirstOrThrow({
    where: { track: 'VICTIM', gender: 'FEMALE', municipalityId: await municipalityId('Sehnde') },
  });
}

const refusedUpdate = { code: RESTRICT_VIOLATION, message: ONLY_EARLIER };

describe('trigger RoutingRule_append_only', () => {
  it('refuses deleting a rule, by SQL and through Prisma', async () => {
    const rule = await sehndeFemaleRule();
    expect(await outcome(`DELETE FROM "RoutingRule" WHERE id = $1`, [rule.id])).toEqual({
      code: RESTRICT_VIOLATION,
      message: NEVER_DELETED,
    });
    await expect(db().routingRule.delete({ where: { id: rule.id } })).rejects.toThrow();
    await expect(db().routingRule.deleteMany({ where: { municipalityId: rule.municipalityId } })).rejects.toThrow();
    expect(await db().routingRule.findUnique({ where: { id: rule.id } })).toEqual(rule);
  });

  it('refuses changing what a rule decides: partner, key or first day, even with the next version', async () => {
    const rule = await sehndeFemaleRule();
    const next = rule.version + 1;
    const changes: [string, unknown][] = [
      [`"partnerId" = $2`, await partnerId('BISS-LHH')],
      [`"municipalityId" = $2`, await municipalityId('Lehrte')],
      [`gender = $2`, 'DIVERSE'],
      [`track = $2`, 'PERPETRATOR'],
      [`"validFrom" = $2`, new Date('2024-02-01T00:00:00+01:00')],
    ];
    for (const [assignment, value] of changes) {
      expect(
        await outcome(`UPDATE "RoutingRule" SET ${assignment}, version = $3 WHERE id = $1`, [rule.id, value, next]),
        assignment,
      ).toEqual(refusedUpdate);
    }
    expect(await db().routingRule.findUnique({ where: { id: rule.id } })).toEqual(rule);
  });

  it('refuses an end without the next version: the same version, a skipped one, or none at all', async () => {
    const rule = await sehndeFemaleRule();
    const end = new Date('2030-01-01T00:00:00+01:00');
    for (const version of [rule.version, rule.version + 2, rule.version - 1]) {
      expect(
        await outcome(`UPDATE "RoutingRule" SET "validTo" = $2, version = $3 WHERE id = $1`, [rule.id, end, version]),
        `version ${version}`,
      ).toEqual(refusedUpdate);
    }
    // What the older tests and scripts did: an end through Prisma that leaves the version alone.
    await expect(db().routingRule.update({ where: { id: rule.id }, data: { validTo: end } })).rejects.toThrow();
    expect(await db().routingRule.findUnique({ where: { id: rule.id } })).toEqual(rule);
  });

  it('allows ending a rule earlier with the next version', async () => {
    const rule = await sehndeFemaleRule();
    const end = new Date('2030-01-01T00:00:00+01:00');
    expect(
      await outcome(`UPDATE "RoutingRule" SET "validTo" = $2, version = version + 1 WHERE id = $1`, [rule.id, end]),
    ).toBe('done');
    expect(await db().routingRule.findUniqueOrThrow({ where: { id: rule.id } })).toMatchObject({
      validTo: end,
      version: rule.version + 1,
      partnerId: rule.partnerId,
      validFrom: rule.validFrom,
    });

    // Earlier again, through Prisma as the service does it.
    const earlier = new Date('2029-06-01T00:00:00+02:00');
    await db().routingRule.update({ where: { id: rule.id }, data: { validTo: earlier, version: rule.version + 2 } });
    // A rule in force since 2024 may have routed referrals: it is never withdrawn (made empty).
    expect(
      await outcome(`UPDATE "RoutingRule" SET "validTo" = "validFrom", version = version + 1 WHERE id = $1`, [rule.id]),
    ).toMatchObject({ code: RESTRICT_VIOLATION, message: ONLY_EARLIER });
  });

  it('withdraws only a rule not yet in force (CANCELLED in the service), and never changes the history', async () => {
    const current = await sehndeFemaleRule();
    const switchAt = new Date('2030-01-01T00:00:00+01:00');
    await db().routingRule.update({
      where: { id: current.id },
      data: { validTo: switchAt, version: current.version + 1 },
    });
    const scheduled = await db().routingRule.create({
      data: {
        track: current.track,
        gender: current.gender,
        municipalityId: current.municipalityId,
        partnerId: await partnerId('BISS-LHH'),
        validFrom: switchAt,
      },
    });
    expect(
      await outcome(`UPDATE "RoutingRule" SET "validTo" = "validFrom", version = version + 1 WHERE id = $1`, [
        scheduled.id,
      ]),
    ).toBe('done');

    const [entry] = await sql<{ id: string }>(`SELECT id FROM "RoutingRuleChange" LIMIT 1`);
    for (const statement of [
      `UPDATE "RoutingRuleChange" SET reason = 'umgeschrieben' WHERE id = $1`,
      `DELETE FROM "RoutingRuleChange" WHERE id = $1`,
    ]) {
      expect(await outcome(statement, [entry!.id])).toMatchObject({
        code: RESTRICT_VIOLATION,
        message: 'the history of routing rules is never changed',
      });
    }
  });

  it('refuses extending a rule, reopening it (validTo NULL) or ending it before it starts', async () => {
    const rule = await sehndeFemaleRule();
    const end = new Date('2030-01-01T00:00:00+01:00');
    await db().routingRule.update({ where: { id: rule.id }, data: { validTo: end, version: rule.version + 1 } });
    const next = rule.version + 2;
    const attempts: [string, Date | null][] = [
      ['later', new Date('2031-01-01T00:00:00+01:00')],
      ['the same end', end],
      ['open again', null],
      ['before its first day', new Date(rule.validFrom.getTime() - 86_400_000)],
    ];
    for (const [label, validTo] of attempts) {
      expect(
        await outcome(`UPDATE "RoutingRule" SET "validTo" = $2, version = $3 WHERE id = $1`, [rule.id, validTo, next]),
        label,
      ).toEqual(refusedUpdate);
    }
    expect(await db().routingRule.findUniqueOrThrow({ where: { id: rule.id } })).toMatchObject({
      validTo: end,
      version: rule.version + 1,
    });
  });

  it('refuses setting an open-ended rule’s end to NULL, which would only bump its version', async () => {
    const rule = await sehndeFemaleRule();
    expect(rule.validTo).toBeNull();
    expect(
      await outcome(`UPDATE "RoutingRule" SET "validTo" = NULL, version = version + 1 WHERE id = $1`, [rule.id]),
    ).toEqual(refusedUpdate);
    expect((await db().routingRule.findUniqueOrThrow({ where: { id: rule.id } })).version).toBe(rule.version);
  });
});

describe('check constraint ReferralTrack_routing_consistent', () => {
  /** The victim track of a referral the rules routed (a man in Garbsen: the Männerbüro). */
  async function routedTrack() {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(
      officer,
      consentedSubmission(await municipalityId('Garbsen'), { gender: 'MALE' }),
    );
    return db().referralTrack.findUniqueOrThrow({ where: { referralId_track: { referralId, track: 'VICTIM' } } });
  }

  it('refuses a rule without its version, an override with a rule, and an override without its reason', async () => {
    const track = await routedTrack();
    expect(track).toMatchObject({ routingReason: 'RULE', overrideReason: null, routingRuleVersion: 1 });
    const refused = [
      `"routingRuleVersion" = NULL`,
      `"routingRuleId" = NULL`,
      `"overrideReason" = 'PERSON_WISH'`,
      `"routingReason" = 'OVERRIDE'`,
      `"routingReason" = 'OVERRIDE', "overrideReason" = 'PERSON_WISH'`,
      `"routingReason" = 'OVERRIDE', "routingRuleId" = NULL, "routingRuleVersion" = NULL`,
    ];
    for (const assignment of refused) {
      const result = await outcome(`UPDATE "ReferralTrack" SET ${assignment} WHERE id = $1`, [track.id]);
      expect(result, assignment).toMatchObject({
        code: CHECK_VIOLATION,
        message: expect.stringContaining('ReferralTrack_routing_consistent'),
      });
    }
    expect(await db().referralTrack.findUniqueOrThrow({ where: { id: track.id } })).toEqual(track);
  });

  it('accepts an override that names its reason and no rule', async () => {
    const track = await routedTrack();
    expect(
      await outcome(
        `UPDATE "ReferralTrack" SET "routingReason" = 'OVERRIDE', "overrideReason" = 'PERSON_WISH',
                "routingRuleId" = NULL, "routingRuleVersion" = NULL WHERE id = $1`,
        [track.id],
      ),
    ).toBe('done');
  });
});
