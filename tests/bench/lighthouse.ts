/**
 * `npm run bench -- lighthouse`: Lighthouse (default config: mobile emulation, simulated slow 4G and CPU
 * throttling) in Debian's Chromium against a production build, on the officer's form `/vermittlungen/neu`
 * (signed in) and on the sign-in page `/anmelden` (anonymous). The sign-in page is the baseline: it is the
 * lightest page of the app, so what the form scores below it is the form's own cost. Each page is audited
 * 3 times and the median taken, because scores move by several points between runs on 2 shared cores.
 * Targets: performance ≥ 95, accessibility 100, best practices ≥ 95. Every audit that failed (score < 1)
 * is listed with its title, so the table says what to fix.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { type Flags, type Result } from 'lighthouse';

import { createPrismaClient } from '@/lib/db/client';
import { onShutdown } from '@/lib/process/shutdown';
import { ensureUser, seedReferenceData } from '@/prisma/factories';

import type { Benchmark } from './support/benchmark';
import {
  ensureBuild,
  log,
  printKeyValues,
  printTable,
  quantile,
  startApp,
  startBenchDatabase,
} from './support/harness';
import { signIn } from './support/http';

const RUNS = 3;
const OFFICER = { email: 'bench-lighthouse@polizei.example', password: 'Bench-Passwort-2026-lang' };
const CHROMIUM = '/usr/bin/chromium';
/**
 * Headless without a sandbox (the benchmark may run as root in a container) and without anything Chromium
 * would fetch from the internet in the background, which would both fail here and add noise.
 */
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
type Category = (typeof CATEGORIES)[number];
const TARGETS: Record<Category, number> = { performance: 95, accessibility: 100, 'best-practices': 95 };

interface Page {
  label: string;
  path: string;
  signedIn: boolean;
}

/** The baseline first, so the table reads "lightest page, then the form". */
const PAGES: Page[] = [
  { label: 'baseline: sign-in /anmelden (anonymous)', path: '/anmelden', signedIn: false },
  { label: 'officer form /vermittlungen/neu (signed in)', path: '/vermittlungen/neu', signedIn: true },
];

async function run(argv: readonly string[]): Promise<void> {
  ensureBuild(argv);
  const database = await startBenchDatabase();
  try {
    const prisma = createPrismaClient(database.url);
    try {
      await seedReferenceData(prisma);
      const station = await prisma.station.findFirstOrThrow({ select: { code: true }, orderBy: { code: 'asc' } });
      await ensureUser(prisma, {
        ...OFFICER,
        displayName: 'Bench Lighthouse',
        role: 'OFFICER',
        stationCode: station.code,
      });
    } finally {
      await prisma.$disconnect();
    }

    const app = await startApp(database.url);
    try {
      const cookie = await signIn(app.baseUrl, OFFICER.email, OFFICER.password);
      const results = await auditPages(app.baseUrl, cookie);
      report(results);
      // `--save`: the full reports (main-thread breakdown, script timings) for a closer look.
      if (argv.includes('--save')) {
        const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-lighthouse-'));
        for (const [page, runs] of results) {
          for (const [i, lhr] of runs.entries()) {
            await fsp.writeFile(path.join(dir, `${page.path.replaceAll('/', '_')}-${i + 1}.json`), JSON.stringify(lhr));
          }
        }
        log(`Lighthouse reports: ${dir}`);
      }
    } finally {
      await app.stop();
    }
  } finally {
    await database.stop();
  }
}

/** Every run of every page, in one Chromium that is killed afterwards whatever happens. */
async function auditPages(baseUrl: string, cookie: string): Promise<Map<Page, Result[]>> {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  const unregister = onShutdown(() => chrome.kill());
  try {
    const results = new Map<Page, Result[]>(PAGES.map((page) => [page, []]));
    // Pages alternate rather than run back to back, so a burst of load from someone else on the machine
    // lowers one run of each page instead of all runs of one page.
    for (let i = 1; i <= RUNS; i++) {
      for (const page of PAGES) {
        const lhr = await audit(chrome.port, `${baseUrl}${page.path}`, page.signedIn ? { Cookie: cookie } : undefined);
        const scores = CATEGORIES.map((c) => `${c} ${score(lhr, c)}`).join(', ');
        log(`  ${page.path} run ${i}/${RUNS}: ${scores}, TBT ${metric(lhr, 'total-blocking-time')} ms`);
        results.get(page)!.push(lhr);
      }
    }
    return results;
  } finally {
    chrome.kill();
    unregister();
  }
}

