/**
 * The supervisor's decisions (issue 11, DESIGN.md section 3): four-eyes approval and the return to the
 * officer with a comment. Of supervisors deciding at the same moment exactly one wins and the others learn
 * who; a decision on a version the officer has corrected since is refused; nobody decides their own
 * referral; a return's comment is sealed, shown to the officer, and the corrected referral waits again.
 */
import { z } from 'zod/mini';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { ownReferral } from '@/lib/referrals/queries';
import { correctReferral } from '@/lib/referrals/service';
import { referralForReview } from '@/lib/review/queries';
import { returnInput, RETURN_COMMENT_MAX } from '@/lib/review/schema';
import { approveReferral, returnReferral } from '@/lib/review/service';
import { completeSubmission } from '@/prisma/factories';

import { correctionOf, fileIn, snapshot } from '../support/review';
import { createActor, freshWorld } from '../support/world';

beforeEach(freshWorld);

/** Supervisors of Garbsen's referrals: by turns of the station and of its inspection. */
function supervisorsOfGarbsen(count: number): Promise<Actor[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      createActor('SUPERVISOR', i % 2 ? { stationCode: 'PK-GARBSEN' } : { inspectionCode: 'PI-GAR' }),
    ),
  );
}

async function statusOf(referralId: string) {
  const row = await db().referral.findUniqueOrThrow({
    where: { id: referralId },
    select: { status: true, version: true, tracks: { select: { status: true }, orderBy: { track: 'asc' } } },
  });
  return { status: row.status, version: row.version, tracks: row.tracks.map((t) => t.status) };
}

describe('supervisors deciding at the same moment', () => {
  for (const count of [2, 10]) {
    it(`${count} approvals: exactly one wins, the others learn who was first`, async () => {
      const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
      const supervisors = await supervisorsOfGarbsen(count);

      const results = await Promise.all(
        supervisors.map((actor) => approveReferral({ actor, input: { referralId, version: 1 } })),
      );

      const winners = supervisors.filter((_, i) => results[i]!.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      const [approval] = await db().referralEvent.findMany({ where: { referralId, step: 'APPROVED' } });
      expect(await db().referralEvent.count({ where: { referralId, step: 'APPROVED' } })).toBe(1);
      expect(approval).toMatchObject({ actorId: winner.id, fromStatus: 'SUBMITTED', toStatus: 'APPROVED' });
      const losers = results.filter((r) => !r.ok);
      expect(losers).toHaveLength(count - 1);
      for (const loser of losers) {
        expect(loser).toEqual({
          ok: false,
          code: 'CONFLICT',
          message: 'review.errors.alreadyHandled',
          values: { status: 'APPROVED', by: winner.displayName, at: approval!.at },
        });
      }
      expect(await statusOf(referralId)).toEqual({ status: 'APPROVED', version: 1, tracks: ['APPROVED', 'APPROVED'] });
      const audits = await db().auditEvent.findMany({ where: { action: 'REFERRAL_APPROVED' } });
      expect(audits.map((a) => a.actorId)).toEqual([winner.id]);
    });
  }

  it('an approval and a return: exactly one wins, and the other learns what happened and by whom', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const [approver, returner] = (await supervisorsOfGarbsen(2)) as [Actor, Actor];
    // A few rounds, so that either may be first.
    for (let round = 0; round < 3; round++) {
      const referralId = await fileIn(officer, 'Garbsen', {}, completeSubmission);
      const [approved, returned] = await Promise.all([
        approveReferral({ actor: approver, input: { referralId, version: 1 } }),
        returnReferral({ actor: returner, input: { referralId, version: 1, comment: 'Bitte Telefonnummer prüfen.' } }),
      ]);
      expect([approved.ok, returned.ok].filter(Boolean)).toHaveLength(1);
      const [status, winner, loser] = approved.ok
        ? (['APPROVED', approver, returned] as const)
        : (['RETURNED', returner, approved] as const);
      expect(loser).toMatchObject({
        ok: false,
        code: 'CONFLICT',
        message: 'review.errors.alreadyHandled',
        values: { status, by: winner.displayName },
      });
      expect(await statusOf(referralId)).toEqual({ status, version: 1, tracks: [status, status] });
      const steps = await db().referralEvent.findMany({
        where: { referralId, step: { not: 'SUBMITTED' } },
        select: { step: true, actorId: true },
      });
      expect(steps).toEqual([{ step: status, actorId: winner.id }]);
      expect(
        await db().auditEvent.count({
          where: { entityId: referralId, action: { in: ['REFERRAL_APPROVED', 'REFERRAL_RETURNED'] } },
        }),
      ).toBe(1);
    }
  });
});

