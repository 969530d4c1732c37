/**
 * What the first screen of the officer's form needs (the consent question, the callout, the gender): kept
 * apart from the rest of the inventory (values.ts), which loads with the sections that exist only with
 * consent, so that the form route's JavaScript stays within its budget (DESIGN.md section 11).
 */
import { enumList } from '@/lib/enum-list';
import type { Gender } from '@/lib/generated/prisma/enums';

export const GENDERS = enumList<Gender>()(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED']);
export type GenderValue = Gender;
