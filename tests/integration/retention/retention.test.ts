/**
 * Retention by crypto-shredding (issue 14, DESIGN.md section 7, ADR 0013), with the clock moved forward:
 * exactly the referrals whose period ended are erased and become PURGED, each once, with its timeline entry
 * and its audit event; the erased data no longer opens anywhere; several runs at once and a run that breaks
 * off in the middle lose and repeat nothing; admins change the periods only within the legal maximum.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { resetEnvCache } from '@/lib/env';
import { acknowledgeDelivery } from '@/lib/inbox/service';
import { ownReferral } from '@/lib/referrals/queries';
import { listDueReferrals, retentionPolicy } from '@/lib/retention/queries';
import { runRetention, updateRetentionPolicy } from '@/lib/retention/service';
import { approveReferral, returnReferral } from '@/lib/review/service';
import { completeSubmission } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { openStoredReferral } from '../support/referrals';
import { fileIn, withdrawalBy } from '../support/review';
import { createActor, freshWorld } from '../support/world';

const DAY = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY);

let officer: Actor;
let supervisor: Actor;
let admin: Actor;

beforeEach(async () => {
  await freshWorld();
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
  admin = await createActor('ADMIN');
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function approved(form = {}): Promise<string> {
  const referralId = await fileIn(officer, 'Garbsen', form);
  expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  return referralId;
}

async function delivered(...form: Parameters<typeof fileIn>[3][]): Promise<string> {
  const referralId = await fileIn(officer, 'Garbsen', {}, ...form);
  expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  expect(await dispatchReferral(referralId)).toBe('DISPATCHED');
  return referralId;
}

async function acknowledge(referralId: string, track: 'VICTIM' | 'PERPETRATOR', partnerCode: string) {
  const { id: trackId } = await db().referralTrack.findUniqueOrThrow({
    where: { referralId_track: { referralId, track } },
    select: { id: true },
  });
  const caseworker = await createActor('PARTNER', { partnerCode });
  expect(await acknowledgeDelivery({ actor: caseworker, input: { trackId } })).toMatchObject({ ok: true });
}

const statusOf = async (id: string) =>
  (await db().referral.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

const purgedEvents = () =>
  db().auditEvent.findMany({ where: { action: 'REFERRAL_PURGED' }, select: { entityId: true, details: true } });

describe('the retention job', () => {
  it('erases exactly the referrals whose period ended, each once, with its timeline entry and audit event', async () => {
    const acknowledged = await delivered();
    await acknowledge(acknowledged, 'VICTIM', 'BISS-REGION');
    const submitted = await fileIn(officer);
    const returned = await fileIn(officer);
    expect(
      await returnReferral({
        actor: supervisor,
        input: { referralId: returned, version: 1, comment: 'Bitte die Telefonnummer prüfen.' },
      }),
    ).toMatchObject({ ok: true });
    const notDispatched = await approved();
    const neverAcknowledged = await delivered();
    // Two deliveries: the victim's acknowledged, the perpetrator's still waiting → the longer period.
    const halfAcknowledged = await delivered(completeSubmission);
    await acknowledge(halfAcknowledged, 'VICTIM', 'BISS-REGION');
    const withdrawn = await fileIn(officer);
    expect(await withdrawalBy(supervisor, withdrawn)).toMatchObject({ ok: true });

    // 29 days on: nothing is due yet.
    expect(await listDueReferrals({ now: later(29) })).toEqual({ total: 0, referrals: [] });
    expect(await runRetention({ now: later(29), trigger: 'COMMAND' })).toMatchObject({ purged: 0 });

    // 31 days on: only the acknowledged referral (30 days after its acknowledgement).
    const due31 = await listDueReferrals({ now: later(31) });
    expect(due31).toMatchObject({ total: 1, referrals: [{ id: acknowledged, rule: 'AFTER_ACKNOWLEDGEMENT' }] });
    expect(await statusOf(acknowledged)).toBe('ACKNOWLEDGED'); // a dry run changes nothing
    expect(await runRetention({ now: later(31), trigger: 'SCHEDULE' })).toMatchObject({ purged: 1 });
    expect(await runRetention({ now: later(31), trigger: 'SCHEDULE' })).toMatchObject({ purged: 0 });
    expect(await statusOf(acknowledged)).toBe('PURGED');
    expect(await statusOf(submitted)).toBe('SUBMITTED');

    // 91 days on: everything filed without an acknowledgement; the withdrawn one was erased long ago.
    const due91 = await listDueReferrals({ now: later(91) });
    expect(due91.referrals.map((r) => r.id).sort()).toEqual(
      [submitted, returned, notDispatched, neverAcknowledged, halfAcknowledged].sort(),
    );
    expect(new Set(due91.referrals.map((r) => r.rule))).toEqual(new Set(['WITHOUT_ACKNOWLEDGEMENT']));
    expect(await runRetention({ now: later(91), trigger: 'SCHEDULE' })).toMatchObject({ purged: 5 });
    expect(await runRetention({ now: later(400), trigger: 'SCHEDULE' })).toMatchObject({ purged: 0 });

    const purgedIds = [acknowledged, submitted, returned, notDispatched, neverAcknowledged, halfAcknowledged];
    for (const id of purgedIds) {
      expect(await statusOf(id)).toBe('PURGED');
      const row = await db().referral.findUniqueOrThrow({
        where: { id },
        select: {
          dataKey: true,
          details: true,
          caseNumberIndex: true,
          tracks: { select: { status: true, person: true } },
          events: { select: { step: true, actorId: true, comment: true } },
        },
      });
      expect(row).toMatchObject({ dataKey: null, details: null, caseNumberIndex: null });
      expect(row.tracks.every((t) => t.status === 'PURGED' && t.person === null)).toBe(true);
      expect(row.events.every((e) => e.comment === null)).toBe(true);
      expect(row.events.filter((e) => e.step === 'PURGED')).toEqual([{ step: 'PURGED', actorId: null, comment: null }]);
      // Through the app: the officer's own view has nothing personal left to show.
      expect((await ownReferral({ actor: officer, id }))?.draft ?? null).toBeNull();
      expect(await openStoredReferral(id)).toMatchObject({ details: null, victim: null });
    }
    expect(await statusOf(withdrawn)).toBe('WITHDRAWN');
    // One audit event per erasure, naming the rule and the period.
    const events = await purgedEvents();
    expect(events.map((e) => e.entityId).sort()).toEqual([...purgedIds].sort());
    expect(events.find((e) => e.entityId === acknowledged)?.details).toMatchObject({
      step: 'PURGED',
      toStatus: 'PURGED',
      rule: 'AFTER_ACKNOWLEDGEMENT',
      days: 30,
    });
    expect(events.find((e) => e.entityId === returned)?.details).toMatchObject({
      fromStatus: 'RETURNED',
      rule: 'WITHOUT_ACKNOWLEDGEMENT',
      days: 90,
    });
    // Every run is recorded for the admins' page, started and finished.
    const runs = await db().retentionRun.findMany({ orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => [r.trigger, r.purged, r.finishedAt !== null])).toEqual([
      ['COMMAND', 0, true],
      ['SCHEDULE', 1, true],
      ['SCHEDULE', 0, true],
      ['SCHEDULE', 5, true],
      ['SCHEDULE', 0, true],
    ]);
  });

  /** Referrals filed `daysAgo` days ago and never reviewed: due under the 90-day rule now. */
  async function overdueReferrals(count: number, daysAgo = 100): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push(await fileIn(officer));
    await db().$executeRaw`
      UPDATE "Referral" SET "submittedAt" = "submittedAt" - make_interval(days => ${daysAgo}::int)
       WHERE id = ANY(${ids}::uuid[])`;
    return ids;
  }

  it('shares the work between runs at once: every referral is erased exactly once', async () => {
    const ids = await overdueReferrals(12);
    const runs = await Promise.all([
      runRetention({ trigger: 'SCHEDULE', batchSize: 2 }),
      runRetention({ trigger: 'COMMAND', batchSize: 3 }),
      runRetention({ trigger: 'SCHEDULE', batchSize: 5 }),
    ]);
    expect(runs.reduce((sum, run) => sum + run.purged, 0)).toBe(12);
    const events = await purgedEvents();
    expect(events.map((e) => e.entityId).sort()).toEqual([...ids].sort());
    const steps = await db().referralEvent.count({ where: { step: 'PURGED' } });
    expect(steps).toBe(12);
  });

  it('loses and repeats nothing when a run breaks off in the middle', async () => {
    const ids = await overdueReferrals(9);
    // The database refuses the erasure of one referral (a crash at that point): its batch rolls back.
    const victimOfTheCrash = (await listDueReferrals()).referrals[4]!.id;
    const owner = testDatabaseUrl();
    await queryAt(
      owner,
      `CREATE FUNCTION crash_here() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.status = 'PURGED' AND NEW.id = '${victimOfTheCrash}' THEN RAISE EXCEPTION 'crash'; END IF;
             RETURN NEW; END $$`,
    );
    await queryAt(
      owner,
      `CREATE TRIGGER crash_here BEFORE UPDATE ON "Referral" FOR EACH ROW EXECUTE FUNCTION crash_here()`,
    );
    await expect(runRetention({ trigger: 'SCHEDULE', batchSize: 3 })).rejects.toThrow();
    // The first batch (3) is done and stays done; the broken batch left nothing half-erased.
    const afterCrash = await purgedEvents();
    expect(afterCrash).toHaveLength(3);
    const half = await db().referral.findMany({
      where: { id: { in: ids }, status: { not: 'PURGED' } },
      select: { dataKey: true, details: true, tracks: { select: { person: true } } },
    });
    expect(half).toHaveLength(6);
    expect(half.every((r) => r.dataKey && r.details && r.tracks.every((t) => t.person))).toBe(true);
    const broken = await db().retentionRun.findFirstOrThrow({ where: { finishedAt: null } });
    expect(broken.purged).toBe(3);

    await queryAt(owner, 'DROP TRIGGER crash_here ON "Referral"');
    expect(await runRetention({ trigger: 'SCHEDULE', batchSize: 3 })).toMatchObject({ purged: 6 });
    const events = await purgedEvents();
    expect(events.map((e) => e.entityId).sort()).toEqual([...ids].sort());
  });
});

