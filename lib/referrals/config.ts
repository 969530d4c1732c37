import 'server-only';

import { z } from 'zod/mini';

import { env } from '@/lib/env';
import { referralSubmission, type ReferralFormConfig } from '@/lib/referrals/schema';

/** The directorate's settings for the referral form (README, "Configuration"). */
export function referralFormConfig(): ReferralFormConfig {
  return { caseNumberPattern: env().CASE_NUMBER_PATTERN, legalBases: env().LEGAL_BASES };
}

/**
 * The schemas the server validates submissions and corrections with: the browser's, for the same
 * configuration, built on first use (z.lazy keeps the result).
 */
export const serverReferralSubmission = z.lazy(() => referralSubmission(referralFormConfig()));
export const serverReferralCorrection = z.lazy(() => referralSubmission(referralFormConfig(), 'correction'));
