/**
 * Statistics (issue 14, ADR 0014): computed from the pseudonymous facts by the job the triggers feed, per
 * partner with "reached within 3 days", per month, municipality and gender, with times from the callout;
 * small cells suppressed so that no combination of filters reveals one; scoped for supervisors.
 */
import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { acknowledgeDelivery, recordContactAttempt } from '@/lib/inbox/service';
import { submitReferral } from '@/lib/referrals/service';
import { approveReferral } from '@/lib/review/service';
import { statisticsFor } from '@/lib/statistics/queries';
import { refreshStatistics } from '@/lib/statistics/refresh';
import { berlinDateOf, instantToBerlinLocal } from '@/lib/time/berlin';

import { parsed } from '../support/referrals';
import { fileIn } from '../support/review';
import { createActor, freshWorld, municipalityId, partnerId } from '../support/world';

let officer: Actor;
let supervisor: Actor;
let auditor: Actor;
const month = berlinDateOf(new Date(Date.now() - 3_600_000)).slice(0, 7);
const THIS_MONTH = { from: month, to: month };

beforeEach(async () => {
  await freshWorld();
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
  auditor = await createActor('AUDITOR');
});

/** Files, approves, delivers and acknowledges a referral; the victim's delivery id. */
async function acknowledged(place: string): Promise<{ referralId: string; trackId: string }> {
  const referralId = await fileIn(officer, place);
  expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  expect(await dispatchReferral(referralId)).toBe('DISPATCHED');
  const { id: trackId, partner } = await db().referralTrack.findUniqueOrThrow({
    where: { referralId_track: { referralId, track: 'VICTIM' } },
    select: { id: true, partner: { select: { code: true } } },
  });
  const caseworker = await createActor('PARTNER', { partnerCode: partner.code });
  expect(await acknowledgeDelivery({ actor: caseworker, input: { trackId } })).toMatchObject({ ok: true });
  return { referralId, trackId };
}

async function reach(trackId: string, partnerCode: string) {
  const caseworker = await createActor('PARTNER', { partnerCode });
  expect(
    await recordContactAttempt({
      actor: caseworker,
      input: { trackId, contactAt: instantToBerlinLocal(new Date()), channel: 'PHONE', reached: true },
    }),
  ).toMatchObject({ ok: true });
}

async function decline(place: string) {
  const result = await submitReferral({
    actor: officer,
    input: parsed({
      idempotencyKey: randomUUID(),
      incidentAt: instantToBerlinLocal(new Date(Date.now() - 3_600_000)),
      municipalityId: await municipalityId(place),
      gender: 'FEMALE',
      consent: 'no',
    }),
  });
  expect(result).toMatchObject({ ok: true });
}

