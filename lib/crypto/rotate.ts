import { totpContext } from '@/lib/auth/mfa/secret-box';
import { open, seal, sealedKeyId } from '@/lib/crypto/keyring';
import { env } from '@/lib/env';
import type { PrismaClient } from '@/lib/generated/prisma/client';

/**
 * Key rotation (README, "Rotating secrets"): `npm run keys:rotate` re-seals every stored value that is not
 * sealed with the current key, so that the older keys can then be removed from ENCRYPTION_KEYS. Every column
 * that holds sealed values is listed here with what its values are bound to; a column missing from this
 * list would keep needing an old key, and tests/integration/crypto/key-rotation.test.ts fails for it.
 * Plain Node (the CLI), no server-only.
 */
export const SEALED_COLUMNS = [
  { table: 'User', column: 'mfaSecret', owner: 'id', context: totpContext },
  { table: 'Session', column: 'pendingMfaSecret', owner: 'userId', context: totpContext },
] as const;

export type ColumnReport = {
  column: string;
  /** Re-sealed under the current key in this run. */
  resealed: number;
  /** Values whose key is not in the keyring (or that were tampered with), by key id: left as they are. */
  unreadable: Record<string, number>;
};

const BATCH = 500;

/** Re-seals, batch by batch, each value not sealed with the current key. Safe to run again at any time. */
export async function rotateSealedValues(db: PrismaClient): Promise<ColumnReport[]> {
  const { currentId } = env().ENCRYPTION_KEYS;
  const reports: ColumnReport[] = [];
  for (const { table, column, owner, context } of SEALED_COLUMNS) {
    const report: ColumnReport = { column: `${table}.${column}`, resealed: 0, unreadable: {} };
    // Keyset over the primary key: unreadable rows stay behind and are never fetched twice.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await db.$queryRawUnsafe<{ id: string; owner: string; value: string }[]>(
        `SELECT "id"::text AS id, "${owner}"::text AS owner, "${column}" AS value FROM "${table}"
          WHERE "${column}" IS NOT NULL AND "${column}" NOT LIKE $1 AND "id" > $2::uuid
          ORDER BY "id" LIMIT ${BATCH}`,
        `v2.${currentId}.%`,
        after,
      );
      for (const row of rows) {
        const plaintext = open(row.value, context(row.owner));
        if (plaintext === null) {
          const keyId = sealedKeyId(row.value) ?? 'unknown';
          report.unreadable[keyId] = (report.unreadable[keyId] ?? 0) + 1;
          continue;
        }
        // Only if nobody changed the value meanwhile (a new enrolment, a reset): theirs is newer.
        report.resealed += await db.$executeRawUnsafe(
          `UPDATE "${table}" SET "${column}" = $1 WHERE "id" = $2::uuid AND "${column}" = $3`,
          seal(plaintext, context(row.owner)),
          row.id,
          row.value,
        );
      }
      if (rows.length < BATCH) break;
      after = rows.at(-1)!.id;
    }
    reports.push(report);
  }
  return reports;
}
