/**
 * Small-cell suppression (issue 14, ADR 0014). Pure: unit tests and the statistics job use it.
 *
 * The statistics publish, per month, station and municipality (an "atom") and population (the persons
 * referred as victims, those referred to a perpetrator programme, the declined offers), the population's
 * count and its breakdowns (families: gender, risk, partner, reached within 3 days per partner, result,
 * routing), each over a fixed list of codes. Every figure on the page or in the CSV is a sum of published
 * atom values only, so no combination of filters reveals a suppressed value by subtraction: a filter selects
 * whole atoms, and a suppressed value enters no sum. Within one atom (a filter can isolate one) the page shows
 * its count and, per code, the published value or "< 5" (anything not published, zeros included: a zero
 * would tell that the others add up to the rest). The rules:
 *
 * 1. a population of fewer than 5 is suppressed whole: its count and every family (not even which codes
 *    occur is published);
 * 2. a family with a value of 1 to 4 publishes only its values of 10 or more: a cell of 5 to 9 hidden next
 *    to a small one leaves the small one's size open, where hiding only the smallest large cell would not
 *    (someone who knows the rule knows that cell is the smallest, and bounds it by the next one);
 * 3. and at least two codes of the family must read "< 5", else nothing of it is published: one alone would
 *    be the count minus the rest;
 * 4. a family nested in a cell of another (reached within 3 days, per partner) is published only where that
 *    cell is, as a family of its own (rules 2 and 3).
 *
 * tests/unit/statistics/attack.test.ts tries every family of up to five codes within bounds and finds no
 * suppressed cell that someone knowing these rules could pin down.
 */
export const MIN_PUBLISHED = 5;
/** Rule 2: next to a small cell, only values from here up are published. */
const PUBLISHED_NEXT_TO_SMALL = 2 * MIN_PUBLISHED;

/** A family's counts: code → count (codes without a count are zero). */
export type Children = Map<string, number>;
/** A family as published: code → count, or null when it reads "< 5" (suppressed or below 5). */
export type Published = Map<string, number | null>;

const small = (n: number) => n > 0 && n < MIN_PUBLISHED;

/** One family of a published population (rules 2 and 3): `codes` are all the codes it can have. */
export function protectFamily(children: Children, codes: readonly string[]): Published {
  const out: Published = new Map(children);
  if (![...children.values()].some(small)) return out;
  for (const [key, n] of children) if (n < PUBLISHED_NEXT_TO_SMALL) out.set(key, null);
  const published = [...out.values()].filter((v) => v !== null).length;
  if (codes.length - published < 2) for (const key of out.keys()) out.set(key, null);
  return out;
}

/** A family of a population, and for a nested one the family and code of the cell it belongs to. */
export type Family = {
  counts: Children;
  codes: readonly string[];
  nestedIn?: { family: string; codeOf: (code: string) => string };
};

/** One population of one atom. */
export type Population = { count: number; families: Record<string, Family> };

/** What is published of one population of one atom: null count and no families when suppressed (rule 1). */
export type PublishedPopulation = { count: number | null; families: Record<string, Published> };

export function protectPopulation(population: Population): PublishedPopulation {
  if (population.count < MIN_PUBLISHED) return { count: null, families: {} };
  const families: Record<string, Published> = {};
  const entries = Object.entries(population.families);
  // Top-level families first: a nested one needs its parent family's published cells.
  for (const [name, family] of entries.filter(([, f]) => !f.nestedIn)) {
    families[name] = protectFamily(family.counts, family.codes);
  }
  for (const [name, family] of entries.filter(([, f]) => f.nestedIn)) {
    const { family: parentFamily, codeOf } = family.nestedIn!;
    const published: Published = new Map();
    const parents = new Set(family.codes.map(codeOf));
    for (const parent of parents) {
      const codes = family.codes.filter((code) => codeOf(code) === parent);
      const counts: Children = new Map(
        codes.flatMap((code) => (family.counts.get(code) ? [[code, family.counts.get(code)!]] : [])),
      );
      if (counts.size === 0) continue;
      // Rule 4: under a cell that is not published, nothing.
      const parentPublished = families[parentFamily]?.get(parent);
      const cells =
        parentPublished == null
          ? new Map([...counts.keys()].map((code) => [code, null]))
          : protectFamily(counts, codes);
      for (const [code, value] of cells) published.set(code, value);
    }
    families[name] = published;
  }
  return { count: population.count, families };
}
