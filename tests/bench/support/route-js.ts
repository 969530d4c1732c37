/**
 * The JavaScript each route of a production build makes the browser load, from the build's own manifests
 * (Turbopack): the root main files every page loads (build-manifest.json) plus the entry chunks of the
 * route's layouts, page and boundaries (the page's client-reference manifest). Sizes are gzip at zlib's
 * default level, as `next start` compresses them. Shared by `bench bundle` and the budget check in
 * `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';

/** The officer's form is used on phones in the field: it gets the tightest budget (DESIGN.md section 11). */
export const FORM_ROUTE = '/vermittlungen/neu';
export const BUDGET_KB: { route: Record<string, number>; other: number } = {
  route: { [FORM_ROUTE]: 150 },
  other: 200,
};

export interface RouteJs {
  route: string;
  scripts: number;
  gzipKb: number;
  budgetKb: number;
}

/** "/(app)/verwaltung/benutzer/[id]/page" → "/verwaltung/benutzer/[id]". */
export function routeOf(manifestKey: string): string {
  const route = manifestKey
    .replace(/\/page$/, '')
    .split('/')
    .filter((segment) => segment && !/^\(.*\)$/.test(segment))
    .join('/');
  return `/${route}`;
}

function clientManifests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return clientManifests(full);
    return entry.name === 'page_client-reference-manifest.js' ? [full] : [];
  });
}

/** Every route of the build in `nextDir` with the gzipped size of the JavaScript it loads. */
export function measureRouteJs(nextDir: string): RouteJs[] {
  const buildManifest = JSON.parse(fs.readFileSync(path.join(nextDir, 'build-manifest.json'), 'utf8')) as {
    rootMainFiles: string[];
  };
  const gzipCache = new Map<string, number>();
  const gzipBytes = (file: string) => {
    let size = gzipCache.get(file);
    if (size === undefined) {
      size = zlib.gzipSync(fs.readFileSync(path.join(nextDir, file))).length;
      gzipCache.set(file, size);
    }
    return size;
  };

  const routes: RouteJs[] = [];
  for (const file of clientManifests(path.join(nextDir, 'server/app'))) {
    // The manifest is a script that assigns to globalThis.__RSC_MANIFEST; run it in an empty context.
    const context: { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
    vm.runInNewContext(fs.readFileSync(file, 'utf8'), context);
    for (const [key, manifest] of Object.entries(context.__RSC_MANIFEST ?? {})) {
      if (key.startsWith('/_') || key.includes('/api/')) continue; // Next's own error pages, route handlers
      const scripts = new Set(buildManifest.rootMainFiles);
      for (const chunks of Object.values(manifest.entryJSFiles ?? {})) for (const chunk of chunks) scripts.add(chunk);
      const route = routeOf(key);
      routes.push({
        route,
        scripts: scripts.size,
        gzipKb: [...scripts].reduce((sum, script) => sum + gzipBytes(script), 0) / 1024,
        budgetKb: BUDGET_KB.route[route] ?? BUDGET_KB.other,
      });
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}

/** The routes over their budget, as messages; empty when every route fits. */
export function overBudget(routes: readonly RouteJs[]): string[] {
  return routes
    .filter((r) => r.gzipKb > r.budgetKb)
    .map((r) => `${r.route} loads ${r.gzipKb.toFixed(1)} kB of JavaScript (gzip), over its budget of ${r.budgetKb} kB`);
}
