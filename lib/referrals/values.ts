/**
 * Value lists of the referral form that the browser needs before validation is loaded (no zod here: the
 * form route loads its schema after the page is interactive, see components/forms/schema-resolver.ts).
 */
export const GENDERS = ['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED'] as const;
export type GenderValue = (typeof GENDERS)[number];
