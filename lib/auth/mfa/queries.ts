import 'server-only';

import { db } from '@/lib/db';

/** What the account page shows about one's own second factor. */
export async function ownSecondFactorStatus(userId: string) {
  const [user, recoveryCodesLeft] = await Promise.all([
    db().user.findUniqueOrThrow({ where: { id: userId }, select: { mfaEnabledAt: true } }),
    db().recoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  return { enabledAt: user.mfaEnabledAt, recoveryCodesLeft };
}
