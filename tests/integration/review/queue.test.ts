/**
 * The supervisor's scope and queue ("Prüfung", issue 11): a station's supervisor reviews that station's
 * referrals, an inspection's supervisor those of every station of it; outside the scope a referral is "not
 * found" exactly like one that does not exist, and trying is audited. The queue lists one status of the
 * scope, high risk first and then the longest waiting, page by page without losing or repeating a row, with
 * its filters and counts, and without anything that reaches the person.
 */
import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import type { ReferralStatus } from '@/lib/generated/prisma/enums';
import { QUEUE_PAGE_SIZE, queueFilters, referralForReview, reviewQueue, reviewSummary } from '@/lib/review/queries';
import { approveReferral, recordWithdrawal, returnReferral } from '@/lib/review/service';
import { berlinDateOf } from '@/lib/time/berlin';
import { completeSubmission } from '@/prisma/factories';

import { fileIn, putInStatus, snapshot } from '../support/review';
import { createActor, freshWorld } from '../support/world';

beforeEach(freshWorld);

type World = {
  officers: { garbsen: Actor; seelze: Actor; mitte: Actor };
  supervisors: { station: Actor; inspection: Actor; otherInspection: Actor; unscoped: Actor };
};

async function world(): Promise<World> {
  const [garbsen, seelze, mitte, station, inspection, otherInspection, unscoped] = await Promise.all([
    createActor('OFFICER', { stationCode: 'PK-GARBSEN' }),
    createActor('OFFICER', { stationCode: 'PK-SEELZE' }),
    createActor('OFFICER', { stationCode: 'PK-MITTE' }),
    createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' }),
    createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' }),
    createActor('SUPERVISOR', { inspectionCode: 'PI-H' }),
    createActor('SUPERVISOR'),
  ]);
  return {
    officers: { garbsen: garbsen!, seelze: seelze!, mitte: mitte! },
    supervisors: { station: station!, inspection: inspection!, otherInspection: otherInspection!, unscoped: unscoped! },
  };
}

/** The ids of every page of the queue, page by page, following the cursor. */
async function allPages(actor: Actor, filters: Record<string, string> = {}, now?: Date) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await reviewQueue({ actor, filters: queueFilters.parse({ ...filters, cursor }), now });
    if (!page.scoped) throw new Error('no scope');
    pages.push(page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 10) throw new Error('the queue does not end');
  } while (cursor);
  return pages;
}

