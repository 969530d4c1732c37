import { readdirSync } from 'node:fs';
import path from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import { expect, type Cookie, type Page } from '@playwright/test';
import pg from 'pg';

import { STEP_UP_MINUTES } from '@/lib/auth/mfa/policy';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '@/prisma/factories';

import { E2E_PG_PORT } from './ports';

export { DEMO_PASSWORD, DEMO_TOTP_SECRET };

/** The throwaway database the e2e launcher started (playwright.config.ts). */
export const E2E_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/app`;

/** Password only: ends on the second-factor step for accounts that owe one, else signed in. */
export async function signInWithPassword(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/anmelden');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(page.getByTestId('signed-in-as').or(page.getByLabel('Code aus der App'))).toBeVisible();
}

/**
 * Types the current TOTP code. A code is accepted only once per account (replay protection), and tests
 * sign the same demo account in several times within one 30-second window, so the account's record of
 * the last used time step is cleared first.
 */
export async function enterTotpCode(page: Page, email: string, secret = DEMO_TOTP_SECRET): Promise<void> {
  await queryDb(`UPDATE "User" SET "mfaLastStep" = NULL WHERE email = $1`, [email]);
  await page.getByLabel('Code aus der App').fill(currentTotpCode(secret));
  await page.getByRole('button', { name: 'Bestätigen' }).click();
}

/** Full sign-in, with the demo second factor where the account has one. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await signInWithPassword(page, email, password);
  if (await page.getByLabel('Code aus der App').isVisible()) await enterTotpCode(page, email);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}

/**
 * Sessions of accounts that tests only need to be signed in with, per Playwright worker (a module-level map
 * lives as long as the worker, across spec files). A full sign-in costs 3–4 s (the form, argon2, often the
 * second factor) and most tests sign in as one of a few demo accounts; reusing the session costs one page
 * load. Reused for at most half the step-up window, so that an admin's session still counts as a fresh
 * second factor for the step-up actions (lib/auth/mfa/policy.ts) in every test that reuses it.
 */
const reusableSessions = new Map<string, { cookies: Cookie[]; signedInAt: number }>();
const SESSION_REUSE_MS = (STEP_UP_MINUTES / 2) * 60_000;

/**
 * Signed in as `email` on the home page, like `signIn`, but through a session this worker already opened
 * for the account where there is one. Tests that are about signing in, signing out or sessions use
 * `signIn`: they need a session of their own. When another test ended the reused session meanwhile (sign-out
 * on all devices, a revoked session), this signs in anew.
 */
export async function signInAs(page: Page, email: string): Promise<void> {
  const reusable = reusableSessions.get(email);
  if (reusable && Date.now() - reusable.signedInAt < SESSION_REUSE_MS) {
    await page.context().addCookies(reusable.cookies);
    await page.goto('/');
    if (new URL(page.url()).pathname === '/' && (await page.getByTestId('signed-in-as').isVisible())) return;
    reusableSessions.delete(email);
    await page.context().clearCookies();
  }
  const signedInAt = Date.now();
  await signIn(page, email);
  reusableSessions.set(email, { cookies: await page.context().cookies(), signedInAt });
}

/**
 * WCAG 2.1 AA checks of the page as it is now; fails the test on any violation.
 *
 * Legacy mode runs `axe.run` in the page itself. The default mode runs `axe.runPartial` in every frame and
 * then opens a blank page, injects axe-core a second time and merges the results there (`finishRun`), which
 * exists for cross-origin iframes. The app has no iframes, and both modes report the same rules, passes and
 * violations on its pages (checked with deliberately broken markup); legacy mode takes half the time, and
 * this check runs on almost every page the suite visits.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .setLegacyMode()
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/**
 * One small pool per Playwright worker: a new connection per query cost ~25 ms, and the suite runs a few
 * hundred queries (the authorisation matrix alone two per page and role). `allowExitOnIdle` lets the worker
 * exit without closing the pool.
 */
let pool: pg.Pool | undefined;

/** Runs a query against the e2e database, for assertions the UI cannot show (what was not stored). */
export async function queryDb<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  pool ??= new pg.Pool({ connectionString: E2E_DATABASE_URL, max: 2, allowExitOnIdle: true });
  return (await pool.query<T>(sql, params)).rows;
}

/** A unique, valid Vorgangsnummer per test run. */
export function uniqueCaseNumber(): string {
  return `2026/${String(Date.now()).slice(-8)}`;
}

/**
 * Every `page.tsx` or `route.ts` under app/, as the route it serves (route groups in parentheses do not
 * appear; dynamic segments stay as written, e.g. `/verwaltung/benutzer/[id]`).
 */
export function filesInApp(fileName: 'page.tsx' | 'route.ts', dir = 'app', prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile()) return entry.name === fileName ? [prefix || '/'] : [];
    const segment = /^\(.*\)$/.test(entry.name) ? '' : `/${entry.name}`;
    return filesInApp(fileName, path.join(dir, entry.name), prefix + segment);
  });
}
