/**
 * The lifecycle of a referral (DESIGN.md section 3, lib/referrals/lifecycle.ts) against the real database:
 * every pair of statuses and every taker, the referral put into the first status directly. A move of the
 * lifecycle happens, with exactly one timeline entry and one audit event in the same transaction; every
 * other move is refused and leaves the row, its tracks, the timeline and the audit trail as they were.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import type * as AuditRecord from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { ROLES } from '@/lib/auth/permissions';
import { db, type Tx } from '@/lib/db';
import type { ReferralStatus, ReferralStep, Role } from '@/lib/generated/prisma/enums';
import { DUE_STATUSES, findTransition, transition, TRANSITIONS, type StepActor } from '@/lib/referrals/lifecycle';
import { REFERRAL_STATUSES } from '@/lib/referrals/values';
import { approveReferral } from '@/lib/review/service';
import { completeSubmission } from '@/prisma/factories';

import { fileIn, putInStatus, snapshot } from '../support/review';
import { createActor, freshWorld } from '../support/world';

const failOn = vi.hoisted(() => ({ action: null as string | null }));

vi.mock('@/lib/audit/record', async (importOriginal) => {
  const original = await importOriginal<typeof AuditRecord>();
  return {
    ...original,
    recordAudit: async (...args: Parameters<typeof original.recordAudit>) => {
      if (args[1].action === failOn.action) throw new Error('audit store unavailable');
      return original.recordAudit(...args);
    },
  };
});

type Taker = Role | 'SYSTEM';
const TAKERS: readonly Taker[] = [...ROLES, 'SYSTEM'];
const OPEN = ['SUBMITTED', 'RETURNED', 'APPROVED', 'DISPATCHED', 'ACKNOWLEDGED'] as const;

/**
 * The lifecycle as DESIGN.md section 3 draws it, written out here rather than read from the module under
 * test: [from, to, who, step, audit action].
 */
const LIFECYCLE: [ReferralStatus, ReferralStatus, Taker, ReferralStep, string][] = [
  ['SUBMITTED', 'SUBMITTED', 'OFFICER', 'CORRECTED', 'REFERRAL_CORRECTED'],
  ['RETURNED', 'SUBMITTED', 'OFFICER', 'RESUBMITTED', 'REFERRAL_CORRECTED'],
  ['SUBMITTED', 'APPROVED', 'SUPERVISOR', 'APPROVED', 'REFERRAL_APPROVED'],
  ['SUBMITTED', 'APPROVED', 'SYSTEM', 'AUTO_APPROVED', 'REFERRAL_APPROVED'],
  ['SUBMITTED', 'RETURNED', 'SUPERVISOR', 'RETURNED', 'REFERRAL_RETURNED'],
  ['APPROVED', 'DISPATCHED', 'SYSTEM', 'DISPATCHED', 'REFERRAL_DISPATCHED'],
  ['DISPATCHED', 'ACKNOWLEDGED', 'PARTNER', 'ACKNOWLEDGED', 'REFERRAL_ACKNOWLEDGED'],
  ['ACKNOWLEDGED', 'ACKNOWLEDGED', 'PARTNER', 'CONTACT_ATTEMPTED', 'REFERRAL_CONTACT_ATTEMPTED'],
  ['ACKNOWLEDGED', 'CLOSED', 'PARTNER', 'CLOSED', 'REFERRAL_CLOSED'],
  ...OPEN.map((from): [ReferralStatus, ReferralStatus, Taker, ReferralStep, string] => [
    from,
    'WITHDRAWN',
    'SUPERVISOR',
    'WITHDRAWN',
    'REFERRAL_WITHDRAWN',
  ]),
  ...[...OPEN, 'CLOSED' as const, 'WITHDRAWN' as const].map(
    (from): [ReferralStatus, ReferralStatus, Taker, ReferralStep, string] => [
      from,
      'PURGED',
      'SYSTEM',
      'PURGED',
      'REFERRAL_PURGED',
    ],
  ),
];

const expected = (from: ReferralStatus, to: ReferralStatus, taker: Taker) =>
  LIFECYCLE.find(([f, t, by]) => f === from && t === to && by === taker) ?? null;

type Row = { status: string; statusChangedAt: string; approvedAt: string | null; dueAt: string | null };
const time = (value: string | null) => (value === null ? null : new Date(value));
const later = (from: Date | null, hours: number) => from && new Date(from.getTime() + hours * 3_600_000);

/**
 * What each step leaves due, for a high-risk referral with the default targets (DESIGN.md section 3: approve
 * within 1 h, acknowledgement within 4 h of the approval, first contact within 24 h of it).
 */
