'use server';

import { headers } from 'next/headers';

import { invalidInput, runAction } from '@/lib/actions';
import { secondFactorCodeInput } from '@/lib/auth/mfa/schema';
import { confirmEnrolment, verifySecondFactor } from '@/lib/auth/mfa/service';
import { issueSessionCookie } from '@/lib/auth/session-cookie';
import { authorizeSecondFactorStep, type SecondFactorStep } from '@/lib/auth/guards';
import type { ValidSession } from '@/lib/auth/session-store';
import { clientAddressFrom } from '@/lib/auth/throttle';
import { success, type ActionResult } from '@/lib/result';

async function withStep<T>(
  step: SecondFactorStep,
  raw: unknown,
  body: (attempt: { session: ValidSession; code: string; clientAddress: string | null }) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return runAction(async () => {
    const auth = await authorizeSecondFactorStep(step);
    if (!auth.ok) return auth;
    const parsed = secondFactorCodeInput.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    const clientAddress = clientAddressFrom(Object.fromEntries(await headers()));
    return body({ session: auth.data, code: parsed.data.code, clientAddress });
  });
}

/** Enrolment: the first code from the app. Returns the ten recovery codes, to be shown once. */
export async function confirmEnrolmentAction(raw: unknown): Promise<ActionResult<string[]>> {
  return withStep('ENROL', raw, confirmEnrolment);
}

/** The sign-in step after the password: a code from the app or a recovery code. */
export async function verifySecondFactorAction(raw: unknown): Promise<ActionResult<null>> {
  return withStep('VERIFY', raw, async (attempt) => {
    const result = await verifySecondFactor(attempt, 'sign-in');
    if (!result.ok) return result;
    // The session that replaced the half signed-in one goes to the browser; the old token is dead.
    if (result.data) await issueSessionCookie(result.data);
    return success(null);
  });
}

/** Step-up before the most sensitive admin actions (ASVS 7.5.3): a fresh code from the app. */
export async function stepUpAction(raw: unknown): Promise<ActionResult<null>> {
  return withStep('STEP_UP', raw, async (attempt) => {
    const result = await verifySecondFactor(attempt, 'step-up');
    return result.ok ? success(null) : result;
  });
}
