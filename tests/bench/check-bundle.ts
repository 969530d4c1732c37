/**
 * `npm run check:bundle` (part of `npm test`, after the build): fails when a route's JavaScript exceeds
 * its budget, so no change can silently grow what an officer's phone has to load.
 */
import path from 'node:path';

import { ROOT } from './support/harness';
import { measureRouteJs, overBudget } from './support/route-js';

const routes = measureRouteJs(path.join(ROOT, '.next'));
const problems = overBudget(routes);
for (const r of routes)
  console.log(`${r.route.padEnd(32)} ${r.gzipKb.toFixed(1).padStart(6)} kB  (budget ${r.budgetKb} kB)`);
if (routes.length === 0) problems.push('no routes found in .next: run `npm run build` first');
for (const problem of problems) console.error(`JavaScript budget exceeded: ${problem}`);
process.exit(problems.length ? 1 : 0);
