import 'server-only';

import { recordAudit, recordDenial } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { isUuid } from '@/lib/validation/uuid';

/**
 * Opens one referral for someone who may see it (Art. 25 Directive 2016/680): the look-up is a consultation
 * of personal data and audited. A referral the actor may not see is null, exactly like one that does not
 * exist, and the attempt is an audited denial naming the rule it broke.
 */
export async function consultReferral<S extends Prisma.ReferralSelect & { id: true }>(
  actor: Actor,
  id: string,
  select: S,
  access: {
    permission: Permission;
    allowed: (row: Prisma.ReferralGetPayload<{ select: S }>) => boolean;
    /** Why a refused actor may not see it (NOT_OWN, OUT_OF_SCOPE). */
    refusal: string;
    /** Why it is consulted, where the role alone does not say it. */
    purpose?: string;
  },
): Promise<Prisma.ReferralGetPayload<{ select: S }> | null> {
  if (!isUuid(id)) return null;
  const row = (await db().referral.findUnique({
    where: { id: id.toLowerCase() },
    select,
  })) as Prisma.ReferralGetPayload<{
    select: S;
  }> | null;
  if (!row) return null;
  const referralId = (row as { id: string }).id;
  if (!access.allowed(row)) {
    await recordDenial(db(), {
      actor,
      kind: access.permission,
      details: { permission: access.permission, referral: referralId, reason: access.refusal },
    });
    return null;
  }
  await recordAudit(db(), {
    actorId: actor.id,
    actorRole: actor.role,
    action: 'REFERRAL_VIEWED',
    entityType: 'Referral',
    entityId: referralId,
    ...(access.purpose && { details: { purpose: access.purpose } }),
  });
  return row;
}
