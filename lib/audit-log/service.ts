import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { checkpointAuditChain, type ChainCheck } from '@/lib/audit/verification';
import type { Actor } from '@/lib/auth/guards';
import { unwrapDataKey } from '@/lib/crypto/envelope';
import { db } from '@/lib/db';
import { projectionOf } from '@/lib/referrals/projection';
import { STORED_REFERRAL_SELECT, type StoredReferral, storedDraft } from '@/lib/referrals/stored';
import { failure, success, type ActionResult } from '@/lib/result';

import type { BreakGlassView } from './dto';
import { type KnownData, reasonNamesThePerson } from './reason';
import type { BreakGlassInput } from './schema';

/**
 * Break-glass (issue 13): an auditor whose inquiry needs a referral's contents opens them with a written
 * reason. The reason and the opening are one audit event (REFERRAL_CONTENTS_OPENED), written before the
 * contents leave the server and listed to admins; without a valid reason nothing is shown or recorded.
 */
export async function openReferralContents({
  actor,
  input,
}: {
  actor: Actor;
  input: BreakGlassInput;
}): Promise<ActionResult<BreakGlassView>> {
  const row = await db().$transaction(async (tx) => {
    const found = await tx.referral.findUnique({
      where: { id: input.referralId },
      select: { ...STORED_REFERRAL_SELECT, municipality: { select: { name: true } } },
    });
    if (!found) return null;
    const draft = unwrapDataKey(found.dataKey, found.id) ? storedDraft(found) : null;
    // The reason stays in the trail for good and admins read it: it must not name the person it opens.
    // Checked here, on the contents themselves, which leave the server only after the event is written.
    if (draft && reasonNamesThePerson(input.reason, knownData(draft))) return 'NAMES_THE_PERSON' as const;
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'REFERRAL_CONTENTS_OPENED',
      entityType: 'Referral',
      entityId: found.id,
      reason: input.reason,
      details: { erased: draft === null },
    });
    return { ...found, draft };
  });
  if (!row) return failure('NOT_FOUND', 'errors.codes.NOT_FOUND');
  if (row === 'NAMES_THE_PERSON') {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { reason: ['auditLog.errors.reasonNamesPerson'] });
  }
  const { draft } = row;
  return success({
    erased: draft === null,
    tracks: row.tracks.map((t) => ({
      track: t.track,
      partnerName: t.partner.name,
      projection: draft && projectionOf(draft, t.track, row.municipality.name),
    })),
  });
}

/** What of a referral a break-glass reason must not repeat. */
function knownData(draft: StoredReferral): KnownData {
  const people = [draft.victim?.person, draft.perpetrator?.person].filter((p) => p != null);
  return {
    names: people.flatMap((p) => [p.firstName, p.lastName]),
    phones: people.map((p) => p.phone),
    caseNumber: draft.details?.caseNumber ?? null,
  };
}

/** "Jetzt prüfen": the chain verified from the last checkpoint to its head, on an auditor's request (audited). */
export async function verifyAuditChainNow({ actor }: { actor: Actor }): Promise<ActionResult<ChainCheck>> {
  const check = await checkpointAuditChain();
  if (!check) return failure('CONFLICT', 'auditLog.errors.verifying');
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'AUDIT_CHAIN_VERIFIED',
    details: { upTo: check.eventId, intact: check.brokenAt === null },
  });
  return success(check);
}
