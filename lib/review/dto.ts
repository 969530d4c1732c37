import type { OverrideReason, ReferralStatus, RoutingReason } from '@/lib/referrals/values';
import type { Track } from '@/lib/routing/values';

/** A row of the queue: enough to decide which to open, nothing that reaches the person (no names, phones, notes). */
export type QueueRow = {
  id: string;
  status: ReferralStatus;
  highRisk: boolean;
  statusChangedAt: Date;
  submittedAt: Date;
  incidentAt: Date;
  dueAt: Date | null;
  overdue: boolean;
  /** Above 1: corrected by the officer (after a return, or while waiting). */
  version: number;
  municipality: string;
  station: string;
  officer: string;
  tracks: {
    track: Track;
    partner: string;
    routingReason: RoutingReason;
    overrideReason: OverrideReason | null;
    status: ReferralStatus;
    /** Its webhook keeps failing ("Zustellung gestört"). */
    trouble: boolean;
  }[];
};
