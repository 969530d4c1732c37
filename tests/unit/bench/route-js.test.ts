import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { measureRouteJs, overBudget, routeOf } from '@/tests/bench/support/route-js';

/** A fake `.next` with the two manifests the check reads and incompressible chunks of the given sizes. */
function fakeBuild(pages: Record<string, Record<string, number>>, rootKb: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-js-'));
  const chunk = (name: string, kb: number) => {
    fs.mkdirSync(path.join(dir, 'static/chunks'), { recursive: true });
    // Random bytes as hex: gzip keeps a bit more than half, so a chunk is about 1.1 × `kb` when zipped.
    fs.writeFileSync(path.join(dir, 'static/chunks', name), randomBytes(kb * 1024).toString('hex'));
    return `static/chunks/${name}`;
  };
  fs.writeFileSync(
    path.join(dir, 'build-manifest.json'),
    JSON.stringify({ rootMainFiles: [chunk('root.js', rootKb)] }),
  );
  for (const [key, chunks] of Object.entries(pages)) {
    const entryJSFiles = { [`[project]/app${key}`]: Object.entries(chunks).map(([name, kb]) => chunk(name, kb)) };
    const file = path.join(dir, 'server/app', `${key}_client-reference-manifest.js`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\nglobalThis.__RSC_MANIFEST[${JSON.stringify(key)}] = ${JSON.stringify({ entryJSFiles })};`,
    );
  }
  return dir;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the JavaScript budget check', () => {
  it('names routes by their URL, without route groups', () => {
    expect(routeOf('/(app)/vermittlungen/neu/page')).toBe('/vermittlungen/neu');
    expect(routeOf('/(app)/page')).toBe('/');
    expect(routeOf('/anmelden/passwort/[token]/page')).toBe('/anmelden/passwort/[token]');
  });

  it('adds the root files every page loads to each route', () => {
    const dir = fakeBuild({ '/(app)/vermittlungen/page': { 'list.js': 10 } }, 100);
    dirs.push(dir);
    const [list] = measureRouteJs(dir);
    expect(list).toMatchObject({ route: '/vermittlungen', scripts: 2, budgetKb: 200 });
    expect(list!.gzipKb).toBeGreaterThan(110);
    expect(list!.gzipKb).toBeLessThan(125);
    expect(overBudget([list!])).toEqual([]);
  });

  it('fails the officer form above 150 kB, although other routes may load 200 kB', () => {
    const dir = fakeBuild(
      { '/(app)/vermittlungen/neu/page': { 'form.js': 60 }, '/(app)/konto/page': { 'account.js': 60 } },
      100,
    );
    dirs.push(dir);
    const routes = measureRouteJs(dir);
    expect(routes.map((r) => [r.route, r.budgetKb])).toEqual([
      ['/konto', 200],
      ['/vermittlungen/neu', 150],
    ]);
    const problems = overBudget(routes);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^\/vermittlungen\/neu loads 1\d\d\.\d kB of JavaScript \(gzip\), over its budget of 150 kB$/,
    );
  });
});