describe('statistics', () => {
  it('counts what happened, suppresses small cells and leaves them out of every sum', async () => {
    // Garbsen: 10 referrals to the BISS, 5 of them acknowledged and reached today; 5 declined offers.
    const delivered = [];
    for (let i = 0; i < 5; i += 1) delivered.push(await acknowledged('Garbsen'));
    for (const { trackId } of delivered) await reach(trackId, 'BISS-REGION');
    for (let i = 0; i < 5; i += 1) await fileIn(officer, 'Garbsen');
    for (let i = 0; i < 5; i += 1) await decline('Garbsen');
    // Wennigsen: 3 referrals, a small cell.
    for (let i = 0; i < 3; i += 1) await fileIn(officer, 'Wennigsen (Deister)');

    // Nothing is shown before the job has run; the triggers marked this month.
    expect((await statisticsFor(auditor, THIS_MONTH)).totals.referrals).toEqual({ value: 0, hidden: 0 });
    expect(await db().statsDirtyMonth.count()).toBeGreaterThan(0);
    expect(await refreshStatistics()).toEqual({ months: 1 });
    expect(await db().statsDirtyMonth.count()).toBe(0);

    const all = await statisticsFor(auditor, THIS_MONTH);
    // The directorate's total leaves Wennigsen's 3 out (and says so): 10, not 13.
    expect(all.totals.referrals).toEqual({ value: 10, hidden: 1 });
    expect(all.totals.declined).toEqual({ value: 5, hidden: 0 });
    // Every partner is listed, whether it received anything or not; Wennigsen's 3 left no trace in them
    // (a suppressed population publishes nothing but its suppressed count).
    const biss = await partnerId('BISS-REGION');
    expect(all.partners).toHaveLength(await db().partner.count());
    expect(all.partners.find((p) => p.id === biss)).toMatchObject({
      referred: { value: 10, hidden: 0 },
      reached: { value: 5, hidden: 0 },
    });
    expect(all.partners.filter((p) => p.id !== biss).every((p) => p.referred.value === 0)).toBe(true);
    expect(all.municipalities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Garbsen', referrals: { value: 10, hidden: 0 } }),
        expect.objectContaining({ name: 'Wennigsen (Deister)', referrals: { value: 0, hidden: 1 } }),
      ]),
    );
    expect(all.genders.map((g) => [g.key, g.referrals.value])).toEqual([
      ['FEMALE', 10],
      ['MALE', 0],
      ['DIVERSE', 0],
      ['NOT_STATED', 0],
    ]);
    expect(all.results.find((r) => r.key === 'OPEN')?.count).toEqual({ value: 10, hidden: 0 });
    // Shares from the same published atoms on both sides: Garbsen's 10 referrals and 5 declined offers.
    expect(all.shares).toEqual({
      consent: { part: 10, rest: 5 },
      highRisk: { part: 0, rest: 10 },
      reached: { part: 5, rest: 5 },
    });
    // Times from the callout, from Garbsen's 10 (Wennigsen's durations are never used); 5 acknowledgements
    // are published for the atom but too few for a median.
    const submitted = all.durations.find((d) => d.measure === 'SUBMITTED')!;
    expect(submitted.count).toBe(10);
    expect(submitted.median).toBeGreaterThan(0.5);
    expect(submitted.median).toBeLessThan(1.5);
    expect(all.durations.find((d) => d.measure === 'ACKNOWLEDGED')).toMatchObject({ count: null, median: null });

    // Filtered to Wennigsen: suppressed, not 3. And no difference of two filters gives 3 either.
    const wennigsen = await statisticsFor(auditor, {
      ...THIS_MONTH,
      municipalityId: await municipalityId('Wennigsen (Deister)'),
    });
    expect(wennigsen.totals.referrals).toEqual({ value: 0, hidden: 1 });
    expect(wennigsen.durations.every((d) => d.median === null)).toBe(true);
    const garbsen = await statisticsFor(auditor, { ...THIS_MONTH, municipalityId: await municipalityId('Garbsen') });
    expect(all.totals.referrals.value - garbsen.totals.referrals.value).toBe(0);
  });

  it('follows later steps through the triggers, and shows a supervisor only their own scope', async () => {
    for (let i = 0; i < 5; i += 1) await fileIn(officer, 'Garbsen');
    await refreshStatistics();
    expect((await statisticsFor(supervisor, THIS_MONTH)).results.find((r) => r.key === 'OPEN')?.count).toEqual({
      value: 5,
      hidden: 0,
    });
    expect((await statisticsFor(supervisor, THIS_MONTH)).scope).toBe('Polizeiinspektion Garbsen');
    const other = await createActor('SUPERVISOR', { inspectionCode: 'PI-BUR' });
    expect((await statisticsFor(other, THIS_MONTH)).totals.referrals).toEqual({ value: 0, hidden: 0 });
    const station = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    expect((await statisticsFor(station, THIS_MONTH)).totals.referrals).toEqual({ value: 5, hidden: 0 });
    // A supervisor's own filter cannot widen the scope.
    const hannover = await db().station.findUniqueOrThrow({ where: { code: 'PK-MITTE' }, select: { id: true } });
    expect((await statisticsFor(other, { ...THIS_MONTH, stationId: hannover.id })).totals.referrals.value).toBe(0);

    // One more referral, approved: the next run counts it, and the approval's time.
    const referralId = await fileIn(officer, 'Garbsen');
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
    expect(await refreshStatistics()).toEqual({ months: 1 });
    const after = await statisticsFor(auditor, THIS_MONTH);
    expect(after.totals.referrals).toEqual({ value: 6, hidden: 0 });
    // One approval only: fewer than 5 durations are not shown, nor how many.
    expect(after.durations.find((d) => d.measure === 'APPROVED')).toEqual({
      measure: 'APPROVED',
      count: null,
      median: null,
      p90: null,
    });
  });

  it('marks both months when a correction moves the callout into another month', async () => {
    const referralId = await fileIn(officer, 'Garbsen');
    await refreshStatistics();
    await db()
      .$executeRaw`UPDATE "Referral" SET "incidentAt" = "incidentAt" - interval '40 days' WHERE id = ${referralId}::uuid`;
    const marked = await db().statsDirtyMonth.findMany({ select: { month: true } });
    expect(new Set(marked.map((m) => m.month.toISOString().slice(0, 7))).size).toBe(2);
    expect(await refreshStatistics()).toEqual({ months: 2 });
  });

  it('is not marked by a step that changes no figure (a reminder sent)', async () => {
    const referralId = await fileIn(officer, 'Garbsen');
    await refreshStatistics();
    await db()
      .$executeRaw`UPDATE "ReferralTrack" SET "reminderSentAt" = now() WHERE "referralId" = ${referralId}::uuid`;
    expect(await db().statsDirtyMonth.count()).toBe(0);
    await db()
      .$executeRaw`UPDATE "ReferralTrack" SET "acknowledgedAt" = now() WHERE "referralId" = ${referralId}::uuid`;
    expect(await db().statsDirtyMonth.count()).toBe(1);
  });
});
