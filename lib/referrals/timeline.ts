import 'server-only';

import { openJson, type DataKey } from '@/lib/crypto/envelope';
import type { Db, Tx } from '@/lib/db';
import type {
  ContactAttemptChannel,
  Outcome,
  ReferralStatus,
  ReferralStep,
  Role,
  Track,
  WithdrawalChannel,
} from '@/lib/generated/prisma/enums';
import { commentContext } from '@/lib/referrals/lifecycle';

/**
 * One step of a referral's life as the police read it: what, when, by whom (null: the system), any comment.
 * A partner's step names the organisation, not the caseworker, and carries only what DESIGN.md section 6
 * gives back: the acknowledgement, each contact attempt (when, how, reached or not) and the outcome.
 */
export type TimelineEntry = {
  step: ReferralStep;
  track: Track | null;
  toStatus: ReferralStatus;
  at: Date;
  actorName: string | null;
  actorRole: Role | null;
  /** The return's comment, opened; null when there is none or the personal data is erased. */
  comment: string | null;
  /** What a correction changed (names of parts, lib/referrals/stored.ts `changedParts`). */
  changes: string[];
  /** A withdrawal: how and on which day (YYYY-MM-DD, Europe/Berlin) it reached the police. */
  receivedVia: WithdrawalChannel | null;
  receivedOn: string | null;
  contactAt: Date | null;
  contactChannel: ContactAttemptChannel | null;
  reached: boolean | null;
  outcome: Outcome | null;
};

/** The referral's timeline, oldest first, its comments opened with the referral's data key (if it still exists). */
export async function timelineOf(
  client: Db | Tx,
  referralId: string,
  dataKey: DataKey | null,
): Promise<TimelineEntry[]> {
  const events = await client.referralEvent.findMany({
    where: { referralId },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: {
      step: true,
      track: true,
      toStatus: true,
      at: true,
      actorRole: true,
      comment: true,
      changes: true,
      receivedVia: true,
      receivedOn: true,
      contactAt: true,
      contactChannel: true,
      reached: true,
      outcome: true,
      actor: { select: { displayName: true, partner: { select: { name: true } } } },
    },
  });
  return events.map((e) => ({
    step: e.step,
    track: e.track,
    toStatus: e.toStatus,
    at: e.at,
    actorName: (e.actorRole === 'PARTNER' ? e.actor?.partner?.name : e.actor?.displayName) ?? null,
    actorRole: e.actorRole,
    comment:
      dataKey && e.comment
        ? ((openJson(dataKey, e.comment, commentContext(referralId, e.at)) as string | null) ?? null)
        : null,
    changes: e.changes ?? [],
    receivedVia: e.receivedVia,
    // A DATE column comes back as midnight UTC of that day.
    receivedOn: e.receivedOn?.toISOString().slice(0, 10) ?? null,
    contactAt: e.contactAt,
    contactChannel: e.contactChannel,
    reached: e.reached,
    outcome: e.outcome,
  }));
}