describe('the scope of a supervisor', () => {
  it('a station supervisor reviews that station only, an inspection supervisor every station of it', async () => {
    const { officers, supervisors } = await world();
    const garbsen = await fileIn(officers.garbsen, 'Garbsen');
    const seelze = await fileIn(officers.seelze, 'Seelze');
    const mitte = await fileIn(officers.mitte, 'Hannover');
    // The station is the filing officer's, not the place of the incident.
    const garbsenInSeelze = await fileIn(officers.garbsen, 'Seelze');

    const queued = async (actor: Actor) => new Set((await allPages(actor)).flat());
    expect(await queued(supervisors.station)).toEqual(new Set([garbsen, garbsenInSeelze]));
    expect(await queued(supervisors.inspection)).toEqual(new Set([garbsen, seelze, garbsenInSeelze]));
    expect(await queued(supervisors.otherInspection)).toEqual(new Set([mitte]));
    expect(await reviewQueue({ actor: supervisors.unscoped, filters: queueFilters.parse({}) })).toEqual({
      scoped: false,
    });
    expect(await reviewSummary(supervisors.unscoped)).toBeNull();

    // Opening one is an audited consultation; outside the scope it is "not found", and the attempt audited.
    expect(await referralForReview({ actor: supervisors.station, id: garbsen })).toMatchObject({ id: garbsen });
    expect(await referralForReview({ actor: supervisors.inspection, id: seelze })).toMatchObject({ id: seelze });
    expect(await referralForReview({ actor: supervisors.station, id: seelze })).toBeNull();
    expect(await referralForReview({ actor: supervisors.unscoped, id: garbsen })).toBeNull();
    const viewed = await db().auditEvent.findMany({ where: { action: 'REFERRAL_VIEWED' }, orderBy: { id: 'asc' } });
    expect(viewed.map((a) => [a.actorId, a.entityId, a.details])).toEqual([
      [supervisors.station.id, garbsen, { purpose: 'REVIEW' }],
      [supervisors.inspection.id, seelze, { purpose: 'REVIEW' }],
    ]);
    const denied = await db().auditEvent.findMany({ where: { action: 'ACCESS_DENIED' }, orderBy: { id: 'asc' } });
    expect(denied.map((a) => [a.actorId, a.details])).toEqual([
      [supervisors.station.id, { permission: 'review:read', referral: seelze, reason: 'OUT_OF_SCOPE' }],
      [supervisors.unscoped.id, { permission: 'review:read', referral: garbsen, reason: 'OUT_OF_SCOPE' }],
    ]);

    // Deciding follows the scope too: the station supervisor may decide Garbsen's, not Seelze's.
    expect(await approveReferral({ actor: supervisors.station, input: { referralId: seelze, version: 1 } })).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      message: 'errors.codes.NOT_FOUND',
    });
    expect(
      await approveReferral({ actor: supervisors.station, input: { referralId: garbsen, version: 1 } }),
    ).toMatchObject({ ok: true });
  });

  it("another inspection's supervisor finds nothing, exactly as for an id that does not exist, and is audited", async () => {
    const { officers, supervisors } = await world();
    const referralId = await fileIn(officers.garbsen, 'Garbsen', {}, completeSubmission);
    const outsider = supervisors.otherInspection;
    const before = await snapshot(db(), referralId);
    const nobody = randomUUID();
    const today = berlinDateOf(new Date());

    const attempts = [
      (id: string) => approveReferral({ actor: outsider, input: { referralId: id, version: 1 } }),
      (id: string) =>
        returnReferral({ actor: outsider, input: { referralId: id, version: 1, comment: 'Bitte prüfen.' } }),
      (id: string) =>
        recordWithdrawal({
          actor: outsider,
          input: { referralId: id, track: 'VICTIM', receivedVia: 'PHONE', receivedOn: today, confirmed: true },
        }),
      (id: string) =>
        recordWithdrawal({
          actor: outsider,
          input: { referralId: id, track: 'PERPETRATOR', receivedVia: 'PHONE', receivedOn: today, confirmed: true },
        }),
    ];
    for (const attempt of attempts) {
      const missing = await attempt(nobody);
      expect(missing).toEqual({ ok: false, code: 'NOT_FOUND', message: 'errors.codes.NOT_FOUND' });
      expect(await attempt(referralId)).toEqual(missing);
    }
    expect(await referralForReview({ actor: outsider, id: nobody })).toBeNull();
    expect(await referralForReview({ actor: outsider, id: referralId })).toBeNull();

    // Nothing moved; only the denials were written, one for each attempt on the real referral.
    const after = await snapshot(db(), referralId);
    expect({ ...after, audit: null }).toEqual({ ...before, audit: null });
    const denied = await db().auditEvent.findMany({
      orderBy: { id: 'asc' },
      where: { id: { gt: BigInt(before.audit!.last!) } },
    });
    expect(denied.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ['ACCESS_DENIED', outsider.id, { permission: 'review:decide', referral: referralId, reason: 'OUT_OF_SCOPE' }],
      ['ACCESS_DENIED', outsider.id, { permission: 'review:decide', referral: referralId, reason: 'OUT_OF_SCOPE' }],
      [
        'ACCESS_DENIED',
        outsider.id,
        { permission: 'review:record-withdrawal', referral: referralId, reason: 'OUT_OF_SCOPE' },
      ],
      [
        'ACCESS_DENIED',
        outsider.id,
        { permission: 'review:record-withdrawal', referral: referralId, reason: 'OUT_OF_SCOPE' },
      ],
      ['ACCESS_DENIED', outsider.id, { permission: 'review:read', referral: referralId, reason: 'OUT_OF_SCOPE' }],
    ]);
  });

  it('a supervisor without a scope can decide nothing', async () => {
    const { officers, supervisors } = await world();
    const referralId = await fileIn(officers.garbsen);
    expect(await approveReferral({ actor: supervisors.unscoped, input: { referralId, version: 1 } })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).status).toBe('SUBMITTED');
  });
});

