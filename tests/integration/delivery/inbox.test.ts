/**
 * The partner's inbox and the feedback to the police (issue 12): a caseworker sees the deliveries of their
 * own organisation only, in its projection; acknowledges, records contact attempts and an outcome, each a
 * step of the lifecycle on that delivery; the officer and the supervisor read it back in the timeline. A
 * caseworker of another partner finds nothing, and trying is audited. A withdrawal after delivery takes the
 * person out of the inbox and tells the partner; an overdue acknowledgement brings one reminder.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { sendDueReminders } from '@/lib/delivery/partner-jobs';
import { inboxDelivery, inboxFilters, listInbox } from '@/lib/inbox/queries';
import { acknowledgeDelivery, recordContactAttempt, recordOutcome } from '@/lib/inbox/service';
import { QUEUES } from '@/lib/jobs/queues';
import { ownReferral } from '@/lib/referrals/queries';
import { referralForReview } from '@/lib/review/queries';
import { approveReferral } from '@/lib/review/service';
import { instantToBerlinLocal } from '@/lib/time/berlin';
import { completeSubmission } from '@/prisma/factories';

import { fileIn, withdrawalBy } from '../support/review';
import { createActor, freshWorld } from '../support/world';

let officer: Actor;
let supervisor: Actor;

beforeEach(async () => {
  await freshWorld();
  await db().$executeRawUnsafe('DELETE FROM pgboss.job');
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
});

/** Files, approves and delivers a referral (with the perpetrator's part: `complete`); its id. */
async function delivered({ complete = false } = {}): Promise<string> {
  const referralId = await fileIn(officer, 'Garbsen', {}, ...(complete ? [completeSubmission] : []));
  expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  expect(await dispatchReferral(referralId)).toBe('DISPATCHED');
  return referralId;
}

async function trackOf(referralId: string, track: 'VICTIM' | 'PERPETRATOR' = 'VICTIM') {
  return db().referralTrack.findUniqueOrThrow({
    where: { referralId_track: { referralId, track } },
    select: {
      id: true,
      status: true,
      dueAt: true,
      firstContactAt: true,
      acknowledgedAt: true,
      outcome: true,
      partner: { select: { code: true } },
    },
  });
}

const caseworkerOf = (partnerCode: string) => createActor('PARTNER', { partnerCode });
const inbox = (actor: Actor, status = 'DISPATCHED') => listInbox({ actor, filters: inboxFilters.parse({ status }) });
const minutesAgo = (minutes: number) => instantToBerlinLocal(new Date(Date.now() - minutes * 60_000));

