/**
 * Timeliness (DESIGN.md section 3): each referral knows when its current step is due (approval 4 h after
 * submission, 1 h at high risk; the partner's acknowledgement 24 h after the approval, 4 h at high risk), a
 * correction while waiting keeps its place in the queue, and the supervisor's start page counts what is
 * overdue.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { correctReferral } from '@/lib/referrals/service';
import { reviewSummary } from '@/lib/review/queries';
import { approveReferral } from '@/lib/review/service';

import { correctionOf, fileIn } from '../support/review';
import { createActor, freshWorld } from '../support/world';

beforeEach(freshWorld);

const HOUR = 3_600_000;
const plus = (date: Date, hours: number) => new Date(date.getTime() + hours * HOUR);

const timesOf = (id: string) =>
  db().referral.findUniqueOrThrow({
    where: { id },
    select: { submittedAt: true, statusChangedAt: true, approvedAt: true, dueAt: true, highRisk: true, version: true },
  });

let officer: Actor;
let supervisor: Actor;
beforeEach(async () => {
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
});

describe('when a referral is due', () => {
  it('approval: 4 hours after submission, 1 hour at high risk', async () => {
    const normal = await timesOf(await fileIn(officer));
    const high = await timesOf(await fileIn(officer, 'Garbsen', { officerJudgesHighRisk: true }));
    expect(normal).toMatchObject({ highRisk: false, statusChangedAt: normal.submittedAt, approvedAt: null });
    expect(normal.dueAt).toEqual(plus(normal.submittedAt, 4));
    expect(high).toMatchObject({ highRisk: true, statusChangedAt: high.submittedAt });
    expect(high.dueAt).toEqual(plus(high.submittedAt, 1));
  });

  it("the partner's acknowledgement: 24 hours after the approval, 4 hours at high risk", async () => {
    const normal = await fileIn(officer);
    const high = await fileIn(officer, 'Garbsen', { officerJudgesHighRisk: true });
    for (const referralId of [normal, high]) {
      expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({
        ok: true,
      });
    }
    for (const [referralId, hours] of [
      [normal, 24],
      [high, 4],
    ] as const) {
      const times = await timesOf(referralId);
      const approval = await db().referralEvent.findFirstOrThrow({ where: { referralId, step: 'APPROVED' } });
      expect(times.approvedAt).toEqual(approval.at);
      expect(times.statusChangedAt).toEqual(approval.at);
      expect(times.dueAt).toEqual(plus(approval.at, hours));
    }
  });

  it('a correction while waiting keeps its place in the queue; a change of risk changes its deadline', async () => {
    const referralId = await fileIn(officer);
    // Waiting since half an hour ago.
    const since = new Date(Date.now() - HOUR / 2);
    await db().referral.update({ where: { id: referralId }, data: { statusChangedAt: since, dueAt: plus(since, 4) } });

    expect(
      await correctReferral({
        actor: officer,
        input: await correctionOf(officer, referralId, { phone: '0176 1112223' }),
      }),
    ).toMatchObject({ ok: true });
    expect(await timesOf(referralId)).toMatchObject({ version: 2, statusChangedAt: since, dueAt: plus(since, 4) });

    expect(
      await correctReferral({
        actor: officer,
        input: await correctionOf(officer, referralId, { officerJudgesHighRisk: true }),
      }),
    ).toMatchObject({ ok: true });
    expect(await timesOf(referralId)).toMatchObject({
      version: 3,
      highRisk: true,
      statusChangedAt: since,
      dueAt: plus(since, 1),
    });
    const steps = await db().referralEvent.findMany({ where: { referralId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    expect(steps.map((s) => [s.step, s.fromStatus, s.toStatus])).toEqual([
      ['SUBMITTED', null, 'SUBMITTED'],
      ['CORRECTED', 'SUBMITTED', 'SUBMITTED'],
      ['CORRECTED', 'SUBMITTED', 'SUBMITTED'],
    ]);
  });
});

describe("the supervisor's start page", () => {
  it('counts what waits for review and what is overdue, as time passes', async () => {
    const normal = await fileIn(officer);
    const high = await fileIn(officer, 'Garbsen', { officerJudgesHighRisk: true });
    const approved = await fileIn(officer, 'Hemmingen');
    expect(await approveReferral({ actor: supervisor, input: { referralId: approved, version: 1 } })).toMatchObject({
      ok: true,
    });
    const now = new Date();

    // [hours on, waiting for review, overdue, overdue among those waiting for review]
    const expectCounts = async (table: [number, number, number, number][]) => {
      for (const [hours, toReview, overdue, overdueToReview] of table) {
        expect(await reviewSummary(supervisor, plus(now, hours)), `${hours} h on`).toMatchObject({
          toReview,
          overdue,
          overdueToReview,
        });
      }
    };
    await expectCounts([
      [0, 2, 0, 0],
      // The high-risk referral has waited longer than its hour.
      [2, 2, 1, 1],
      // Both wait too long; the approved one is not yet late for its acknowledgement.
      [5, 2, 2, 2],
      // The partner's acknowledgement is overdue as well.
      [25, 2, 3, 2],
    ]);

    // Approving ends the wait for review: it is counted by the next step's deadline only.
    expect(await approveReferral({ actor: supervisor, input: { referralId: high, version: 1 } })).toMatchObject({
      ok: true,
    });
    await expectCounts([
      [2, 1, 0, 0],
      [5, 1, 2, 1],
    ]);
    expect((await timesOf(normal)).dueAt!.getTime()).toBeLessThan(plus(now, 5).getTime());
  });
});
