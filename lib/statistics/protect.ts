/**
 * Small-cell suppression (issue 14, ADR 0014). Pure: unit tests and the statistics job use it.
 *
 * The statistics publish, per month, station and municipality (an "atom") and population (the persons
 * referred as victims, those referred to a perpetrator programme, the declined offers), the population's
 * count and its breakdowns (families: gender, risk, partner, reached within 3 days per partner, result,
 * routing). Every figure on the page or in the CSV is a sum of published atom values only, so the question
 * "can a combination of filters reveal a suppressed cell by subtraction" reduces to one atom at a time:
 *
 * 1. a count of 1 to 4 is suppressed (primary);
 * 2. if a family has a suppressed child, the smallest child of 5 or more is suppressed with it
 *    (secondary), so that the published rest does not give the small one by subtraction from the count;
 * 3. if a family has no child of 5 or more, its suppressed children (all 1 to 4) are still worked out from
 *    their sum when it is the least or the most they could be (k small cells summing to k or 4k): then the
 *    whole population of the atom is suppressed, every family with it;
 * 4. a child nested in a suppressed child (reached within 3 days, of a suppressed partner) is suppressed.
 *
 * Zero is published as the absence of a row: it identifies no one.
 */
export const MIN_PUBLISHED = 5;

/** A family's children: key → count (only counts above zero). */
export type Children = Map<string, number>;
/** Published children: key → count, or null when suppressed. */
export type Published = Map<string, number | null>;

const small = (n: number) => n > 0 && n < MIN_PUBLISHED;

/**
 * The published children of one family whose parent count is published, or 'HIDE' when the parent must be
 * suppressed as well (rule 3).
 */
export function protectFamily(children: Children): Published | 'HIDE' {
  const out: Published = new Map(children);
  const suppressed = [...children].filter(([, n]) => small(n));
  if (suppressed.length === 0) return out;
  for (const [key] of suppressed) out.set(key, null);
  const large = [...children]
    .filter(([, n]) => n >= MIN_PUBLISHED)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  if (large.length > 0) {
    out.set(large[0]![0], null);
    return out;
  }
  const sum = suppressed.reduce((total, [, n]) => total + n, 0);
  const k = suppressed.length;
  return k === 1 || sum === k || sum === 4 * k ? 'HIDE' : out;
}

/** One population of one atom: its count and its families; nested families name their parent family's key. */
export type Population = {
  count: number;
  families: Record<string, Children>;
  /** Families nested in a child of another family: family → [parent family, parent key of each child]. */
  nested?: Record<string, { parent: string; parentKeyOf: (childKey: string) => string }>;
};

/** The published count and families of one population of one atom (rules 1 to 4). */
export function protectPopulation(population: Population): {
  count: number | null;
  families: Record<string, Published>;
} {
  const hidden = () => ({
    count: null,
    families: Object.fromEntries(
      Object.entries(population.families).map(([name, children]) => [
        name,
        new Map([...children.keys()].map((key) => [key, null] as const)),
      ]),
    ),
  });
  if (population.count < MIN_PUBLISHED) return hidden();
  const families: Record<string, Published> = {};
  // Top-level families first, then the nested ones, which need their parent family's result.
  const names = Object.keys(population.families).sort(
    (a, b) => Number(Boolean(population.nested?.[a])) - Number(Boolean(population.nested?.[b])),
  );
  for (const name of names) {
    const nest = population.nested?.[name];
    const children = population.families[name]!;
    if (!nest) {
      const published = protectFamily(children);
      if (published === 'HIDE') return hidden();
      families[name] = published;
      continue;
    }
    // Each group of children under one parent child is a family of its own, published only with its parent.
    const groups = new Map<string, Children>();
    for (const [key, n] of children) {
      const parentKey = nest.parentKeyOf(key);
      groups.set(parentKey, new Map([...(groups.get(parentKey) ?? []), [key, n]]));
    }
    const published: Published = new Map();
    for (const [parentKey, group] of groups) {
      const parentValue = families[nest.parent]?.get(parentKey) ?? null;
      const result = parentValue === null ? 'HIDDEN_PARENT' : protectFamily(group);
      if (result === 'HIDE') return hidden();
      for (const key of group.keys()) published.set(key, result === 'HIDDEN_PARENT' ? null : result.get(key)!);
    }
    families[name] = published;
  }
  return { count: population.count, families };
}
