import 'server-only';

import { createHmac } from 'node:crypto';

import { hashKey } from '@/lib/crypto/derive';
import type { Tx } from '@/lib/db';
import type { ReferralSubmission } from '@/lib/referrals/schema';

export type SubmissionKind = 'REFERRAL' | 'DECLINED';

/**
 * A keyed hash (HMAC-SHA256) of everything the officer submitted except the idempotency key, over a
 * canonical form (fields sorted by name) of the validated input: equal for a retry of the same form,
 * different as soon as one field differs. Keyed, because the fields include personal data.
 */
export function submissionFingerprint(input: ReferralSubmission): Buffer {
  const fields = Object.entries(input)
    .filter(([name, value]) => name !== 'idempotencyKey' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', hashKey('submission-fingerprint')).update(JSON.stringify(fields)).digest();
}

/**
 * Claims the form's idempotency key for this submission, first thing in its transaction. NEW: the key was
 * free. REPEAT: the same submission arrived before (a double tap, a retry after a lost response): answer
 * with the first outcome. CONFLICT: the key was used for other data or the other outcome: refuse, so that
 * a corrected phone number is never silently dropped. A concurrent claim of the same key waits for the
 * other transaction and then sees its outcome.
 */
export async function claimSubmissionKey(
  tx: Tx,
  key: string,
  kind: SubmissionKind,
  fingerprint: Buffer,
): Promise<'NEW' | 'REPEAT' | 'CONFLICT'> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "SubmissionKey" (key, kind, "payloadHash") VALUES (${key}::uuid, ${kind}::"SubmissionKind", ${fingerprint})
    ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return 'NEW';
  const [first] = await tx.$queryRaw<{ kind: SubmissionKind; payloadHash: Uint8Array }[]>`
    SELECT kind::text AS kind, "payloadHash" FROM "SubmissionKey" WHERE key = ${key}::uuid`;
  return first?.kind === kind && Buffer.from(first.payloadHash).equals(fingerprint) ? 'REPEAT' : 'CONFLICT';
}
