import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import { defineConfig, devices } from '@playwright/test';

import { OIDC_TEST_CLIENT_ID, OIDC_TEST_SCOPES } from './tests/e2e/support/oidc-accounts';
import { E2E_APP_PORT, E2E_OIDC_PORT, E2E_PG_PORT } from './tests/e2e/support/ports';

/**
 * End-to-end tests in a real Chromium against the production build (`npm run test:e2e` builds first),
 * with a throwaway embedded PostgreSQL that the launcher migrates and seeds. Offline machines use
 * Debian's chromium (TOOLCHAIN.md); elsewhere Playwright's own browser works too.
 */
const PORT = E2E_APP_PORT;
/** The test identity provider (tests/e2e/support/oidc-provider.ts) that OIDC sign-in runs against. */
const OIDC_PORT = E2E_OIDC_PORT;
const OIDC_CLIENT_SECRET = `e2e-oidc-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e',
  // The development server's own specs start `npm run dev` themselves: playwright.dev.config.ts.
  testIgnore: '**/dev-server/**',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    // A trace of every failed test (actions, DOM snapshots, network, console) for CI, which has no retries.
    // Without the screencast: its screenshots cost about a quarter of the suite's CPU time on 2 cores
    // (measured), and the DOM snapshots show the page at every step anyway.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    launchOptions: { executablePath },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 900 } } },
    { name: 'phone', use: { ...devices['Pixel 7'], viewport: { width: 360, height: 780 } }, grep: /@phone/ },
  ],
  webServer: [
    {
      command: `node_modules/.bin/tsx tests/e2e/support/oidc-provider-server.ts --port ${OIDC_PORT} --app-url http://localhost:${PORT}`,
      url: `http://localhost:${OIDC_PORT}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: { OIDC_TEST_CLIENT_SECRET: OIDC_CLIENT_SECRET },
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `node_modules/.bin/tsx lib/cli/serve.ts start --ephemeral --port ${PORT} --pg-port ${E2E_PG_PORT}`,
      url: `http://localhost:${PORT}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      env: {
        // `next start` runs with NODE_ENV=production, which requires real secrets.
        AUTH_SECRET: `e2e-${randomBytes(24).toString('base64url')}-not-for-production`,
        HASH_SECRET: `e2e-${randomBytes(24).toString('base64url')}-not-for-production`,
        ENCRYPTION_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
        OIDC_ISSUER: `http://localhost:${OIDC_PORT}`,
        OIDC_CLIENT_ID: OIDC_TEST_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        OIDC_SCOPES: OIDC_TEST_SCOPES,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
