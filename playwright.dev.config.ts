import { existsSync } from 'node:fs';

import { defineConfig, devices } from '@playwright/test';

/**
 * The development server itself (`npm run dev`) in a real Chromium. The specs in tests/e2e/dev-server start
 * and stop the launcher on their own (free ports, a temporary DATA_DIR), so there is no web server here and
 * no build; `next dev` uses this checkout's `.next/dev`, so no other `npm run dev` may run in the checkout
 * meanwhile (Next.js refuses a second one). `npm run test:e2e` runs them after the suite against the
 * production build (playwright.config.ts).
 */
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e/dev-server',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  // Beside the main suite's results, which a run of this one must not delete.
  outputDir: 'test-results/dev-server',
  reporter: process.env.CI
    ? [['list']]
    : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report/dev-server' }]],
  use: {
    ...devices['Desktop Chrome'],
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    launchOptions: { executablePath },
  },
});