describe('the queue', () => {
  it('lists one status of the scope, high risk first, then the longest waiting, every row once over its pages', async () => {
    const { officers, supervisors } = await world();
    // 30 high-risk and 22 other referrals of the inspection, from two stations; waiting since times of which
    // three at a time are equal (the id decides), so the pages' cursors fall inside groups of equal times.
    const ids = await Promise.all(
      Array.from({ length: 52 }, (_, i) =>
        i % 4 === 3 ? fileIn(officers.seelze, 'Seelze') : fileIn(officers.garbsen, 'Garbsen'),
      ),
    );
    const base = new Date('2026-11-20T08:00:00Z');
    for (const [i, id] of ids.entries()) {
      await db().referral.update({
        where: { id },
        // Interleaved, so that neither the filing order nor the id gives the queue's order.
        data: {
          highRisk: (i * 7) % 52 < 30,
          statusChangedAt: new Date(base.getTime() + Math.floor((52 - i) / 3) * 60_000),
        },
      });
    }
    // Not in this queue: another status, another inspection.
    const elsewhere = [await fileIn(officers.garbsen), await fileIn(officers.mitte, 'Hannover')];
    await putInStatus(elsewhere[0]!, 'RETURNED');

    const rows = await db().referral.findMany({
      where: { id: { in: ids } },
      select: { id: true, highRisk: true, statusChangedAt: true, stationId: true },
    });
    expect(rows.filter((r) => r.highRisk)).toHaveLength(30);
    const order = (list: typeof rows) =>
      [...list]
        .sort(
          (a, b) =>
            Number(b.highRisk) - Number(a.highRisk) ||
            a.statusChangedAt.getTime() - b.statusChangedAt.getTime() ||
            (a.id < b.id ? -1 : 1),
        )
        .map((r) => r.id);

    const pages = await allPages(supervisors.inspection);
    expect(pages.map((p) => p.length)).toEqual([QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE, 2]);
    expect(pages.flat()).toEqual(order(rows));

    // The station's supervisor: the same order, only that station's.
    const garbsenStation = rows.find((r) => r.id === ids[0])!.stationId;
    const stationPages = await allPages(supervisors.station);
    expect(stationPages.flat()).toEqual(order(rows.filter((r) => r.stationId === garbsenStation)));
    expect(stationPages.map((p) => p.length)).toEqual([QUEUE_PAGE_SIZE, 14]);

    // High risk only: the first 30 of the same order, over two pages.
    expect((await allPages(supervisors.inspection, { highRisk: '1' })).flat()).toEqual(order(rows).slice(0, 30));
    // Another status: its own list.
    expect((await allPages(supervisors.inspection, { status: 'RETURNED' })).flat()).toEqual([elsewhere[0]]);
    // A cursor that is not one of ours starts from the beginning.
    expect((await allPages(supervisors.inspection, { cursor: 'bm90LWEtY3Vyc29y' }))[0]).toEqual(pages[0]);
  });

  it('filters by partner, place, high risk and overdue, and counts each open status with its overdue ones', async () => {
    const { officers, supervisors } = await world();
    const now = new Date();
    const complete = await fileIn(officers.garbsen, 'Garbsen', {}, completeSubmission);
    const seelze = await fileIn(officers.garbsen, 'Seelze');
    const highRisk = await fileIn(officers.garbsen, 'Garbsen', { officerJudgesHighRisk: true });
    const overdue = await fileIn(officers.garbsen, 'Garbsen');
    const male = await fileIn(officers.garbsen, 'Garbsen', { gender: 'MALE', firstName: 'Thomas', lastName: 'Adler' });
    await db().referral.update({ where: { id: overdue }, data: { dueAt: new Date(now.getTime() - 60_000) } });
    // complete is high risk by its checklist and due in an hour: not overdue now.
    const tracks = await db().referralTrack.findMany({ select: { referralId: true, track: true, partnerId: true } });
    const partnerOf = (referralId: string, track: 'VICTIM' | 'PERPETRATOR') =>
      tracks.find((t) => t.referralId === referralId && t.track === track)!.partnerId;
    const withPartner = (partnerId: string) => [
      ...new Set(tracks.filter((t) => t.partnerId === partnerId).map((t) => t.referralId)),
    ];

    const listed = async (filters: Record<string, string>) =>
      new Set((await allPages(supervisors.inspection, filters, now)).flat());
    const perpetratorPartner = partnerOf(complete, 'PERPETRATOR');
    expect(await listed({ partner: perpetratorPartner })).toEqual(new Set([complete]));
    const maleVictimPartner = partnerOf(male, 'VICTIM');
    expect(withPartner(maleVictimPartner)).toContain(male);
    expect(await listed({ partner: maleVictimPartner })).toEqual(new Set(withPartner(maleVictimPartner)));
    expect(await listed({ partner: partnerOf(seelze, 'VICTIM') })).toEqual(
      new Set(withPartner(partnerOf(seelze, 'VICTIM'))),
    );
    const seelzeId = (await db().municipality.findUniqueOrThrow({ where: { name: 'Seelze' } })).id;
    expect(await listed({ municipality: seelzeId })).toEqual(new Set([seelze]));
    expect(await listed({ highRisk: '1' })).toEqual(new Set([complete, highRisk]));
    expect(await listed({ overdue: '1' })).toEqual(new Set([overdue]));
    expect(await listed({ highRisk: '1', municipality: seelzeId })).toEqual(new Set());
    // Values that are not ours are ignored: the default view.
    expect(await listed({ partner: 'x', municipality: '1', highRisk: 'yes', overdue: 'true', status: 'NONE' })).toEqual(
      new Set([complete, seelze, highRisk, overdue, male]),
    );

    // Counts of every open status, and of the overdue ones among them.
    const more = await Promise.all([0, 1, 2, 3, 4, 5].map(() => fileIn(officers.seelze, 'Seelze')));
    const statuses: [string, ReferralStatus, boolean][] = [
      [more[0]!, 'RETURNED', false],
      [more[1]!, 'APPROVED', true],
      [more[2]!, 'APPROVED', false],
      [more[3]!, 'DISPATCHED', true],
      [more[4]!, 'CLOSED', true],
      [more[5]!, 'WITHDRAWN', true],
    ];
    for (const [id, status, late] of statuses) {
      await putInStatus(id, status);
      await db().referral.update({
        where: { id },
        data: { dueAt: status === 'RETURNED' ? null : new Date(now.getTime() + (late ? -1 : 1) * 3_600_000) },
      });
    }
    // And one of another inspection, overdue: never counted here.
    const mitte = await fileIn(officers.mitte, 'Hannover');
    await db().referral.update({ where: { id: mitte }, data: { dueAt: new Date(now.getTime() - 60_000) } });

    const page = await reviewQueue({ actor: supervisors.inspection, filters: queueFilters.parse({}), now });
    expect(page.scoped && page.counts).toMatchObject({
      SUBMITTED: { total: 5, overdue: 1 },
      RETURNED: { total: 1, overdue: 0 },
      APPROVED: { total: 2, overdue: 1 },
      DISPATCHED: { total: 1, overdue: 1 },
      ACKNOWLEDGED: { total: 0, overdue: 0 },
    });
    expect(page.scoped && page.items.filter((i) => i.overdue).map((i) => i.id)).toEqual([overdue]);
    expect(await reviewSummary(supervisors.inspection, now)).toMatchObject({
      toReview: 5,
      overdue: 3,
      overdueToReview: 1,
    });
    const station = await reviewQueue({ actor: supervisors.station, filters: queueFilters.parse({}), now });
    expect(station.scoped && station.counts.SUBMITTED).toMatchObject({ total: 5, overdue: 1 });
    expect(station.scoped && station.counts.APPROVED).toMatchObject({ total: 0, overdue: 0 });
  });

  it('shows nothing that reaches the person: no name, phone number or Vorgangsnummer', async () => {
    const { officers, supervisors } = await world();
    const person = {
      firstName: 'Eleonore',
      lastName: 'Trautwein',
      phone: '0511 4455667',
      caseNumber: '2026/770011',
      perpetratorFirstName: 'Kunibert',
      perpetratorLastName: 'Ollendorf',
      perpetratorPhone: '0172 9988776',
      note: 'Klingel defekt, bitte klopfen.',
    };
    await fileIn(officers.garbsen, 'Garbsen', person, completeSubmission);
    const page = await reviewQueue({ actor: supervisors.inspection, filters: queueFilters.parse({}) });
    expect(page.scoped && page.items).toHaveLength(1);
    const json = JSON.stringify(page).toLowerCase();
    // The row is there, with what the supervisor needs to choose.
    expect(json).toContain('garbsen');
    expect(json).toContain(officers.garbsen.displayName.toLowerCase());
    for (const value of [
      ...Object.values(person),
      '+495114455667',
      '4455667',
      '+491729988776',
      '9988776',
      '770011',
      'Lindenallee',
      'Berenbostel',
    ]) {
      expect(json, value).not.toContain(value.toLowerCase());
    }
  });
});
