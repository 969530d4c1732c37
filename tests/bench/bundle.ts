/**
 * `npm run bench -- bundle`: the gzipped JavaScript each route loads, beside its budget (the officer's
 * form ≤ 150 kB, every other route ≤ 200 kB). Baseline in the same build: the root main files that every
 * page loads whatever it contains (React DOM and the Next.js runtime). `npm test` enforces the budgets
 * through `npm run check:bundle`.
 */
import path from 'node:path';

import type { Benchmark } from './support/benchmark';
import { ensureBuild, printKeyValues, printTable, ROOT, round } from './support/harness';
import { FORM_ROUTE, measureRouteJs, overBudget } from './support/route-js';

async function run(argv: readonly string[]): Promise<void> {
  ensureBuild(argv);
  const routes = measureRouteJs(path.join(ROOT, '.next'));
  const baseline = Math.min(...routes.map((r) => r.gzipKb));
  printTable('JavaScript per route (gzip)', [
    ...routes.map((r) => ({
      route: r.route,
      scripts: r.scripts,
      kB: round(r.gzipKb),
      'own kB (above the lightest route)': round(r.gzipKb - baseline),
      budget: r.budgetKb,
      status: r.gzipKb <= r.budgetKb ? 'ok' : 'OVER',
    })),
  ]);
  for (const message of overBudget(routes)) console.error(message);
  const form = routes.find((r) => r.route === FORM_ROUTE);
  if (!form) throw new Error(`the build has no route ${FORM_ROUTE}`);
  printKeyValues({
    form_js_kb: round(form.gzipKb),
    largest_other_js_kb: round(Math.max(...routes.filter((r) => r !== form).map((r) => r.gzipKb))),
    lightest_route_kb: round(baseline),
  });
}

export const bundleBenchmark: Benchmark = {
  name: 'bundle',
  description: 'gzipped JavaScript per route of the production build, beside each budget',
  run: async (argv) => run(argv),
};
