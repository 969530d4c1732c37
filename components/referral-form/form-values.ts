import type { Track } from '@/lib/routing/values';

/**
 * Every field the officer's form can hold, as the browser holds them (what `referralSubmission` in
 * lib/referrals/schema.ts accepts). Hidden sections are unregistered, so their values are never sent.
 */
export type FormValues = {
  idempotencyKey: string;
  consent?: 'yes' | 'no' | 'legalBasis';
  incidentAt: string;
  incidentAtFold?: string;
  municipalityId: string;
  caseNumber?: string;
  gender?: string;
  firstName?: string;
  lastName?: string;
  birthDate?: string;
  ageBand?: string;
  language?: string;
  interpreter?: boolean;
  phone?: string;
  safeTimes?: string[];
  channels?: string[];
  otherPartyMayAnswer?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  preferredPartnerId?: string;
  overridePartnerId?: string;
  overrideReason?: string;
  childrenCount?: string;
  childAgeBands?: string[];
  youthOfficeInformed?: string;
  wegweisung?: boolean;
  wegweisungUntil?: string;
  contactBan?: boolean;
  protectionActInformed?: boolean;
  riskIndicators?: string[];
  officerJudgesHighRisk?: boolean;
  consentMethod?: string;
  consentAt?: string;
  consentAtFold?: string;
  legalBasis?: string;
  note?: string;
  perpetrator?: boolean;
  perpetratorFirstName?: string;
  perpetratorLastName?: string;
  perpetratorGender?: string;
  perpetratorPhone?: string;
  perpetratorConsentMethod?: string;
  perpetratorConsentAt?: string;
  perpetratorConsentAtFold?: string;
  perpetratorPreferredPartnerId?: string;
  perpetratorOverridePartnerId?: string;
  perpetratorOverrideReason?: string;
  confirmDuplicate?: boolean;
  referralId?: string;
  referralVersion?: number;
};

export type FieldName = keyof FormValues;

/** The routing fields of each track's part of the form. */
export const TRACK_FIELDS = {
  VICTIM: {
    gender: 'gender',
    preferred: 'preferredPartnerId',
    overridePartner: 'overridePartnerId',
    overrideReason: 'overrideReason',
  },
  PERPETRATOR: {
    gender: 'perpetratorGender',
    preferred: 'perpetratorPreferredPartnerId',
    overridePartner: 'perpetratorOverridePartnerId',
    overrideReason: 'perpetratorOverrideReason',
  },
} as const satisfies Record<Track, Record<string, FieldName>>;

/** Looks up a field's error text (translated) for a field. */
export type ErrorOf = (name: FieldName) => string | undefined;