describe('the retention periods', () => {
  it('are changed by an admin within the legal maximum, audited, never over a change made meanwhile', async () => {
    vi.stubEnv('RETENTION_MAX_DAYS', '120');
    resetEnvCache();
    const seen = await retentionPolicy();
    expect(seen).toMatchObject({ afterAcknowledgementDays: 30, withoutAcknowledgementDays: 90 });
    const input = (after: number, without: number, changedAt = seen.changedAt) => ({
      afterAcknowledgementDays: after,
      withoutAcknowledgementDays: without,
      seenChangedAt: changedAt.toISOString(),
    });
    expect(await updateRetentionPolicy({ actor: admin, input: input(14, 121) })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });
    expect(await updateRetentionPolicy({ actor: admin, input: input(14, 60) })).toMatchObject({ ok: true });
    // Another admin's form, opened before that change, does not overwrite it.
    expect(await updateRetentionPolicy({ actor: admin, input: input(20, 60) })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    expect(await retentionPolicy()).toMatchObject({ afterAcknowledgementDays: 14, withoutAcknowledgementDays: 60 });
    const events = await db().auditEvent.findMany({ where: { action: 'RETENTION_POLICY_CHANGED' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      details: {
        afterAcknowledgementDaysBefore: 30,
        afterAcknowledgementDays: 14,
        withoutAcknowledgementDaysBefore: 90,
        withoutAcknowledgementDays: 60,
      },
    });

    // The next run erases by the new period: a referral acknowledged 15 days ago is due now.
    const referralId = await delivered();
    await acknowledge(referralId, 'VICTIM', 'BISS-REGION');
    expect((await listDueReferrals({ now: later(13) })).total).toBe(0);
    expect((await listDueReferrals({ now: later(15) })).referrals).toMatchObject([{ id: referralId }]);
  });
});
