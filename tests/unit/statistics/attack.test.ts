/**
 * The attacker of ADR 0014, by brute force: someone who knows the suppression rules and sees an atom's
 * published figures (its count, each code's value of 5 or more, everything else "< 5": zeros and suppressed
 * cells alike) tries to pin down a suppressed cell. For every family of up to four codes with values up to
 * 12, every cell shown as "< 5" must keep at least two possible values among all families that look the same.
 */
import { describe, expect, it } from 'vitest';

import { MIN_PUBLISHED, protectFamily } from '@/lib/statistics/protect';

/** What the page shows of an atom's family: nothing if the population is hidden, else count and values. */
function observed(values: number[]): string {
  const count = values.reduce((a, b) => a + b, 0);
  if (count < MIN_PUBLISHED) return 'hidden';
  const children = new Map(values.flatMap((v, i) => (v > 0 ? [[`c${i}`, v] as const] : [])));
  const published = protectFamily(
    children,
    values.map((_, i) => `c${i}`),
  );
  return `${count}|${values.map((_, i) => published.get(`c${i}`) ?? '<5').join(',')}`;
}

function* families(codes: number, max: number): Generator<number[]> {
  const values = new Array<number>(codes).fill(0);
  for (;;) {
    yield [...values];
    let i = 0;
    while (i < codes && values[i] === max) values[i++] = 0;
    if (i === codes) return;
    values[i]! += 1;
  }
}

describe('an attacker who knows the rules', () => {
  for (const [codes, max] of [
    [2, 40],
    [3, 20],
    [4, 12],
    [5, 8],
  ] as const) {
    it(`cannot pin down a suppressed cell in a family of ${codes} codes (values up to ${max})`, () => {
      const seen = new Map<string, Set<number>[]>();
      for (const values of families(codes, max)) {
        const view = observed(values);
        if (view === 'hidden') continue;
        const possible = seen.get(view) ?? values.map(() => new Set<number>());
        values.forEach((v, i) => possible[i]!.add(v));
        seen.set(view, possible);
      }
      const pinned: string[] = [];
      for (const [view, possible] of seen) {
        const shown = view.split('|')[1]!.split(',');
        possible.forEach((values, i) => {
          if (shown[i] === '<5' && values.size === 1 && !values.has(0))
            pinned.push(`${view}: c${i} = ${[...values][0]}`);
        });
      }
      expect(pinned.slice(0, 5)).toEqual([]);
    });
  }
});
