import { z } from 'zod';

import { berlinLocalToInstant } from '@/lib/time/berlin';
import { cleanText } from '@/lib/validation/text';

/**
 * The referral form (DESIGN.md section 4, first slice). One schema for react-hook-form in the browser
 * and the server action; the server is the authority. Messages are keys of the `errors` namespace.
 * With consent the person's contact data is required; without it, the form carries no personal data
 * at all (strict objects reject any extra field rather than dropping it silently).
 */
export const GENDERS = ['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED'] as const;
export type GenderValue = (typeof GENDERS)[number];

/** Vorgangsnummer: digits, optionally grouped by single '/' or '-', 6 to 20 characters. */
export const CASE_NUMBER_PATTERN = /^[0-9](?:[0-9]|[/-](?=[0-9])){5,19}$/;

/** Names as written on an ID: letters (any script) with spaces, hyphens, apostrophes and dots. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}' .\u2019-]*$/u;

/** Earliest callout a referral may still be filed for, and tolerance for clocks running ahead. */
export const MAX_INCIDENT_AGE_DAYS = 30;
const CLOCK_SKEW_MS = 5 * 60_000;

const incidentAt = z
  .string({ error: 'errors.required' })
  .min(1, { error: 'errors.required' })
  .superRefine((value, ctx) => {
    const result = berlinLocalToInstant(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.reason === 'NONEXISTENT' ? 'errors.timeNonexistent' : 'errors.dateTimeFormat' });
      return;
    }
    const now = Date.now();
    if (result.instant.getTime() > now + CLOCK_SKEW_MS) ctx.addIssue({ code: 'custom', message: 'errors.incidentInFuture' });
    if (result.instant.getTime() < now - MAX_INCIDENT_AGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: 'errors.incidentTooOld' });
    }
  });

const phone = cleanText({ max: 30 }).refine(
  (s) => /^\+?[0-9 ()/-]+$/.test(s) && /^\d{6,15}$/.test(s.replace(/\D/g, '')),
  { error: 'errors.phoneFormat' },
);

const name = cleanText({ max: 100 }).refine((s) => NAME_PATTERN.test(s), { error: 'errors.nameCharacters' });

const common = {
  idempotencyKey: z.uuid({ error: 'errors.reload' }),
  incidentAt,
  municipalityId: z.uuid({ error: 'errors.municipalityRequired' }),
  gender: z.enum(GENDERS, { error: 'errors.genderRequired' }),
};

export const consentedReferralInput = z
  .strictObject({
    ...common,
    consent: z.literal('yes'),
    caseNumber: cleanText({ max: 20 }).refine((s) => CASE_NUMBER_PATTERN.test(s), { error: 'errors.caseNumberFormat' }),
    firstName: name,
    lastName: name,
    phone,
    preferredPartnerId: z.uuid({ error: 'errors.preferenceRequired' }).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.gender === 'NOT_STATED' && !value.preferredPartnerId) {
      ctx.addIssue({ code: 'custom', path: ['preferredPartnerId'], message: 'errors.preferenceRequired' });
    }
    if (value.gender !== 'NOT_STATED' && value.preferredPartnerId) {
      ctx.addIssue({ code: 'custom', path: ['preferredPartnerId'], message: 'errors.preferenceOnlyWhenNotStated' });
    }
  });

/** Consent refused: only what the anonymous statistic needs (date, municipality, gender; station from the officer). */
export const declinedOfferInput = z.strictObject({ ...common, consent: z.literal('no') });

export const referralSubmission = z.discriminatedUnion('consent', [consentedReferralInput, declinedOfferInput], {
  error: 'errors.consentRequired',
});

export type ConsentedReferralInput = z.infer<typeof consentedReferralInput>;
export type DeclinedOfferInput = z.infer<typeof declinedOfferInput>;
export type ReferralSubmission = z.infer<typeof referralSubmission>;