describe('a decision on what the supervisor saw', () => {
  it('is refused when the officer corrected the referral since, and nothing moves', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const [supervisor] = (await supervisorsOfGarbsen(1)) as [Actor];
    const referralId = await fileIn(officer);
    const seen = await referralForReview({ actor: supervisor, id: referralId });
    expect(seen).toMatchObject({ version: 1, status: 'SUBMITTED' });

    expect(
      await correctReferral({
        actor: officer,
        input: await correctionOf(officer, referralId, { phone: '0176 11122233' }),
      }),
    ).toMatchObject({ ok: true });
    const corrected = await snapshot(db(), referralId);
    expect(corrected.referral).toMatchObject({ version: 2, status: 'SUBMITTED' });

    const changed = { ok: false, code: 'CONFLICT', message: 'review.errors.changed' };
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: seen!.version } })).toEqual(
      changed,
    );
    expect(
      await returnReferral({ actor: supervisor, input: { referralId, version: seen!.version, comment: 'Unklar.' } }),
    ).toEqual(changed);
    expect(await snapshot(db(), referralId)).toEqual(corrected);

    // On the version read again, the decision goes through.
    const again = await referralForReview({ actor: supervisor, id: referralId });
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: again!.version } })).toMatchObject({
      ok: true,
    });
  });
});

describe('four-eyes', () => {
  it('a supervisor cannot approve or return a referral they filed; another supervisor can', async () => {
    // A station supervisor filing a referral through the service, as an officer of the station would.
    const filer = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    const [other] = (await supervisorsOfGarbsen(1)) as [Actor];
    const referralId = await fileIn(filer);
    const before = await snapshot(db(), referralId);

    expect((await referralForReview({ actor: filer, id: referralId }))!.own).toBe(true);
    expect((await referralForReview({ actor: other, id: referralId }))!.own).toBe(false);
    const own = { ok: false, code: 'FORBIDDEN', message: 'review.errors.ownReferral' };
    expect(await approveReferral({ actor: filer, input: { referralId, version: 1 } })).toEqual(own);
    expect(await returnReferral({ actor: filer, input: { referralId, version: 1, comment: 'Selbst.' } })).toEqual(own);
    const after = await snapshot(db(), referralId);
    expect({ ...after, audit: null }).toEqual({ ...before, audit: null });
    expect(await db().auditEvent.count({ where: { action: { in: ['REFERRAL_APPROVED', 'REFERRAL_RETURNED'] } } })).toBe(
      0,
    );
    // Each attempt is a denied authorisation, audited.
    const denied = await db().auditEvent.findMany({ where: { action: 'ACCESS_DENIED' }, orderBy: { id: 'asc' } });
    expect(denied.map((a) => [a.actorId, a.details])).toEqual([
      [filer.id, { permission: 'review:decide', referral: referralId, reason: 'OWN_REFERRAL' }],
      [filer.id, { permission: 'review:decide', referral: referralId, reason: 'OWN_REFERRAL' }],
    ]);

    expect(await approveReferral({ actor: other, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  });

  it('holds for an inspection supervisor whose referral it is, whoever filed it as far as the row says', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const [supervisor] = (await supervisorsOfGarbsen(1)) as [Actor];
    const referralId = await fileIn(officer);
    await db().referral.update({ where: { id: referralId }, data: { createdById: supervisor.id } });

    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: 'review.errors.ownReferral',
    });
    expect((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).status).toBe('SUBMITTED');
  });
});

