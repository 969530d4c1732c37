'use server';

import { action } from '@/lib/actions';
import { referralSubmission } from '@/lib/referrals/schema';
import { submitReferral } from '@/lib/referrals/service';

/** "Neue Vermittlung". Nothing is stored on any failure. */
export const submitReferralAction = action(
  { permission: 'referral:create', input: referralSubmission },
  ({ actor, input }) => submitReferral({ actor, input }),
);
