import { z } from 'zod/mini';

/**
 * The admin's retention periods (DESIGN.md section 7), in whole days. The longest allowed period is the
 * legal maximum of the configuration (RETENTION_MAX_DAYS), passed in by the page and the server alike; the
 * shortest is a week, so that a partner that acknowledged a referral still has it while making contact.
 * Messages are keys of the `retention.errors` namespace. Client-safe.
 */
export const RETENTION_MIN_DAYS = 7;
/** The highest legal maximum the configuration accepts (RETENTION_MAX_DAYS, lib/env.ts): ten years. */
export const RETENTION_DAYS_CEILING = 3650;

const days = (max: number) =>
  z
    .int({ error: 'retention.errors.wholeDays' })
    .check(
      z.minimum(RETENTION_MIN_DAYS, { error: 'retention.errors.tooShort' }),
      z.maximum(max, { error: 'retention.errors.beyondMaximum' }),
    );

export const retentionPolicyInput = (maxDays: number) =>
  z.strictObject({
    afterAcknowledgementDays: days(maxDays),
    withoutAcknowledgementDays: days(maxDays),
    /** When the policy the admin saw was last changed: a change made meanwhile is not overwritten unseen. */
    seenChangedAt: z.iso.datetime({ error: 'errors.reload' }),
  });
export type RetentionPolicyInput = z.infer<ReturnType<typeof retentionPolicyInput>>;