describe("the partner's inbox", () => {
  it('shows a delivery to its own organisation only, by name, and opening it is an audited consultation', async () => {
    const referralId = await delivered();
    const { id: trackId, partner } = await trackOf(referralId);
    expect(partner.code).toBe('BISS-REGION');
    const biss = await caseworkerOf('BISS-REGION');
    const maenner = await caseworkerOf('MB-H');

    const page = await inbox(biss);
    expect(page).toMatchObject({ scoped: true, counts: { DISPATCHED: { total: 1, overdue: 0 } } });
    expect(page.scoped && page.items).toEqual([
      expect.objectContaining({
        id: trackId,
        personName: 'Marie Schneider',
        municipality: 'Garbsen',
        status: 'DISPATCHED',
      }),
    ]);
    expect(await db().auditEvent.count({ where: { action: 'REFERRAL_LIST_VIEWED', actorId: biss.id } })).toBe(1);
    const other = await inbox(maenner);
    expect(other.scoped && other.items).toEqual([]);

    const opened = await inboxDelivery({ actor: biss, id: trackId });
    expect(opened).toMatchObject({ status: 'DISPATCHED', projection: { firstName: 'Marie', lastName: 'Schneider' } });
    expect(await db().auditEvent.findFirst({ where: { action: 'REFERRAL_VIEWED', actorId: biss.id } })).toMatchObject({
      entityId: referralId,
      details: { purpose: 'PARTNER_INBOX', track: 'VICTIM' },
    });

    // Another partner's caseworker: not found, exactly like a delivery that does not exist; the try audited.
    expect(await inboxDelivery({ actor: maenner, id: trackId })).toBeNull();
    expect(await inboxDelivery({ actor: maenner, id: '0190d2c4-0000-7000-8000-000000000000' })).toBeNull();
    expect(await acknowledgeDelivery({ actor: maenner, input: { trackId } })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: maenner.id } })).toBe(2);
    expect((await trackOf(referralId)).status).toBe('DISPATCHED');
  });

  it('gives each partner its own projection: the perpetrator programme never learns where she lives', async () => {
    const referralId = await delivered({ complete: true });
    const perpetratorTrack = await trackOf(referralId, 'PERPETRATOR');
    const programme = await caseworkerOf(perpetratorTrack.partner.code);
    const opened = await inboxDelivery({ actor: programme, id: perpetratorTrack.id });
    expect(opened?.projection).toMatchObject({ firstName: 'Bogdan', lastName: 'Wendeborn' });
    expect(Object.keys(opened!.projection!).sort()).toEqual(
      [
        'caseNumber',
        'contactBan',
        'firstName',
        'gender',
        'incidentAt',
        'lastName',
        'lawfulBasis',
        'phone',
        'wegweisungUntil',
      ].sort(),
    );
    const page = await inbox(programme);
    expect(page.scoped && page.items[0]).toMatchObject({ municipality: null, personName: 'Bogdan Wendeborn' });
    // The victim's risk is not the programme's to know: not as a flag, not as a shorter deadline.
    const referral = await db().referral.findUniqueOrThrow({ where: { id: referralId } });
    expect(referral.highRisk).toBe(true);
    expect(page.scoped && page.items[0]).toMatchObject({ highRisk: false });
    expect(opened).toMatchObject({
      highRisk: false,
      dueAt: new Date(referral.approvedAt!.getTime() + 24 * 3_600_000),
    });
    expect((await trackOf(referralId)).dueAt).toEqual(new Date(referral.approvedAt!.getTime() + 4 * 3_600_000));
  });

  it('is not reached before delivery: an approved referral not yet dispatched is not found', async () => {
    const referralId = await fileIn(officer);
    await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });
    const { id } = await trackOf(referralId);
    const biss = await caseworkerOf('BISS-REGION');
    expect(await inboxDelivery({ actor: biss, id })).toBeNull();
    expect(await acknowledgeDelivery({ actor: biss, input: { trackId: id } })).toMatchObject({ code: 'NOT_FOUND' });
    // Another partner's, even before delivery: the same answer, and the try audited.
    const maenner = await caseworkerOf('MB-H');
    expect(await inboxDelivery({ actor: maenner, id })).toBeNull();
    expect(await acknowledgeDelivery({ actor: maenner, input: { trackId: id } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: maenner.id } })).toBe(2);
  });
});

