/**
 * Value lists of routing (DESIGN.md section 5), client-safe. A rule's key is (track, gender, municipality);
 * "not stated" is never a key: that person chooses among the services responsible for the place.
 */
import { enumList } from '@/lib/enum-list';
import type { Gender, OverrideReason, Track } from '@/lib/generated/prisma/enums';

export type { Gender, Track };

export const TRACKS = enumList<Track>()(['VICTIM', 'PERPETRATOR']);
export const RULE_GENDERS = ['FEMALE', 'MALE', 'DIVERSE'] as const satisfies readonly Gender[];
export type RuleGender = (typeof RULE_GENDERS)[number];

/** Why an officer sends a referral elsewhere than the rule says. */
export const OVERRIDE_REASONS = enumList<OverrideReason>()([
  'PERSON_WISH',
  'ALREADY_IN_CONTACT',
  'LANGUAGE',
  'SAFETY',
  'NO_RESPONSIBLE_PARTNER',
]);
export type OverrideReasonValue = OverrideReason;

/** The newest versions a history page shows; older ones stay in the audit trail (ROUTING_CHANGED). */
export const HISTORY_LIMIT = 200;

/** How many days ahead the coverage check looks (issue 9: today and the next 30 days). */
export const COVERAGE_DAYS = 30;
