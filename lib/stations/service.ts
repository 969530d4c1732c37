import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { failure, success, type ActionResult } from '@/lib/result';
import type { ReviewModeInput } from '@/lib/stations/schema';

/**
 * Switches a station between four-eyes review and direct dispatch (DESIGN.md section 3). Conditional on the
 * mode the admin saw; audited in the same transaction. Referrals already waiting keep waiting for review:
 * the mode decides at submission.
 */
export async function setReviewMode({
  actor,
  input,
}: {
  actor: Actor;
  input: ReviewModeInput;
}): Promise<ActionResult<null>> {
  if (input.from === input.to) return success(null);
  return db().$transaction(async (tx) => {
    const changed = await tx.station.updateMany({
      where: { id: input.stationId, reviewMode: input.from },
      data: { reviewMode: input.to },
    });
    if (changed.count === 0) {
      const exists = await tx.station.count({ where: { id: input.stationId } });
      return exists ? failure('CONFLICT', 'stations.errors.changed') : failure('NOT_FOUND', 'errors.codes.NOT_FOUND');
    }
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'STATION_REVIEW_MODE_CHANGED',
      entityType: 'Station',
      entityId: input.stationId,
      details: { from: input.from, to: input.to },
    });
    return success(null);
  });
}
