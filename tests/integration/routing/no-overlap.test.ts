/**
 * For one key (track, gender, municipality) at most one routing rule is valid at any instant, and the
 * database itself enforces it (an exclusion constraint), so that two admins saving at the same moment cannot
 * both create an overlap (issue 9).
 */
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import type { RoutingRule } from '@/lib/generated/prisma/client';

import { testDatabaseUrl } from '../helpers/db';
import { freshWorld, municipalityId, partnerId } from '../support/world';

const EXCLUSION_VIOLATION = '23P01';

beforeEach(freshWorld);

async function seededRule() {
  return db().routingRule.findFirstOrThrow({
    where: { track: 'VICTIM', gender: 'FEMALE', municipalityId: await municipalityId('Sehnde'), validTo: null },
  });
}

function insertRule(
  client: pg.ClientBase,
  rule: { municipalityId: string; partnerId: string; from: string; to?: string },
) {
  return client.query(
    `INSERT INTO "RoutingRule" (id, track, gender, "municipalityId", "partnerId", "validFrom", "validTo")
     VALUES (gen_random_uuid(), 'VICTIM', 'FEMALE', $1, $2, $3, $4)`,
    [rule.municipalityId, rule.partnerId, rule.from, rule.to ?? null],
  );
}

describe('routing rules never overlap', () => {
  it('refuses a second rule for the same key and time, and accepts one that starts where the old one ends', async () => {
    const current = await seededRule();
    const other = await partnerId('BISS-LHH');
    await expect(
      db().routingRule.create({
        data: { ...keyOf(current), partnerId: other, validFrom: new Date('2030-01-01T00:00:00+01:00') },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('RoutingRule_no_overlap') });

    // A change of responsibility: the old rule ends, the new one starts at that very instant.
    const switchAt = new Date('2030-01-01T00:00:00+01:00');
    await db().$transaction([
      // Rules are append-only (trigger RoutingRule_append_only): ending one takes the next version.
      db().routingRule.update({ where: { id: current.id }, data: { validTo: switchAt, version: current.version + 1 } }),
      db().routingRule.create({ data: { ...keyOf(current), partnerId: other, validFrom: switchAt } }),
    ]);
    expect(await db().routingRule.count({ where: keyOf(current) })).toBe(2);
  });

  it('lets exactly one of two admins saving overlapping rules at the same moment succeed', async () => {
    const current = await seededRule();
    await db().routingRule.update({
      where: { id: current.id },
      data: { validTo: new Date('2030-01-01T00:00:00Z'), version: current.version + 1 },
    });
    const [first, second] = [new pg.Client(testDatabaseUrl()), new pg.Client(testDatabaseUrl())];
    await Promise.all([first.connect(), second.connect()]);
    try {
      await Promise.all([first.query('BEGIN'), second.query('BEGIN')]);
      const rule = { municipalityId: current.municipalityId, from: '2030-01-01T00:00:00Z' };
      await insertRule(first, { ...rule, partnerId: await partnerId('BISS-LHH') });
      // The second waits for the first transaction to decide, then sees the conflict.
      const racing = insertRule(second, { ...rule, partnerId: await partnerId('MB-H') }).then(
        () => 'saved',
        (error: { code?: string }) => error.code,
      );
      await first.query('COMMIT');
      expect(await racing).toBe(EXCLUSION_VIOLATION);
      await second.query('ROLLBACK');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    expect(
      await db().routingRule.count({ where: { ...keyOf(current), validFrom: new Date('2030-01-01T00:00:00Z') } }),
    ).toBe(1);
  });
});

function keyOf(rule: Pick<RoutingRule, 'track' | 'gender' | 'municipalityId'>) {
  return { track: rule.track, gender: rule.gender, municipalityId: rule.municipalityId };
}
