/**
 * Value lists of the referral form that the browser needs before validation is loaded (no zod here: the
 * form route loads its schema after the page is interactive, see components/forms/schema-resolver.ts).
 * DESIGN.md section 4 is the inventory: nothing outside these lists is collected.
 */
import { enumList } from '@/lib/enum-list';
import type {
  ConsentMethod,
  ContactChannel,
  OverrideReason,
  ReferralStatus,
  RoutingReason,
} from '@/lib/generated/prisma/enums';

export type { OverrideReason, ReferralStatus, RoutingReason };

export * from '@/lib/referrals/first-screen';

/** Longest accepted texts: the schema refuses longer ones, the form's fields stop typing there. */
export const MAX_LENGTH = {
  caseNumber: 20,
  name: 100,
  phone: 30,
  street: 100,
  city: 60,
  note: 500,
} as const;

/** Consent of the affected person; `legalBasis` only where the directorate configured one (LEGAL_BASES). */
export const CONSENT_ANSWERS = ['yes', 'no', 'legalBasis'] as const;
export type ConsentAnswer = (typeof CONSENT_ANSWERS)[number];

export const CONSENT_METHODS = enumList<ConsentMethod>()(['VERBAL', 'SIGNED']);
export type { ConsentMethod, ContactChannel };

/** Ways to reach the person besides a call, each only with the person's agreement (the consent's scope). */
export const CONTACT_CHANNELS = enumList<ContactChannel>()(['VOICEMAIL', 'SMS', 'LETTER']);

/** When a call is safe. ANYTIME stands alone. */
export const SAFE_TIMES = ['ANYTIME', 'MORNING', 'MIDDAY', 'AFTERNOON', 'EVENING'] as const;
export type SafeTime = (typeof SAFE_TIMES)[number];

/** Age band, when the date of birth is not known. */
export const AGE_BANDS = ['UNDER_18', 'FROM_18_TO_26', 'FROM_27_TO_39', 'FROM_40_TO_59', 'FROM_60'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Age bands of children in the household (the partner plans with them; no names, no birth dates). */
export const CHILD_AGE_BANDS = ['UNDER_3', 'FROM_3_TO_5', 'FROM_6_TO_11', 'FROM_12_TO_17'] as const;
export type ChildAgeBand = (typeof CHILD_AGE_BANDS)[number];
export const MAX_CHILDREN = 15;

/** The short checklist of well-known high-risk markers (DESIGN.md section 4). */
export const RISK_INDICATORS = [
  'STRANGULATION',
  'THREATS_TO_KILL',
  'WEAPONS',
  'RECENT_SEPARATION',
  'ESCALATION',
  'STALKING',
  'PREGNANCY',
  'CHILDREN_THREATENED',
] as const;
export type RiskIndicator = (typeof RISK_INDICATORS)[number];

/** Yes/no questions are radio groups in the form (a checkbox cannot say "not answered yet"). */
export const YES_NO = ['yes', 'no'] as const;
export type YesNo = (typeof YES_NO)[number];

/** A Wegweisung (§ 17 NPOG) lasts at most 14 days (§ 17 Abs. 2 NPOG). */
export const MAX_WEGWEISUNG_DAYS = 14;

/** The statuses of the lifecycle (lib/referrals/lifecycle.ts), in its order: the queue's tabs. */
export const REFERRAL_STATUSES = enumList<ReferralStatus>()([
  'SUBMITTED',
  'RETURNED',
  'APPROVED',
  'DISPATCHED',
  'ACKNOWLEDGED',
  'CLOSED',
  'WITHDRAWN',
  'PURGED',
]);