describe('a return to the officer', () => {
  it('needs a comment, at most a thousand characters of visible text', () => {
    const referralId = '0192f5e0-0000-7000-8000-000000000001';
    const errorsOf = (comment: unknown) => {
      const result = z.safeParse(returnInput, { referralId, version: 1, comment });
      return result.success ? 'valid' : z.flattenError(result.error).fieldErrors.comment;
    };
    expect(errorsOf(undefined)).toEqual(['errors.required']);
    expect(errorsOf('')).toEqual(['errors.required']);
    expect(errorsOf('   \n  ')).toEqual(['errors.required']);
    expect(errorsOf('x'.repeat(RETURN_COMMENT_MAX + 1))).toEqual(['errors.tooLong']);
    expect(errorsOf('Bitte\r\ndie Nummer prüfen.')).toBe('valid');
    expect(errorsOf('x'.repeat(RETURN_COMMENT_MAX))).toBe('valid');
  });

  it('is sealed, shown to the officer, and after the correction the referral waits again for another approval', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const [returner, approver] = (await supervisorsOfGarbsen(2)) as [Actor, Actor];
    const referralId = await fileIn(officer, 'Garbsen', { lastName: 'Quastenberg', phone: '0511 9876543' });
    const comment = 'Frau Quastenberg ist unter 0511 9876543 nicht erreichbar – bitte Nummer prüfen.';

    expect(await returnReferral({ actor: returner, input: { referralId, version: 1, comment } })).toEqual({
      ok: true,
      data: { status: 'RETURNED' },
    });

    // Sealed like the rest of the referral's personal data: neither the text nor the name in clear.
    const returned = await db().referralEvent.findFirstOrThrow({ where: { referralId, step: 'RETURNED' } });
    expect(returned.comment).toMatch(/^e1\./);
    expect(returned.comment).not.toContain('Quastenberg');
    expect(returned.comment).not.toContain('nicht erreichbar');
    const [audit] = await db().auditEvent.findMany({ where: { action: 'REFERRAL_RETURNED' } });
    expect(audit).toMatchObject({ actorId: returner.id, details: { commentLength: comment.length, version: 1 } });
    expect(JSON.stringify(audit!.details)).not.toMatch(/Quastenberg|9876543|erreichbar/);
    const waiting = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });
    expect(waiting).toMatchObject({ status: 'RETURNED', dueAt: null, statusChangedAt: returned.at });
    expect(waiting.tracks.map((t) => t.status)).toEqual(['RETURNED']);

    // The officer reads it, opened, on the own referral.
    const view = await ownReferral({ actor: officer, id: referralId });
    expect(view).toMatchObject({ status: 'RETURNED', correctable: true });
    expect(view!.timeline.map((e) => [e.step, e.actorName, e.comment])).toEqual([
      ['SUBMITTED', officer.displayName, null],
      ['RETURNED', returner.displayName, comment],
    ]);
    // A decision now finds it handled.
    expect(await approveReferral({ actor: approver, input: { referralId, version: 1 } })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
      message: 'review.errors.alreadyHandled',
      values: { status: 'RETURNED', by: returner.displayName },
    });

    // The officer corrects: it waits for review again, with a new deadline, as version 2.
    expect(
      await correctReferral({
        actor: officer,
        input: await correctionOf(officer, referralId, { phone: '0176 11122233' }),
      }),
    ).toMatchObject({ ok: true });
    const resubmitted = await db().referralEvent.findFirstOrThrow({ where: { referralId, step: 'RESUBMITTED' } });
    expect(resubmitted).toMatchObject({ fromStatus: 'RETURNED', toStatus: 'SUBMITTED', actorId: officer.id });
    const again = await db().referral.findUniqueOrThrow({ where: { id: referralId }, include: { tracks: true } });
    expect(again).toMatchObject({
      status: 'SUBMITTED',
      version: 2,
      statusChangedAt: resubmitted.at,
      dueAt: new Date(resubmitted.at.getTime() + 4 * 3_600_000),
    });
    expect(again.tracks.map((t) => t.status)).toEqual(['SUBMITTED']);
    expect(await db().auditEvent.count({ where: { action: 'REFERRAL_CORRECTED', entityId: referralId } })).toBe(1);

    // Another supervisor approves the corrected version; the timeline tells the whole story.
    expect(await approveReferral({ actor: approver, input: { referralId, version: 2 } })).toMatchObject({ ok: true });
    const review = await referralForReview({ actor: approver, id: referralId });
    expect(review!.timeline.map((e) => [e.step, e.actorName, e.comment])).toEqual([
      ['SUBMITTED', officer.displayName, null],
      ['RETURNED', returner.displayName, comment],
      ['RESUBMITTED', officer.displayName, null],
      ['APPROVED', approver.displayName, null],
    ]);
    expect(review).toMatchObject({ status: 'APPROVED', version: 2 });
  });
});
