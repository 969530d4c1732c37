import { totpContext } from '@/lib/auth/mfa/secret-box';
import { dataKeyContext } from '@/lib/crypto/envelope';
import { open, seal, sealedKeyId, sealedPrefix } from '@/lib/crypto/keyring';
import { env } from '@/lib/env';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { webhookSecretContext } from '@/lib/webhooks/secret';

/**
 * Key rotation (README, "Rotating secrets"): `npm run keys:rotate` re-seals every stored value that is not
 * sealed with the current key, so that the older keys can then be removed from ENCRYPTION_KEYS. Every column
 * that holds sealed values is listed here with what its values are bound to; a column missing from this
 * list would keep needing an old key, and tests/integration/crypto/key-rotation.test.ts fails for it.
 * Plain Node (the CLI), no server-only.
 */
export const SEALED_COLUMNS = [
  // The data keys of referrals: re-wrapped, while the data sealed under them stays as it is.
  { table: 'Referral', column: 'dataKey', owner: 'id', context: dataKeyContext },
  { table: 'User', column: 'mfaSecret', owner: 'id', context: totpContext },
  { table: 'Session', column: 'pendingMfaSecret', owner: 'userId', context: totpContext },
  { table: 'Partner', column: 'webhookSecret', owner: 'id', context: webhookSecretContext },
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

/** A table or column name from SEALED_COLUMNS (constants, never input), quoted for SQL. */
const name = (identifier: string) => Prisma.raw(`"${identifier}"`);

/** Re-seals, batch by batch, each value not sealed with the current key. Safe to run again at any time. */
export async function rotateSealedValues(db: PrismaClient): Promise<ColumnReport[]> {
  // Every value below travels as a parameter; only the constant names of SEALED_COLUMNS are SQL text.
  const current = `${sealedPrefix(env().ENCRYPTION_KEYS.currentId)}%`;
  const reports: ColumnReport[] = [];
  for (const { table, column, owner, context } of SEALED_COLUMNS) {
    const [t, c, o] = [name(table), name(column), name(owner)];
    const report: ColumnReport = { column: `${table}.${column}`, resealed: 0, remaining: {} };
    // Keyset over the primary key: unreadable rows stay behind and are never fetched twice.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await db.$queryRaw<{ id: string; owner: string; value: string }[]>`
        SELECT "id"::text AS id, ${o}::text AS owner, ${c} AS value FROM ${t}
         WHERE ${c} IS NOT NULL AND ${c} NOT LIKE ${current} AND "id" > ${after}::uuid
         ORDER BY "id" LIMIT ${BATCH}`;
      for (const row of rows) {
        const plaintext = open(row.value, context(row.owner));
        if (plaintext === null) continue; // counted below
        // Only if nobody changed the value meanwhile (a new enrolment, a reset): theirs is newer.
        const resealed = seal(plaintext, context(row.owner));
        report.resealed += await db.$executeRaw`
          UPDATE ${t} SET ${c} = ${resealed} WHERE "id" = ${row.id}::uuid AND ${c} = ${row.value}`;
      }
      if (rows.length < BATCH) break;
      after = rows.at(-1)!.id;
    }
    const left = await db.$queryRaw<{ value: string }[]>`
      SELECT ${c} AS value FROM ${t} WHERE ${c} IS NOT NULL AND ${c} NOT LIKE ${current}`;
    for (const { value } of left) {
      const keyId = sealedKeyId(value) ?? 'unknown';
      report.remaining[keyId] = (report.remaining[keyId] ?? 0) + 1;
    }
    reports.push(report);
  }
  return reports;
}

/** How many stored values each key id seals, over every column of SEALED_COLUMNS. */
export async function countSealedValues(db: PrismaClient): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, column } of SEALED_COLUMNS) {
    const [t, c] = [name(table), name(column)];
    const rows = await db.$queryRaw<{ key: string; count: number }[]>`
      SELECT split_part(${c}, '.', 2) AS key, count(*)::int AS count FROM ${t} WHERE ${c} IS NOT NULL GROUP BY 1`;
    for (const { key, count } of rows) counts[key] = (counts[key] ?? 0) + count;
  }
  return counts;
}
