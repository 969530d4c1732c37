import type { ReferralFormConfig, ReferralFormInput } from '@/lib/referrals/schema';

/** The default configuration (lib/env.ts): the Vorgangsnummer as digits in groups, consent only. */
export const DEFAULT_CONFIG: ReferralFormConfig = {
  caseNumberPattern: '[0-9](?:[0-9]|[/-](?=[0-9])){5,19}',
  legalBases: [],
};

export const MUNICIPALITY = '7d0a6a0e-5a55-4a7b-9a3e-2b1c0d9e8f7a';

/**
 * A valid referral with consent as the form sends it: consentedSubmission() of prisma/factories.ts, with the
 * times a test needs (the factory uses the current time and pulls in server code).
 */
export function validForm(times: { incidentAt: string; consentAt: string }) {
  return {
    consent: 'yes',
    consentMethod: 'VERBAL',
    consentAt: times.consentAt,
    idempotencyKey: '0b9c3a4e-1f2d-4c5b-8a9e-123456789abc',
    incidentAt: times.incidentAt,
    municipalityId: MUNICIPALITY,
    gender: 'FEMALE',
    caseNumber: '2026/004711',
    firstName: 'Marie',
    lastName: 'Schneider',
    ageBand: 'FROM_27_TO_39',
    language: 'de',
    phone: '0511 9876543',
    safeTimes: ['ANYTIME'],
    otherPartyMayAnswer: 'no',
  } as const satisfies ReferralFormInput;
}