const DUE: Record<ReferralStep, (move: { at: Date; was: Row }) => Date | null> = {
  SUBMITTED: () => {
    throw new Error('the submission is no move from a status');
  },
  // Corrected while waiting: it keeps its place in the queue, and its deadline counts from there.
  CORRECTED: ({ was }) => later(time(was.statusChangedAt), 1),
  RESUBMITTED: ({ at }) => later(at, 1),
  APPROVED: ({ at }) => later(at, 4),
  AUTO_APPROVED: ({ at }) => later(at, 4),
  RETURNED: () => null,
  DISPATCHED: ({ was }) => time(was.dueAt),
  ACKNOWLEDGED: ({ was }) => later(time(was.approvedAt), 24),
  // The first contact attempt meets the last target: nothing is due after it.
  CONTACT_ATTEMPTED: () => null,
  CLOSED: () => null,
  WITHDRAWN: () => null,
  PURGED: () => null,
};

/** Ends a transaction on purpose, carrying what was seen inside it. */
class Rollback<T> extends Error {
  constructor(readonly seen: T) {
    super('rollback');
  }
}

/** Runs `inside` in a transaction that is always rolled back; returns what it saw. */
async function rolledBack<T>(inside: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    await db().$transaction(async (tx) => {
      throw new Rollback(await inside(tx));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.seen as T;
    throw error;
  }
  throw new Error('unreachable');
}

describe('the lifecycle table', () => {
  it('is the lifecycle of DESIGN.md section 3, and nothing else', () => {
    const fake = (role: Role): StepActor => ({ id: '00000000-0000-0000-0000-000000000000', role });
    for (const from of REFERRAL_STATUSES) {
      for (const to of REFERRAL_STATUSES) {
        for (const taker of TAKERS) {
          const found = findTransition(from, to, taker === 'SYSTEM' ? 'SYSTEM' : fake(taker));
          expect(found?.step ?? null, `${from} → ${to} by ${taker}`).toBe(expected(from, to, taker)?.[3] ?? null);
        }
      }
    }
    expect(TRANSITIONS).toHaveLength(LIFECYCLE.length);
  });

  it('has a deadline in every waiting status and in no ended one', () => {
    expect([...DUE_STATUSES].sort()).toEqual(['ACKNOWLEDGED', 'APPROVED', 'DISPATCHED', 'SUBMITTED']);
  });
});

describe('transition()', () => {
  let referralId: string;
  const actors = {} as Record<Role, Actor>;
  const stepActor = (taker: Taker): StepActor => (taker === 'SYSTEM' ? 'SYSTEM' : actors[taker]);

  // One referral (both tracks) and one account per role for the whole matrix: every move below is rolled
  // back, and each status is set afresh before its moves.
  beforeAll(async () => {
    await freshWorld();
    actors.OFFICER = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    actors.SUPERVISOR = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    actors.ADMIN = await createActor('ADMIN');
    actors.PARTNER = await createActor('PARTNER', { partnerCode: 'MB-H' });
    actors.AUDITOR = await createActor('AUDITOR');
    referralId = await fileIn(actors.OFFICER, 'Garbsen', {}, completeSubmission);
  });

  for (const from of REFERRAL_STATUSES) {
    it(`from ${from}: makes exactly the lifecycle's moves, each with one timeline entry and one audit event`, async () => {
      await putInStatus(referralId, from);
      // Times that no step sets, so that each change (or its absence) shows.
      const approved = ['APPROVED', 'DISPATCHED', 'ACKNOWLEDGED', 'CLOSED'].includes(from);
      await db().$executeRaw`
        UPDATE "Referral" SET "statusChangedAt" = "submittedAt" + interval '5 minutes',
               "approvedAt" = CASE WHEN ${approved} THEN "submittedAt" + interval '10 minutes' END,
               "dueAt" = timestamptz '2030-01-01 12:00:00+00'
         WHERE id = ${referralId}::uuid`;
      // Its deliveries as dispatch leaves them: high risk like the referral.
      await db().$executeRaw`UPDATE "ReferralTrack" SET "highRisk" = true WHERE "referralId" = ${referralId}::uuid`;
      const before = await snapshot(db(), referralId);
      expect(before.tracks).toHaveLength(2);
      expect(before.referral).toMatchObject({ highRisk: true });

      // Every move that is not in the lifecycle, in one transaction: each refused, nothing touched.
      const refused = await rolledBack(async (tx) => {
        const results: [string, unknown][] = [];
        for (const to of REFERRAL_STATUSES) {
          for (const taker of TAKERS) {
            if (expected(from, to, taker)) continue;
            results.push([
              `${from} → ${to} by ${taker}`,
              await transition(tx, { referralId, from, to, by: stepActor(taker) }),
            ]);
          }
        }
        return { results, inside: await snapshot(tx, referralId) };
      });
      const moves = LIFECYCLE.filter(([f]) => f === from);
      expect(refused.results).toHaveLength(REFERRAL_STATUSES.length * TAKERS.length - moves.length);
      for (const [move, result] of refused.results) expect(result, move).toEqual({ ok: false, error: 'NOT_ALLOWED' });
      expect(refused.inside).toEqual(before);
      expect(await snapshot(db(), referralId)).toEqual(before);

      // Each move of the lifecycle, in a transaction of its own, looked at from inside and then rolled back. A
      // partner moves one delivery at a time (never the whole referral): here both, each by its own step, and
      // the referral follows once the last one has moved.
      for (const [, to, taker, step, action] of moves) {
        const by = stepActor(taker);
        const tracks = taker === 'PARTNER' ? (['VICTIM', 'PERPETRATOR'] as const) : [undefined];
        const seen = await rolledBack(async (tx) => {
          const wholeByPartner = taker === 'PARTNER' ? await transition(tx, { referralId, from, to, by }) : null;
          const results = [];
          for (const track of tracks) results.push(await transition(tx, { referralId, from, to, by, track }));
          return {
            wholeByPartner,
            result: results.at(-1),
            results,
            inside: await snapshot(tx, referralId),
            // Not chained yet: the events wait in AuditPending until the commit (ADR 0012).
            audits: await tx.auditPending.findMany({ orderBy: { id: 'asc' } }),
          };
        });
        const move = `${from} → ${to} by ${taker}`;
        if (taker === 'PARTNER') expect(seen.wholeByPartner, move).toEqual({ ok: false, error: 'NOT_ALLOWED' });
        for (const result of seen.results) expect(result, move).toMatchObject({ ok: true, at: expect.any(Date) });
        const at = (seen.result as { at: Date }).at;
        const row = seen.inside.referral as Row;
        const was = before.referral as Row;
        expect(row.status, move).toBe(to);
        expect(time(row.statusChangedAt), move).toEqual(from === to ? time(was.statusChangedAt) : at);
        expect(time(row.approvedAt), move).toEqual(to === 'APPROVED' ? at : time(was.approvedAt));
        expect(time(row.dueAt), move).toEqual(DUE[step]({ at, was }));
        // The tracks move with the referral (both were where the referral was).
        expect(
          seen.inside.tracks.map((t) => (t as { status: string }).status),
          move,
        ).toEqual([to, to]);
        expect(seen.inside.events.slice(0, before.events.length), move).toEqual(before.events);
        const actor = by === 'SYSTEM' ? null : by;
        expect(seen.inside.events.slice(before.events.length), move).toEqual(
          tracks.map((track) =>
            expect.objectContaining({
              referralId,
              step,
              track: track ?? null,
              fromStatus: from,
              toStatus: to,
              actorId: actor?.id ?? null,
              actorRole: actor?.role ?? null,
              comment: null,
            }),
          ),
        );
        expect(seen.audits, move).toEqual(
          tracks.map((track) =>
            expect.objectContaining({
              action,
              actorId: actor?.id ?? null,
              actorRole: actor?.role ?? null,
              entityType: 'Referral',
              entityId: referralId,
              details: { step, fromStatus: from, toStatus: to, ...(track && { track }) },
            }),
          ),
        );
        // Rolled back: no timeline entry, no audit event, the referral where it was.
        expect(await snapshot(db(), referralId), move).toEqual(before);
      }
    });
  }
});

describe('a move and its records', () => {
  beforeEach(async () => {
    failOn.action = null;
    await freshWorld();
  });

  it('commit together: the approval, its timeline entry and its audit event', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    const referralId = await fileIn(officer);

    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toEqual({
      ok: true,
      data: { status: 'APPROVED' },
    });
    const events = await db().referralEvent.findMany({
      where: { referralId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    expect(events.map((e) => [e.step, e.fromStatus, e.toStatus, e.actorId])).toEqual([
      ['SUBMITTED', null, 'SUBMITTED', officer.id],
      ['APPROVED', 'SUBMITTED', 'APPROVED', supervisor.id],
    ]);
    const audits = await db().auditEvent.findMany({ where: { action: 'REFERRAL_APPROVED' } });
    expect(audits).toEqual([
      expect.objectContaining({
        actorId: supervisor.id,
        actorRole: 'SUPERVISOR',
        entityId: referralId,
        details: { step: 'APPROVED', fromStatus: 'SUBMITTED', toStatus: 'APPROVED', version: 1 },
      }),
    ]);
  });

  it('roll back together: when the audit event cannot be written, the referral does not move either', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const supervisor = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
    const before = await snapshot(db(), referralId);

    failOn.action = 'REFERRAL_APPROVED';
    await expect(approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).rejects.toThrow(
      'audit store unavailable',
    );
    expect(await snapshot(db(), referralId)).toEqual(before);
    expect(before.referral).toMatchObject({ status: 'SUBMITTED' });
    expect(await db().referralEvent.count({ where: { step: 'APPROVED' } })).toBe(0);
  });
});
