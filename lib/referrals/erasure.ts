import 'server-only';

import type { Tx } from '@/lib/db';
import type { Track } from '@/lib/generated/prisma/enums';

/**
 * Erases a referral's personal data for good (DESIGN.md section 7): its data key is destroyed
 * (crypto-shredding: every copy of what was sealed under it, in backups too, stays unreadable once the
 * key-encryption key of that time is retired) and the sealed columns are emptied, with the Vorgangsnummer's
 * blind index, the timeline's comments and the keyed fingerprint of the submitted form (which would confirm
 * a guess of the data to whoever holds HASH_SECRET). The pseudonymous facts stay: dates, place, gender,
 * partner, statuses, timings. Runs in the caller's transaction, with the step that requires it.
 */
export async function eraseReferral(tx: Tx, referralId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Referral" SET "dataKey" = NULL, details = NULL, "caseNumberIndex" = NULL
     WHERE id = ${referralId}::uuid`;
  await tx.$executeRaw`UPDATE "ReferralTrack" SET person = NULL WHERE "referralId" = ${referralId}::uuid`;
  await tx.$executeRaw`UPDATE "ReferralEvent" SET comment = NULL WHERE "referralId" = ${referralId}::uuid`;
  await tx.$executeRaw`
    UPDATE "SubmissionKey" k SET "payloadHash" = '\\x'::bytea
      FROM "Referral" r WHERE r.id = ${referralId}::uuid AND k.key = r."idempotencyKey"`;
}

/** Erases one delivery's person (its consent withdrawn); the referral and its other track stay. */
export async function eraseTrack(tx: Tx, referralId: string, track: Track): Promise<void> {
  await tx.$executeRaw`
    UPDATE "ReferralTrack" SET person = NULL WHERE "referralId" = ${referralId}::uuid AND track = ${track}::"Track"`;
}
