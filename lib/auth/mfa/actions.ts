'use server';

import { headers } from 'next/headers';

import { action } from '@/lib/actions';
import { secondFactorCodeInput } from '@/lib/auth/mfa/schema';
import { confirmEnrolment, verifySecondFactor } from '@/lib/auth/mfa/service';
import { issueSessionCookie } from '@/lib/auth/session-cookie';
import { success } from '@/lib/result';
import { requestClientAddress } from '@/lib/security/client-address';

const clientAddress = async () => requestClientAddress(await headers());

/** Enrolment: the first code from the app. Returns the ten recovery codes, to be shown once. */
export const confirmEnrolmentAction = action(
  { secondFactorStep: 'ENROL', input: secondFactorCodeInput },
  async ({ session, input }) => confirmEnrolment({ session, code: input.code, clientAddress: await clientAddress() }),
);

/** The sign-in step after the password: a code from the app or a recovery code. */
export const verifySecondFactorAction = action(
  { secondFactorStep: 'VERIFY', input: secondFactorCodeInput },
  async ({ session, input }) => {
    const attempt = { session, code: input.code, clientAddress: await clientAddress() };
    const result = await verifySecondFactor(attempt, 'sign-in');
    if (!result.ok) return result;
    // The session that replaced the half signed-in one goes to the browser; the old token is dead.
    if (result.data) await issueSessionCookie(result.data);
    return success(null);
  },
);

/** Step-up before the most sensitive admin actions (ASVS 7.5.3): a fresh code from the app. */
export const stepUpAction = action(
  { secondFactorStep: 'STEP_UP', input: secondFactorCodeInput },
  async ({ session, input }) => {
    const attempt = { session, code: input.code, clientAddress: await clientAddress() };
    const result = await verifySecondFactor(attempt, 'step-up');
    return result.ok ? success(null) : result;
  },
);
