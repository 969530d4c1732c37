import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { countSealedValues, rotateSealedValues } from '@/lib/crypto/rotate';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { logRecord } from '@/lib/log';
import type { KeyStateView } from '@/lib/crypto/key-state-view';

/**
 * The key-encryption keys' life (ADR 0013). An erased referral's wrapped data key survives in every backup
 * made before the erasure, wrapped by the key-encryption key of that time: it becomes unreadable for good
 * only when that key is destroyed. So the keys are replaced on a schedule and the old one destroyed soon
 * after, and the app watches both, hourly with the retention job:
 *
 * - it re-wraps every stored data key and secret under the current key (the first of ENCRYPTION_KEYS) as soon
 *   as an operator puts a new one first, audited (ENCRYPTION_KEYS_REWRAPPED);
 * - it records when each key became current and when nothing stored needs an older key any more: from then
 *   the operator has DESTROY_WITHIN_DAYS to remove it from ENCRYPTION_KEYS and the secret store;
 * - admins see when the next replacement is due and which keys are to be destroyed, overdue in red
 *   (`/verwaltung/aufbewahrung`).
 *
 * With KEY_ROTATION_DAYS (default 30) this bounds how long an erased referral stays readable in any older
 * copy: KEY_ROTATION_DAYS + DESTROY_WITHIN_DAYS (default 37 days).
 */
export const DESTROY_WITHIN_DAYS = 7;

/** The longest time, in days, an erased referral stays readable in a backup when the schedule is kept. */
export const longestRecoverableDays = () => env().KEY_ROTATION_DAYS + DESTROY_WITHIN_DAYS;

export async function maintainKeyring(now = new Date()): Promise<{ rewrapped: number }> {
  const ring = env().ENCRYPTION_KEYS;
  // An instance still configured with the previous key (during a rollout) must not wrap everything back
  // under it: another key became current after this one.
  const states = await db().encryptionKeyState.findMany({ select: { id: true, currentSince: true } });
  const since = states.find((k) => k.id === ring.currentId)?.currentSince;
  if (since && states.some((k) => k.id !== ring.currentId && k.currentSince && k.currentSince > since)) {
    logRecord('error', { event: 'keyring-outdated', currentKey: ring.currentId });
    return { rewrapped: 0 };
  }
  const reports = await rotateSealedValues(db());
  const rewrapped = reports.reduce((sum, report) => sum + report.resealed, 0);
  const counts = await countSealedValues(db());
  await db().$transaction(async (tx) => {
    for (const id of Object.keys(ring.keys)) {
      const current = id === ring.currentId;
      const unused = !current && !counts[id];
      await tx.$executeRaw`
        INSERT INTO "EncryptionKeyState" (id, "currentSince", "unusedSince", "lastSeenAt", "sealedValues")
        VALUES (${id}, ${current ? now : null}, ${unused ? now : null}, ${now}, ${counts[id] ?? 0})
        ON CONFLICT (id) DO UPDATE SET
          "currentSince" = coalesce("EncryptionKeyState"."currentSince", excluded."currentSince"),
          "unusedSince" = CASE WHEN ${unused} THEN coalesce("EncryptionKeyState"."unusedSince", ${now}) END,
          "lastSeenAt" = ${now}, "goneSince" = NULL, "sealedValues" = excluded."sealedValues"`;
    }
    await tx.$executeRaw`
      UPDATE "EncryptionKeyState" SET "goneSince" = coalesce("goneSince", ${now}),
             "sealedValues" = coalesce((${JSON.stringify(counts)}::jsonb ->> id)::int, 0)
       WHERE NOT (id = ANY(${Object.keys(ring.keys)}::text[]))`;
    if (rewrapped > 0) {
      const remaining = Object.entries(counts)
        .filter(([id]) => id !== ring.currentId)
        .reduce((sum, [, count]) => sum + count, 0);
      await recordAudit(tx, {
        action: 'ENCRYPTION_KEYS_REWRAPPED',
        entityType: 'EncryptionKey',
        entityId: ring.currentId,
        details: { rewrapped, remaining },
      });
    }
  });
  return { rewrapped };
}

const DAY = 86_400_000;

/** What admins see of the keys: ids and dates, never key material. Newest first. */
export async function keyStates(): Promise<KeyStateView[]> {
  const ring = env().ENCRYPTION_KEYS;
  const rows = await db().encryptionKeyState.findMany({ orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }], take: 20 });
  return rows.map((row) => {
    const current = row.id === ring.currentId;
    return {
      id: row.id,
      current,
      inRing: Object.hasOwn(ring.keys, row.id),
      currentSince: row.currentSince,
      replaceBy:
        current && row.currentSince ? new Date(row.currentSince.getTime() + env().KEY_ROTATION_DAYS * DAY) : null,
      destroyBy:
        !current && row.unusedSince && !row.goneSince
          ? new Date(row.unusedSince.getTime() + DESTROY_WITHIN_DAYS * DAY)
          : null,
      unusedSince: row.unusedSince,
      goneSince: row.goneSince,
      sealedValues: row.sealedValues,
    };
  });
}
