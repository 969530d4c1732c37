import type { Outcome } from '@/lib/inbox/values';
import type { ReferralStatus } from '@/lib/referrals/values';
import type { Track } from '@/lib/routing/values';

/** A row of the inbox: enough to pick the next one to work on. */
export type InboxRow = {
  id: string;
  reference: string;
  track: Track;
  status: ReferralStatus;
  highRisk: boolean;
  dispatchedAt: Date;
  dueAt: Date | null;
  overdue: boolean;
  incidentAt: Date;
  /** Where the person lives: only in victim support's projection. */
  municipality: string | null;
  /** Null once the personal data is erased (withdrawn). */
  personName: string | null;
  outcome: Outcome | null;
};
