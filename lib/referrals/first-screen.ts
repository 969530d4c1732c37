/**
 * What the first screen of the officer's form needs (the consent question, the callout, the gender): kept
 * apart from the rest of the inventory (values.ts), which loads with the sections that exist only with
 * consent, so that the form route's JavaScript stays within its budget (DESIGN.md section 11).
 */
import { enumList } from '@/lib/enum-list';
import type { Gender } from '@/lib/generated/prisma/enums';

export const GENDERS = enumList<Gender>()(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED']);
export type GenderValue = Gender;

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
