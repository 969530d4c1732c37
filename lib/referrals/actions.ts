'use server';

import { action } from '@/lib/actions';
import { serverReferralCorrection, serverReferralSubmission } from '@/lib/referrals/config';
import { correctReferral, submitReferral } from '@/lib/referrals/service';

/** "Neue Vermittlung". Nothing is stored on any failure. */
export const submitReferralAction = action(
  { permission: 'referral:create', input: serverReferralSubmission },
  ({ actor, input }) => submitReferral({ actor, input }),
);

/** "Korrigieren": the officer's own referral, until the supervisor approved it. */
export const correctReferralAction = action(
  { permission: 'referral:correct-own', input: serverReferralCorrection },
  ({ actor, input }) => correctReferral({ actor, input }),
);