async function audit(port: number, url: string, extraHeaders: Record<string, string> | undefined): Promise<Result> {
  const flags: Flags = {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: [...CATEGORIES],
    // The session cookie on every request the page makes: Lighthouse clears the browser's storage before
    // each run, so a cookie set in Chromium would be gone by the time the page loads.
    ...(extraHeaders ? { extraHeaders } : {}),
  };
  // Lighthouse sometimes fails to record a trace (NO_NAVSTART) on a busy machine: one more try then.
  let lhr: Result | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const result = await lighthouse(url, flags);
    if (!result) throw new Error(`Lighthouse returned no result for ${url}`);
    lhr = result.lhr;
    if (!lhr.runtimeError) break;
    if (attempt === 2) throw new Error(`Lighthouse failed on ${url}: ${lhr.runtimeError.message}`);
    log(`  Lighthouse could not audit ${url} (${lhr.runtimeError.code}); trying again`);
  }
  if (!lhr) throw new Error(`Lighthouse returned no result for ${url}`);
  // A lapsed session would silently audit the sign-in page instead of the form.
  if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) {
    throw new Error(`${url} ended at ${lhr.finalDisplayedUrl}: the page redirected, so it was not audited`);
  }
  return lhr;
}

/** A category's score as 0–100; Lighthouse reports null when the category could not be computed. */
function score(lhr: Result, category: Category): number {
  const value = lhr.categories[category]?.score;
  if (value === null || value === undefined) throw new Error(`no ${category} score for ${lhr.finalDisplayedUrl}`);
  return Math.round(value * 100);
}

function metric(lhr: Result, id: string): number {
  return Math.round(lhr.audits[id]?.numericValue ?? Number.NaN);
}

const median = (values: readonly number[]) => quantile(values, 0.5);

/** An audit that scored below 1 in at least one run of a page. */
interface Failure {
  page: string;
  category: string;
  title: string;
  /** Score and displayed value (e.g. "2,600 ms") of each run. */
  runs: { score: number; value: string }[];
}

/**
 * Audits of the three categories that count towards a score (binary, numeric metrics, and the performance
 * insights that estimate savings) and scored below 1. Informative, manual and not-applicable audits carry
 * no score and are left out.
 */
function failedAudits(page: Page, runs: readonly Result[]): Failure[] {
  const failures = new Map<string, Failure>();
  for (const lhr of runs) {
    // An audit may belong to more than one category; it counts once per run.
    const seen = new Set<string>();
    for (const category of CATEGORIES) {
      for (const ref of lhr.categories[category]?.auditRefs ?? []) {
        const result = lhr.audits[ref.id];
        if (!result || result.score === null || seen.has(ref.id)) continue;
        seen.add(ref.id);
        const entry = failures.get(ref.id) ?? { page: page.path, category, title: result.title, runs: [] };
        entry.runs.push({ score: result.score, value: result.displayValue ?? '' });
        failures.set(ref.id, entry);
      }
    }
  }
  return [...failures.values()].filter((f) => f.runs.some((r) => r.score < 1));
}

/** The run with the median score, so that the value shown belongs to the score shown. */
function medianRun(runs: Failure['runs']): Failure['runs'][number] {
  const sorted = [...runs].sort((a, b) => a.score - b.score);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}

function report(results: Map<Page, Result[]>): void {
  const medians = new Map<Page, Record<Category, number>>();
  const rows = PAGES.map((page) => {
    const runs = results.get(page)!;
    const perCategory = Object.fromEntries(
      CATEGORIES.map((c) => [c, median(runs.map((lhr) => score(lhr, c)))]),
    ) as Record<Category, number>;
    medians.set(page, perCategory);
    const below = CATEGORIES.filter((c) => perCategory[c] < TARGETS[c]);
    return {
      page: page.label,
      performance: perCategory.performance,
      accessibility: perCategory.accessibility,
      'best practices': perCategory['best-practices'],
      'TBT ms': median(runs.map((lhr) => metric(lhr, 'total-blocking-time'))),
      'LCP ms': median(runs.map((lhr) => metric(lhr, 'largest-contentful-paint'))),
      targets: 'perf ≥ 95, a11y 100, bp ≥ 95',
      status: below.length ? `BELOW: ${below.join(', ')}` : 'ok',
    };
  });
  const version = results.get(PAGES[0]!)![0]!.lighthouseVersion;
  printTable(`Lighthouse ${version}, mobile (default config), Chromium headless, median of ${RUNS} runs`, rows);

  // The form first: it is what the developer is most likely to have to fix.
  const failures = [...PAGES].reverse().flatMap((page) => failedAudits(page, results.get(page)!));
  printTable(
    `Failed audits (score < 1 in at least one of ${RUNS} runs; score and value of the median run)`,
    failures.length
      ? failures.map((f) => ({
          page: f.page,
          category: f.category,
          audit: f.title,
          score: Number(medianRun(f.runs).score.toFixed(2)),
          failed: `${f.runs.filter((r) => r.score < 1).length}/${f.runs.length} runs`,
          value: medianRun(f.runs).value,
        }))
      : [{ page: '(none)' }],
  );

  // The lower of the two pages per category: the app is only as good as its weaker page.
  const lowest = (c: Category) => Math.min(...PAGES.map((page) => medians.get(page)![c]));
  printKeyValues({
    performance: lowest('performance'),
    accessibility: lowest('accessibility'),
    best_practices: lowest('best-practices'),
  });
}

export const lighthouseBenchmark: Benchmark = {
  name: 'lighthouse',
  description: 'Lighthouse (mobile) on the officer form and the sign-in page, median of 3 runs',
  run,
};
