import 'server-only';

import type { Actor } from '@/lib/auth/guards';

/**
 * What a supervisor reviews (DESIGN.md section 2): the referrals of their station, or of every station of
 * their inspection (the inspection is stored on each referral, ADR 0010). No scope, no referrals.
 */
export type ReviewScope = { stationId: string } | { inspectionId: string };

export function reviewScope(actor: Actor): ReviewScope | null {
  if (actor.stationId) return { stationId: actor.stationId };
  if (actor.inspectionId) return { inspectionId: actor.inspectionId };
  return null;
}

/** Whether a referral of this station and inspection lies in the scope. */
export function inScope(scope: ReviewScope | null, referral: { stationId: string; inspectionId: string }): boolean {
  if (!scope) return false;
  return 'stationId' in scope ? scope.stationId === referral.stationId : scope.inspectionId === referral.inspectionId;
}
