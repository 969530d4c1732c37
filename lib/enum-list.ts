/**
 * Every value of a database enum (the generated Prisma client's browser-safe `enums` entry is the one
 * source), listed in the order the UI shows them. The compiler refuses a list that misses a value or has
 * one too many, so a new enum value cannot silently go missing from a form or a check.
 *
 *   export const GENDERS = enumList<Gender>()(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED']);
 */
export function enumList<E extends string>() {
  return <const L extends readonly E[]>(
    list: L & ([Exclude<E, L[number]>] extends [never] ? unknown : { missing: Exclude<E, L[number]> }),
  ): L => list;
}

/** The values of `chosen` in the order of `order` (a set stored in one canonical order: the UI's). */
export function inOrderOf<T extends string>(order: readonly T[], chosen: readonly T[]): T[] {
  return order.filter((value) => chosen.includes(value));
}
