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
  /**
   * Values still not under the current key once the run is over, by key id: their key is not in the keyring
   * (or they were tampered with), or they were written meanwhile under an older key. Counted afresh at the
   * end, so that an empty list really means no older key is needed.
   */
  remaining: Record<string, number>;
};

const BATCH = 500;

/** Re-seals, batch by batch, each value not sealed with the current key. Safe to run again at any time. */
export async function rotateSealedValues(db: PrismaClient): Promise<ColumnReport[]> {
  const { currentId } = env().ENCRYPTION_KEYS;
  const reports: ColumnReport[] = [];
  for (const { table, column, owner, context } of SEALED_COLUMNS) {
    const report: ColumnReport = { column: `${table}.${column}`, resealed: 0, remaining: {} };
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
        if (plaintext === null) continue; // counted below
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
    const left = await db.$queryRawUnsafe<{ value: string }[]>(
      `SELECT "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL AND "${column}" NOT LIKE $1`,
      `v2.${currentId}.%`,
    );
    for (const { value } of left) {
      const keyId = sealedKeyId(value) ?? 'unknown';
      report.remaining[keyId] = (report.remaining[keyId] ?? 0) + 1;
    }
    reports.push(report);
  }
  return reports;
}
