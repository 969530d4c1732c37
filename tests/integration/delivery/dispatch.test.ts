/**
 * Delivery, first part (issue 12, ADR 0011): an approval commits its dispatch job with it (the transactional
 * outbox), a refused one commits none; the job's handler takes the DISPATCHED step once, whatever happens
 * in between; the worker does it on its own.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { QUEUES } from '@/lib/jobs/queues';
import { startWorker } from '@/lib/jobs/worker';
import { approveReferral } from '@/lib/review/service';
import { setReviewMode } from '@/lib/stations/service';

import { fileIn, withdrawalBy } from '../support/review';
import { createActor, freshWorld } from '../support/world';

beforeEach(async () => {
  await freshWorld();
  await db().$executeRawUnsafe('DELETE FROM pgboss.job');
});

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

/** The dispatch jobs in the queue, as pg-boss stores them. */
async function dispatchJobs(): Promise<{ data: unknown; state: string }[]> {
  return db().$queryRawUnsafe(
    `SELECT data, state::text AS state FROM pgboss.job WHERE name = $1 ORDER BY created_on`,
    QUEUES.dispatch.name,
  );
}

async function statuses(referralId: string) {
  const row = await db().referral.findUniqueOrThrow({
    where: { id: referralId },
    select: { status: true, tracks: { select: { status: true } } },
  });
  return [row.status, ...row.tracks.map((t) => t.status)];
}

describe('an approval', () => {
  it('commits its dispatch job with it, holding the referral id and nothing else', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const referralId = await fileIn(officer);
    expect(await dispatchJobs()).toEqual([]);

    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
    expect(await dispatchJobs()).toEqual([{ data: { referralId }, state: 'created' }]);
  });

  it('refused (own referral, a version not read, a second decision) commits no job', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const own = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    const referralId = await fileIn(officer);
    const ownReferral = await fileIn(own);

    expect(await approveReferral({ actor: own, input: { referralId: ownReferral, version: 1 } })).toMatchObject({
      ok: false,
    });
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 2 } })).toMatchObject({
      ok: false,
    });
    expect(await dispatchJobs()).toEqual([]);
    await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });
    expect(await approveReferral({ actor: own, input: { referralId, version: 1 } })).toMatchObject({ ok: false });
    expect(await dispatchJobs()).toHaveLength(1);
  });

  it('by the system at a station with direct dispatch commits the job with the submission', async () => {
    const admin = await createActor('ADMIN');
    const station = await db().station.findUniqueOrThrow({ where: { code: 'PK-GARBSEN' }, select: { id: true } });
    await setReviewMode({ actor: admin, input: { stationId: station.id, from: 'FOUR_EYES', to: 'DIRECT' } });
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const referralId = await fileIn(officer);
    expect(await dispatchJobs()).toEqual([{ data: { referralId }, state: 'created' }]);
  });
});

describe('the dispatch', () => {
  it('delivers once: the referral and its tracks DISPATCHED, one timeline entry, the recipients audited', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const referralId = await fileIn(officer);
    await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });

    expect(await dispatchReferral(referralId)).toBe('DISPATCHED');
    // The same job again, as after a worker stopped between its commit and marking the job done.
    expect(await dispatchReferral(referralId)).toBe('NOTHING_TO_DO');

    expect(await statuses(referralId)).toEqual(['DISPATCHED', 'DISPATCHED']);
    const steps = await db().referralEvent.findMany({ where: { referralId, step: 'DISPATCHED' } });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ actorId: null, fromStatus: 'APPROVED', toStatus: 'DISPATCHED' });
    const track = await db().referralTrack.findFirstOrThrow({ where: { referralId }, select: { partnerId: true } });
    const audits = await db().auditEvent.findMany({ where: { action: 'REFERRAL_DISPATCHED', entityId: referralId } });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ recipientVICTIM: track.partnerId });
  });

  it('leaves a late second supervisor told who approved it, not that the system delivered it', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const [first, second] = await Promise.all([
      createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' }),
      createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' }),
    ]);
    const referralId = await fileIn(officer);
    await approveReferral({ actor: first, input: { referralId, version: 1 } });
    await dispatchReferral(referralId);

    expect(await approveReferral({ actor: second, input: { referralId, version: 1 } })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      message: 'review.errors.alreadyHandled',
      values: { status: 'APPROVED', by: first.displayName },
    });
  });

  it('delivers nothing once the consent was withdrawn in between', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const referralId = await fileIn(officer);
    await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });
    await withdrawalBy(supervisor, referralId);

    expect(await dispatchReferral(referralId)).toBe('NOTHING_TO_DO');
    expect(await statuses(referralId)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
  });
});

describe('the worker', () => {
  it('takes an approval to the inbox on its own, and completes the job', async () => {
    stops.push(await startWorker());
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const referralId = await fileIn(officer);
    await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });

    await expect
      .poll(() => statuses(referralId), { timeout: 10_000, interval: 100 })
      .toEqual(['DISPATCHED', 'DISPATCHED']);
    await expect
      .poll(async () => (await dispatchJobs()).map((j) => j.state), { timeout: 10_000 })
      .toEqual(['completed']);
  });
});
