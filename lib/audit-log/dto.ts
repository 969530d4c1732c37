/**
 * What the auditor's pages pass to client components (issue 13): events, traced referrals and the
 * break-glass view. Client-safe types only.
 */
import type { Role } from '@/lib/auth/permissions';
import type { ProjectionValues } from '@/lib/referrals/projection';
import type { ReferralStatus } from '@/lib/referrals/values';
import type { Track } from '@/lib/routing/values';

/** One event as the auditor reads it: who (name, e-mail, role), when, what, which record, why, to whom. */
export type AuditRow = {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  actorRole: Role | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  /** How many records a list view showed. */
  subjectCount: number;
  reason: string | null;
  recipient: string | null;
  details: Record<string, unknown> | null;
};

/** A referral as the trace shows it: when and where, how far it got; nothing of its contents. */
export type TracedReferral = {
  id: string;
  submittedAt: Date;
  stationName: string;
  /** Where the person lives (a pseudonymous fact): tells two referrals of one Vorgangsnummer apart. */
  municipalityName: string;
  status: ReferralStatus;
  /** Its personal data is erased (withdrawn or purged): the break-glass view has nothing to show. */
  erased: boolean;
  partners: string[];
};

/** How one actor dealt with a traced referral. */
export type TraceActor = {
  actorId: string | null;
  name: string | null;
  email: string | null;
  role: Role | null;
  count: number;
  first: Date;
  last: Date;
};

export type ReferralTrace = {
  referral: TracedReferral;
  /** Everyone who had it before them (opened it, saw it in a list, wrote or decided it), most recent first. */
  saw: TraceActor[];
  /** The organisations it was disclosed to (delivered, sent by webhook). */
  received: { recipient: string; count: number; first: Date; last: Date }[];
  /** Who tried to open it and was refused. */
  refused: TraceActor[];
  /** Everything that happened to the referral and who saw it; the auditors' own checks are counted apart. */
  events: AuditRow[];
  /** Searches, traces and exports by auditors that concern it (in the search, not in `events`). */
  auditorChecks: number;
  /** More events than shown: narrow the period. */
  truncated: boolean;
};

/** A referral's contents as the break-glass view shows them: what each partner received, per track. */
export type BreakGlassView = {
  /** The personal data is erased (withdrawn or purged): nothing to show, and nothing was shown. */
  erased: boolean;
  tracks: { track: Track; partnerName: string; projection: Partial<ProjectionValues> | null }[];
};
