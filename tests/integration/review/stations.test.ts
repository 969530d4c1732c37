/**
 * Four-eyes review or direct dispatch per station (DESIGN.md section 3): an admin switches a station, on the
 * mode the admin saw, audited. At a station with direct dispatch the system approves each new referral at its
 * submission, recorded as such (no person); referrals already waiting keep waiting for a supervisor.
 */
import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { ownReferral } from '@/lib/referrals/queries';
import { approveReferral } from '@/lib/review/service';
import { listStations } from '@/lib/stations/queries';
import { setReviewMode } from '@/lib/stations/service';
import { completeSubmission } from '@/prisma/factories';

import { fileIn } from '../support/review';
import { createActor, freshWorld } from '../support/world';

beforeEach(freshWorld);

let admin: Actor;
let garbsen: string;
beforeEach(async () => {
  admin = await createActor('ADMIN');
  garbsen = (await db().station.findUniqueOrThrow({ where: { code: 'PK-GARBSEN' } })).id;
});

describe("a station's review mode", () => {
  it('is four-eyes review until an admin switches it, on the mode the admin saw, audited', async () => {
    const stations = await listStations();
    expect(stations.length).toBeGreaterThan(10);
    expect(new Set(stations.map((s) => s.reviewMode))).toEqual(new Set(['FOUR_EYES']));

    expect(
      await setReviewMode({ actor: admin, input: { stationId: garbsen, from: 'FOUR_EYES', to: 'DIRECT' } }),
    ).toEqual({
      ok: true,
      data: null,
    });
    expect((await listStations()).filter((s) => s.reviewMode === 'DIRECT').map((s) => s.code)).toEqual(['PK-GARBSEN']);
    const audits = await db().auditEvent.findMany({ where: { action: 'STATION_REVIEW_MODE_CHANGED' } });
    expect(audits).toEqual([
      expect.objectContaining({
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Station',
        entityId: garbsen,
        details: { from: 'FOUR_EYES', to: 'DIRECT' },
      }),
    ]);

    // Another admin's page still showed four-eyes: that switch would undo a change not seen.
    const other = await createActor('ADMIN');
    expect(
      await setReviewMode({ actor: other, input: { stationId: garbsen, from: 'FOUR_EYES', to: 'DIRECT' } }),
    ).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'stations.errors.changed',
    });
    expect(
      await setReviewMode({ actor: other, input: { stationId: randomUUID(), from: 'FOUR_EYES', to: 'DIRECT' } }),
    ).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      message: 'errors.codes.NOT_FOUND',
    });
    expect(await db().auditEvent.count({ where: { action: 'STATION_REVIEW_MODE_CHANGED' } })).toBe(1);

    // And back, on what is shown now.
    expect(
      await setReviewMode({ actor: other, input: { stationId: garbsen, from: 'DIRECT', to: 'FOUR_EYES' } }),
    ).toEqual({
      ok: true,
      data: null,
    });
    expect((await db().station.findUniqueOrThrow({ where: { id: garbsen } })).reviewMode).toBe('FOUR_EYES');
    expect(await db().auditEvent.count({ where: { action: 'STATION_REVIEW_MODE_CHANGED', actorId: other.id } })).toBe(
      1,
    );
  });
});

describe('direct dispatch', () => {
  it("approves a new referral of the station at once, by the system; other stations' and waiting ones wait", async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const neighbour = await createActor('OFFICER', { stationCode: 'PK-SEELZE' });
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const waiting = await fileIn(officer);

    expect(
      await setReviewMode({ actor: admin, input: { stationId: garbsen, from: 'FOUR_EYES', to: 'DIRECT' } }),
    ).toMatchObject({ ok: true });
    const direct = await fileIn(officer, 'Garbsen', {}, completeSubmission);
    const elsewhere = await fileIn(neighbour, 'Seelze');

    const row = await db().referral.findUniqueOrThrow({
      where: { id: direct },
      include: { tracks: true, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    expect(row.status).toBe('APPROVED');
    expect(row.tracks.map((t) => t.status)).toEqual(['APPROVED', 'APPROVED']);
    expect(row.events.map((e) => [e.step, e.fromStatus, e.toStatus, e.actorId, e.actorRole])).toEqual([
      ['SUBMITTED', null, 'SUBMITTED', officer.id, 'OFFICER'],
      ['AUTO_APPROVED', 'SUBMITTED', 'APPROVED', null, null],
    ]);
    const approvedAt = row.events[1]!.at;
    // High risk by its checklist: the partner's acknowledgement is due four hours after the approval.
    expect(row).toMatchObject({ highRisk: true, approvedAt, statusChangedAt: approvedAt });
    expect(row.dueAt).toEqual(new Date(approvedAt.getTime() + 4 * 3_600_000));
    const audits = await db().auditEvent.findMany({ where: { entityId: direct }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.action, a.actorId, a.actorRole])).toEqual([
      ['REFERRAL_CREATED', officer.id, 'OFFICER'],
      ['REFERRAL_APPROVED', null, null],
    ]);
    expect(audits[1]!.details).toMatchObject({ step: 'AUTO_APPROVED', fromStatus: 'SUBMITTED', toStatus: 'APPROVED' });
    // The officer sees it approved by the system.
    const view = await ownReferral({ actor: officer, id: direct });
    expect(view!.timeline.map((e) => [e.step, e.actorName])).toEqual([
      ['SUBMITTED', officer.displayName],
      ['AUTO_APPROVED', null],
    ]);
    expect(view!.correctable).toBe(false);
    // A supervisor opening it late learns that the system was first.
    expect(await approveReferral({ actor: supervisor, input: { referralId: direct, version: 1 } })).toEqual({
      ok: false,
      code: 'CONFLICT',
      message: 'review.errors.alreadyHandledBySystem',
      values: { status: 'APPROVED', at: approvedAt },
    });

    // The mode decides at submission: the referral already waiting, and the other station's, wait for review.
    for (const id of [waiting, elsewhere]) {
      expect((await db().referral.findUniqueOrThrow({ where: { id } })).status).toBe('SUBMITTED');
      expect(await db().referralEvent.count({ where: { referralId: id, step: { not: 'SUBMITTED' } } })).toBe(0);
    }
    expect(await approveReferral({ actor: supervisor, input: { referralId: waiting, version: 1 } })).toMatchObject({
      ok: true,
    });

    // Back to four-eyes: the next referral waits again.
    expect(
      await setReviewMode({ actor: admin, input: { stationId: garbsen, from: 'DIRECT', to: 'FOUR_EYES' } }),
    ).toMatchObject({ ok: true });
    const reviewed = await fileIn(officer);
    expect((await db().referral.findUniqueOrThrow({ where: { id: reviewed } })).status).toBe('SUBMITTED');
  });
});