describe("the caseworker's steps", () => {
  it('acknowledge, attempts and outcome move the delivery, set its deadlines, and reach the police timeline', async () => {
    const referralId = await delivered();
    const { id: trackId } = await trackOf(referralId);
    const biss = await caseworkerOf('BISS-REGION');
    const approvedAt = (await db().referral.findUniqueOrThrow({ where: { id: referralId } })).approvedAt!;

    // Nothing before the acknowledgement.
    expect(
      await recordContactAttempt({
        actor: biss,
        input: { trackId, contactAt: minutesAgo(0), channel: 'PHONE', reached: false },
      }),
    ).toMatchObject({ ok: false, message: 'inbox.errors.acknowledgeFirst' });

    expect(await acknowledgeDelivery({ actor: biss, input: { trackId } })).toEqual({
      ok: true,
      data: { status: 'ACKNOWLEDGED' },
    });
    // First contact due 72 h after the approval (not high risk).
    expect(await trackOf(referralId)).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgedAt: expect.any(Date),
      dueAt: new Date(approvedAt.getTime() + 72 * 3_600_000),
    });
    expect(await db().referral.findUniqueOrThrow({ where: { id: referralId } })).toMatchObject({
      status: 'ACKNOWLEDGED',
      dueAt: new Date(approvedAt.getTime() + 72 * 3_600_000),
    });
    // A second acknowledgement: already done, by whom.
    expect(await acknowledgeDelivery({ actor: biss, input: { trackId } })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });

    // Times that cannot be: in the future, before the delivery, in the spring gap.
    for (const [contactAt, message] of [
      [minutesAgo(-60), 'inbox.errors.contactAtFuture'],
      [minutesAgo(24 * 60), 'inbox.errors.contactAtBeforeDelivery'],
      ['2026-03-29T02:30', 'inbox.errors.contactAtNonexistent'],
    ] as const) {
      const refused = await recordContactAttempt({
        actor: biss,
        input: { trackId, contactAt, channel: 'PHONE', reached: false },
      });
      expect(refused, contactAt).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors: { contactAt: [message] },
      });
    }
    // "Reached and supported" needs a reached attempt; "not reachable" needs an attempt.
    expect(await recordOutcome({ actor: biss, input: { trackId, outcome: 'NOT_REACHABLE' } })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });

    expect(
      await recordContactAttempt({
        actor: biss,
        input: { trackId, contactAt: minutesAgo(0), channel: 'PHONE', reached: false },
      }),
    ).toMatchObject({ ok: true });
    const afterFirst = await trackOf(referralId);
    expect(afterFirst).toMatchObject({ dueAt: null, firstContactAt: expect.any(Date) });
    expect((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).dueAt).toBeNull();
    expect(await recordOutcome({ actor: biss, input: { trackId, outcome: 'REACHED_SUPPORTED' } })).toMatchObject({
      ok: false,
      fieldErrors: { outcome: [expect.any(String)] },
    });
    expect(
      await recordContactAttempt({
        actor: biss,
        input: { trackId, contactAt: minutesAgo(0), channel: 'SMS', reached: true },
      }),
    ).toMatchObject({ ok: true });
    expect(await recordOutcome({ actor: biss, input: { trackId, outcome: 'NOT_REACHABLE' } })).toMatchObject({
      ok: false,
    });
    expect(await recordOutcome({ actor: biss, input: { trackId, outcome: 'REACHED_SUPPORTED' } })).toEqual({
      ok: true,
      data: { status: 'CLOSED' },
    });
    expect(await trackOf(referralId)).toMatchObject({ status: 'CLOSED', outcome: 'REACHED_SUPPORTED' });
    expect((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).status).toBe('CLOSED');
    // Closed: nothing more to record.
    expect(
      await recordContactAttempt({
        actor: biss,
        input: { trackId, contactAt: minutesAgo(0), channel: 'PHONE', reached: true },
      }),
    ).toMatchObject({ ok: false });

    // The officer and the supervisor read the feedback: steps, dates, reached or not, outcome; the
    // organisation's name, not the caseworker's.
    for (const view of [
      await ownReferral({ actor: officer, id: referralId }),
      await referralForReview({ actor: supervisor, id: referralId }),
    ]) {
      const partnerSteps = view!.timeline.filter((e) => e.actorRole === 'PARTNER');
      expect(partnerSteps.map((e) => [e.step, e.contactChannel, e.reached, e.outcome])).toEqual([
        ['ACKNOWLEDGED', null, null, null],
        ['CONTACT_ATTEMPTED', 'PHONE', false, null],
        ['CONTACT_ATTEMPTED', 'SMS', true, null],
        ['CLOSED', null, null, 'REACHED_SUPPORTED'],
      ]);
      expect(new Set(partnerSteps.map((e) => e.actorName))).toEqual(
        new Set(['BISS Region Hannover (AWO Region Hannover e.V.)']),
      );
    }
    const audits = await db().auditEvent.findMany({
      where: {
        actorId: biss.id,
        action: { in: ['REFERRAL_ACKNOWLEDGED', 'REFERRAL_CONTACT_ATTEMPTED', 'REFERRAL_CLOSED'] },
      },
      orderBy: { id: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.details])).toEqual([
      [
        'REFERRAL_ACKNOWLEDGED',
        { step: 'ACKNOWLEDGED', fromStatus: 'DISPATCHED', toStatus: 'ACKNOWLEDGED', track: 'VICTIM' },
      ],
      ['REFERRAL_CONTACT_ATTEMPTED', expect.objectContaining({ channel: 'PHONE', reached: false, track: 'VICTIM' })],
      ['REFERRAL_CONTACT_ATTEMPTED', expect.objectContaining({ channel: 'SMS', reached: true })],
      ['REFERRAL_CLOSED', expect.objectContaining({ outcome: 'REACHED_SUPPORTED', attempts: 2 })],
    ]);
  });

  it('at the same moment as a withdrawal, waits for it or goes first, and never deadlocks', async () => {
    const biss = await caseworkerOf('BISS-REGION');
    for (let i = 0; i < 5; i++) {
      const referralId = await delivered({ complete: true });
      const victim = await trackOf(referralId);
      const perpetrator = await trackOf(referralId, 'PERPETRATOR');
      const programme = await caseworkerOf(perpetrator.partner.code);
      const [acknowledged, acknowledgedToo, withdrawn] = await Promise.all([
        acknowledgeDelivery({ actor: biss, input: { trackId: victim.id } }),
        acknowledgeDelivery({ actor: programme, input: { trackId: perpetrator.id } }),
        withdrawalBy(supervisor, referralId, { track: 'PERPETRATOR' }),
      ]);
      expect(acknowledged).toMatchObject({ ok: true });
      expect(withdrawn).toMatchObject({ ok: true });
      expect([true, false]).toContain(acknowledgedToo.ok);
      // Whatever the order: the referral follows its one open delivery, acknowledged.
      expect(await db().referral.findUniqueOrThrow({ where: { id: referralId } })).toMatchObject({
        status: 'ACKNOWLEDGED',
      });
    }
  });

  it('with two partners, the referral stands where the slower one stands', async () => {
    const referralId = await delivered({ complete: true });
    const victim = await trackOf(referralId);
    const perpetrator = await trackOf(referralId, 'PERPETRATOR');
    const biss = await caseworkerOf(victim.partner.code);
    const programme = await caseworkerOf(perpetrator.partner.code);
    const status = async () => (await db().referral.findUniqueOrThrow({ where: { id: referralId } })).status;

    await acknowledgeDelivery({ actor: biss, input: { trackId: victim.id } });
    expect(await status()).toBe('DISPATCHED');
    await acknowledgeDelivery({ actor: programme, input: { trackId: perpetrator.id } });
    expect(await status()).toBe('ACKNOWLEDGED');
    await recordContactAttempt({
      actor: biss,
      input: { trackId: victim.id, contactAt: minutesAgo(0), channel: 'PHONE', reached: true },
    });
    await recordOutcome({ actor: biss, input: { trackId: victim.id, outcome: 'DECLINED' } });
    expect(await status()).toBe('ACKNOWLEDGED');
    // A caseworker cannot act on the other partner's delivery of the same referral.
    expect(
      await recordOutcome({ actor: biss, input: { trackId: perpetrator.id, outcome: 'FORWARDED' } }),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    await recordOutcome({ actor: programme, input: { trackId: perpetrator.id, outcome: 'FORWARDED' } });
    expect(await status()).toBe('CLOSED');
  });
});

