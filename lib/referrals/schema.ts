import { z } from 'zod/mini';

import { berlinLocalToInstant } from '@/lib/time/berlin';
import { GENDERS, MAX_LENGTH, type GenderValue } from '@/lib/referrals/values';
import { OVERRIDE_REASONS, type OverrideReasonValue } from '@/lib/routing/values';
import { cleanText, personName, phoneNumber } from '@/lib/validation/text';

/**
 * The referral form (DESIGN.md section 4, first slice). One schema for react-hook-form in the browser
 * and the server action; the server is the authority. Messages are keys of the `errors` namespace.
 * With consent the person's contact data is required; without it, the form carries no personal data
 * at all (strict objects reject any extra field rather than dropping it silently).
 */

/** Vorgangsnummer: digits, optionally grouped by single '/' or '-', 6 to 20 characters. */
export const CASE_NUMBER_PATTERN = /^[0-9](?:[0-9]|[/-](?=[0-9])){5,19}$/;

/** Earliest callout a referral may still be filed for, and tolerance for clocks running ahead. */
export const MAX_INCIDENT_AGE_DAYS = 30;
const CLOCK_SKEW_MS = 5 * 60_000;

const incidentAt = z.string({ error: 'errors.required' }).check(
  z.minLength(1, { error: 'errors.required' }),
  z.superRefine((value: string, ctx) => {
    const result = berlinLocalToInstant(value);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: result.reason === 'NONEXISTENT' ? 'errors.timeNonexistent' : 'errors.dateTimeFormat',
      });
      return;
    }
    const now = Date.now();
    if (result.instant.getTime() > now + CLOCK_SKEW_MS)
      ctx.addIssue({ code: 'custom', message: 'errors.incidentInFuture' });
    if (result.instant.getTime() < now - MAX_INCIDENT_AGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: 'errors.incidentTooOld' });
    }
  }),
);

const phone = phoneNumber(MAX_LENGTH.phone);

const name = personName(MAX_LENGTH.name);

const caseNumber = cleanText({
  max: MAX_LENGTH.caseNumber,
  format: { test: (s) => CASE_NUMBER_PATTERN.test(s), error: 'errors.caseNumberFormat' },
});

/** Fields that exist only with consent: the person's data and what identifies the case. */
const CONSENT_ONLY_FIELDS = [
  'caseNumber',
  'firstName',
  'lastName',
  'phone',
  'preferredPartnerId',
  'overridePartnerId',
  'overrideReason',
] as const;
const REQUIRED_WITH_CONSENT = ['caseNumber', 'firstName', 'lastName', 'phone'] as const;

export type ConsentedReferralInput = {
  consent: 'yes';
  idempotencyKey: string;
  incidentAt: string;
  municipalityId: string;
  gender: GenderValue;
  caseNumber: string;
  firstName: string;
  lastName: string;
  phone: string;
  preferredPartnerId?: string;
  /** The officer's override (DESIGN.md section 5): another active partner of the track, with a reason code. */
  overridePartnerId?: string;
  overrideReason?: OverrideReasonValue;
};

/** Consent refused: only what the anonymous statistic needs (date, municipality, gender; station from the officer). */
export type DeclinedOfferInput = Pick<
  ConsentedReferralInput,
  'idempotencyKey' | 'incidentAt' | 'municipalityId' | 'gender'
> & {
  consent: 'no';
};

export type ReferralSubmission = ConsentedReferralInput | DeclinedOfferInput;

/**
 * One flat object, so that an empty form reports every missing field at once; the cross-field rules
 * run in `superRefine`, and the output is the discriminated union the service works with.
 */
export const referralSubmission = z.pipe(
  z
    .strictObject({
      idempotencyKey: z.uuid({ error: 'errors.reload' }).check(z.toLowerCase()),
      incidentAt,
      municipalityId: z.uuid({ error: 'errors.municipalityRequired' }).check(z.toLowerCase()),
      gender: z.enum(GENDERS, { error: 'errors.genderRequired' }),
      consent: z.enum(['yes', 'no'], { error: 'errors.consentRequired' }),
      caseNumber: z.optional(caseNumber),
      firstName: z.optional(name),
      lastName: z.optional(name),
      phone: z.optional(phone),
      preferredPartnerId: z.optional(z.uuid({ error: 'errors.preferenceRequired' }).check(z.toLowerCase())),
      overridePartnerId: z.optional(z.uuid({ error: 'errors.overridePartnerRequired' }).check(z.toLowerCase())),
      overrideReason: z.optional(z.enum(OVERRIDE_REASONS, { error: 'errors.overrideReasonRequired' })),
    })
    .check(
      z.superRefine((value, ctx) => {
        if (value.consent === 'no') {
          // Without consent nothing personal may arrive: rejected, never silently dropped.
          for (const field of CONSENT_ONLY_FIELDS) {
            if (value[field] !== undefined)
              ctx.addIssue({ code: 'custom', path: [field], message: 'errors.notWithoutConsent' });
          }
          return;
        }
        for (const field of REQUIRED_WITH_CONSENT) {
          if (value[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'errors.required' });
        }
        const override = value.overridePartnerId !== undefined || value.overrideReason !== undefined;
        if (override && !value.overridePartnerId) {
          ctx.addIssue({ code: 'custom', path: ['overridePartnerId'], message: 'errors.overridePartnerRequired' });
        }
        if (override && !value.overrideReason) {
          ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'errors.overrideReasonRequired' });
        }
        // An override replaces the person's choice among the responsible services: one or the other.
        if (value.gender === 'NOT_STATED' && !value.preferredPartnerId && !override) {
          ctx.addIssue({ code: 'custom', path: ['preferredPartnerId'], message: 'errors.preferenceRequired' });
        }
        if ((value.gender !== 'NOT_STATED' || override) && value.preferredPartnerId) {
          ctx.addIssue({ code: 'custom', path: ['preferredPartnerId'], message: 'errors.preferenceOnlyWhenNotStated' });
        }
      }),
    ),
  z.transform((value): ReferralSubmission => {
    const { idempotencyKey, incidentAt, municipalityId, gender } = value;
    if (value.consent === 'no') return { consent: 'no', idempotencyKey, incidentAt, municipalityId, gender };
    // superRefine has guaranteed these are present.
    return {
      consent: 'yes',
      idempotencyKey,
      incidentAt,
      municipalityId,
      gender,
      caseNumber: value.caseNumber!,
      firstName: value.firstName!,
      lastName: value.lastName!,
      phone: value.phone!,
      ...(value.preferredPartnerId && { preferredPartnerId: value.preferredPartnerId }),
      ...(value.overridePartnerId &&
        value.overrideReason && { overridePartnerId: value.overridePartnerId, overrideReason: value.overrideReason }),
    };
  }),
);
