'use server';

import { invalidInput, runAction } from '@/lib/actions';
import { authorizeAction } from '@/lib/auth/guards';
import { referralSubmission } from '@/lib/referrals/schema';
import { submitReferral, type SubmissionOutcome } from '@/lib/referrals/service';
import type { ActionResult } from '@/lib/result';

/** "Neue Vermittlung": session -> authorise -> validate -> service. Nothing is stored on any failure. */
export async function submitReferralAction(raw: unknown): Promise<ActionResult<SubmissionOutcome>> {
  return runAction(async () => {
    const auth = await authorizeAction('referral:create');
    if (!auth.ok) return auth;
    const parsed = referralSubmission.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    return submitReferral({ actor: auth.data, input: parsed.data });
  });
}
