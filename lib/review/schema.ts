import { z } from 'zod/mini';

import { RETURN_COMMENT_MAX, WITHDRAWAL_CHANNELS } from '@/lib/review/values';

export { RETURN_COMMENT_MAX };
import { cleanText } from '@/lib/validation/text';
import { uuidField } from '@/lib/validation/uuid';

/**
 * The supervisor's decisions (DESIGN.md section 3). Each names the referral and the version the supervisor
 * saw, so that a decision is never taken on content the supervisor has not read (an officer's correction in
 * between). Messages are keys of the `errors` namespace. Client-safe.
 */

const decision = {
  referralId: uuidField('errors.reload'),
  version: z
    .int({ error: 'errors.reload' })
    .check(z.minimum(1, { error: 'errors.reload' }), z.maximum(2_147_483_647, { error: 'errors.reload' })),
};

export const approveInput = z.strictObject(decision);
export type ApproveInput = z.infer<typeof approveInput>;

/** A return always says what to correct: the officer reads it (and only the officer and supervisors). */
export const returnInput = z.strictObject({
  ...decision,
  comment: cleanText({ max: RETURN_COMMENT_MAX, multiline: true }),
});
export type ReturnInput = z.infer<typeof returnInput>;

/**
 * Whose consent was withdrawn: the affected person's withdraws the whole referral (every track, all its
 * personal data erased); the perpetrator's only that delivery. No version: a withdrawal always applies.
 */
export const WITHDRAWING_PERSONS = ['VICTIM', 'PERPETRATOR'] as const;
export const withdrawalInput = z.strictObject({
  referralId: uuidField('errors.reload'),
  track: z.enum(WITHDRAWING_PERSONS, { error: 'errors.choiceRequired' }),
  // How it reached the police, and on which day (Europe/Berlin; the service checks it lies in the referral's life).
  receivedVia: z.enum(WITHDRAWAL_CHANNELS, { error: 'review.errors.receivedViaRequired' }),
  receivedOn: z.iso.date({ error: 'review.errors.receivedOnInvalid' }),
  confirmed: z.literal(true, { error: 'review.errors.confirmWithdrawal' }),
});
export type WithdrawalInput = z.infer<typeof withdrawalInput>;

/** "Erneut zustellen": the referral whose failing deliveries are tried again now. */
export const retryDeliveryInput = z.strictObject({ referralId: uuidField('errors.reload') });
export type RetryDeliveryInput = z.infer<typeof retryDeliveryInput>;