/** The partner jobs waiting in the queue. */
async function partnerJobs() {
  return db().$queryRawUnsafe<{ name: string; data: Record<string, string> }[]>(
    `SELECT name, data FROM pgboss.job WHERE name = ANY($1) ORDER BY created_on, id`,
    [QUEUES.notice.name, QUEUES.webhook.name],
  );
}

describe('what partners are told', () => {
  it('a delivery sends its partner one notice, with ids only', async () => {
    const referralId = await delivered();
    const { partner } = await db().referralTrack.findFirstOrThrow({ where: { referralId }, select: { partner: true } });
    expect(await partnerJobs()).toEqual([{ name: QUEUES.notice.name, data: { partnerId: partner.id, kind: 'NEW' } }]);
    // Run again (a worker that stopped after the commit): nothing more.
    expect(await dispatchReferral(referralId)).toBe('NOTHING_TO_DO');
    expect(await partnerJobs()).toHaveLength(1);
  });

  it('a withdrawal after delivery erases the person from the inbox, and asks the partner to delete its copy', async () => {
    const referralId = await delivered();
    const { id: trackId, partner } = await trackOf(referralId);
    const biss = await caseworkerOf(partner.code);
    await acknowledgeDelivery({ actor: biss, input: { trackId } });
    await db().$executeRawUnsafe('DELETE FROM pgboss.job');

    expect(await withdrawalBy(supervisor, referralId, { receivedVia: 'VIA_PARTNER' })).toMatchObject({ ok: true });
    const jobs = await partnerJobs();
    expect(jobs).toEqual([{ name: QUEUES.notice.name, data: { partnerId: expect.any(String), kind: 'WITHDRAWN' } }]);
    const open = await inbox(biss, 'ACKNOWLEDGED');
    expect(open.scoped && open.items).toEqual([]);
    const withdrawn = await inbox(biss, 'WITHDRAWN');
    expect(withdrawn.scoped && withdrawn.items).toEqual([expect.objectContaining({ id: trackId, personName: null })]);
    expect(await inboxDelivery({ actor: biss, id: trackId })).toMatchObject({ status: 'WITHDRAWN', projection: null });
    // A step from a page left open: refused, without naming who at the police recorded the withdrawal.
    for (const step of [
      () =>
        recordContactAttempt({
          actor: biss,
          input: { trackId, contactAt: minutesAgo(0), channel: 'PHONE', reached: true },
        }),
      () => recordOutcome({ actor: biss, input: { trackId, outcome: 'DECLINED' } }),
    ]) {
      const result = await step();
      expect(result).toEqual({ ok: false, code: 'INVALID_STATE', message: 'inbox.errors.closed' });
    }
  });

  it('a withdrawal before the acknowledgement: the caseworker is told it is over, and by no one', async () => {
    const referralId = await delivered();
    const { id: trackId } = await trackOf(referralId);
    const biss = await caseworkerOf('BISS-REGION');
    await withdrawalBy(supervisor, referralId);
    const result = await acknowledgeDelivery({ actor: biss, input: { trackId } });
    expect(result).toEqual({ ok: false, code: 'INVALID_STATE', message: 'inbox.errors.closed' });
    expect(JSON.stringify(result)).not.toContain(supervisor.displayName);
  });

  it('an overdue acknowledgement brings its partner one reminder, never two', async () => {
    const first = await delivered();
    const second = await delivered();
    await db().$executeRawUnsafe('DELETE FROM pgboss.job');
    await db()
      .$executeRaw`UPDATE "ReferralTrack" SET "dueAt" = now() - interval '1 minute' WHERE "referralId" = ${first}::uuid`;
    expect(await sendDueReminders()).toBe(1);
    expect(await sendDueReminders()).toBe(0);
    await db()
      .$executeRaw`UPDATE "ReferralTrack" SET "dueAt" = now() - interval '1 minute' WHERE "referralId" = ${second}::uuid`;
    expect(await sendDueReminders()).toBe(1);
    expect((await partnerJobs()).map((j) => j.data.kind)).toEqual(['REMINDER', 'REMINDER']);
    const biss = await caseworkerOf('BISS-REGION');
    expect(await inbox(biss)).toMatchObject({ counts: { DISPATCHED: { total: 2, overdue: 2 } } });
  });
});
