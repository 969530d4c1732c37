/**
 * Value lists of the referral form that the browser needs before validation is loaded (no zod here: the
 * form route loads its schema after the page is interactive, see components/forms/schema-resolver.ts).
 */
import { enumList } from '@/lib/enum-list';
import type { Gender } from '@/lib/generated/prisma/enums';

export const GENDERS = enumList<Gender>()(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED']);
export type GenderValue = Gender;

/** Longest accepted texts: the schema refuses longer ones, the form's fields stop typing there. */
export const MAX_LENGTH = { caseNumber: 20, name: 100, phone: 30 } as const;
