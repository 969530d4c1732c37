import 'server-only';

import { db } from '@/lib/db';
import { announce } from '@/lib/delivery/outbox';
import { transition } from '@/lib/referrals/lifecycle';

/** What a dispatch job found: delivered now, or nothing to do (already delivered, withdrawn, gone). */
export type DispatchOutcome = 'DISPATCHED' | 'NOTHING_TO_DO';

/**
 * The `referral-dispatch` job (ADR 0011): an approved referral goes to its partners' inboxes, which is the
 * lifecycle's DISPATCHED step, taken by the system. Conditional like every step, so a job that runs again
 * (a worker stopped after the commit, before the job was marked done) finds it already delivered, and a
 * referral withdrawn in between is not delivered at all. The audit event names the recipients; each partner's
 * notice (and webhook) is sent in the same transaction, so it goes out exactly when the delivery exists.
 */
export async function dispatchReferral(referralId: string): Promise<DispatchOutcome> {
  return db().$transaction(async (tx) => {
    const tracks = await tx.referralTrack.findMany({
      where: { referralId, status: 'APPROVED' },
      orderBy: { track: 'asc' },
      select: { track: true, partnerId: true, partner: { select: { code: true } } },
    });
    const moved = await transition(tx, {
      referralId,
      from: 'APPROVED',
      to: 'DISPATCHED',
      by: 'SYSTEM',
      // A disclosure names its recipients (Art. 25 Directive 2016/680): the partners, by their stable codes.
      recipient: tracks.map((t) => t.partner.code).join(', '),
      details: Object.fromEntries(tracks.map((t) => [`recipient${t.track}`, t.partnerId])),
    });
    if (!moved.ok) return 'NOTHING_TO_DO';
    await announce(tx, referralId, 'DISPATCHED');
    return 'DISPATCHED';
  });
}
