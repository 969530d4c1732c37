/**
 * Authorisation matrix for pages: every page under app/ × anonymous, every role and a session still
 * waiting for its second factor. A page without a row fails the test. Denied pages look exactly like
 * missing ones (404); anonymous visitors are sent to sign-in, half signed-in ones to the second-factor
 * step. Also: disabling an account or changing its role takes effect on the very next request.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import { queryDb, signIn, signInWithPassword } from './support/fixtures';

type Outcome = 'ok' | 'not-found';
const ROLE_ACCOUNTS = {
  OFFICER: 'officer@polizei.example',
  SUPERVISOR: 'supervisor@polizei.example',
  ADMIN: 'admin@polizei.example',
  PARTNER: 'biss@partner.example',
  AUDITOR: 'auditor@polizei.example',
} as const;
type Role = keyof typeof ROLE_ACCOUNTS;

const everyone: Record<Role, Outcome> = { OFFICER: 'ok', SUPERVISOR: 'ok', ADMIN: 'ok', PARTNER: 'ok', AUDITOR: 'ok' };
const officersOnly: Record<Role, Outcome> = {
  OFFICER: 'ok',
  SUPERVISOR: 'not-found',
  ADMIN: 'not-found',
  PARTNER: 'not-found',
  AUDITOR: 'not-found',
};

/**
 * Signed-in pages; /anmelden is public and redirects signed-in users home; the second-factor step
 * (SIGN_IN_STEP) needs a session that has passed the password and sends complete sessions on.
 */
const PAGES: Record<string, Record<Role, Outcome> | 'PUBLIC' | 'SIGN_IN_STEP'> = {
  '/anmelden': 'PUBLIC',
  '/anmelden/zweiter-faktor': 'SIGN_IN_STEP',
  '/': everyone,
  '/konto': everyone,
  '/vermittlungen': officersOnly,
  '/vermittlungen/neu': officersOnly,
  // User administration: ADMIN only (users:manage).
  '/verwaltung/benutzer': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  '/verwaltung/benutzer/neu': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  // Visited literally, "[id]" is no account: not found for admins too. Admins opening real accounts, and
  // other roles being refused, are in user-admin.spec.ts.
  '/verwaltung/benutzer/[id]': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'not-found',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  // Public like /anmelden: the one-time link is the proof; "[token]" shows the invalid-link message.
  '/anmelden/passwort/[token]': 'PUBLIC',
};

/** Every page.tsx under app/, as the URL it serves (route groups in parentheses do not appear). */
function pagesInApp(dir = 'app', prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile()) return entry.name === 'page.tsx' ? [prefix || '/'] : [];
    const segment = /^\(.*\)$/.test(entry.name) ? '' : `/${entry.name}`;
    return pagesInApp(path.join(dir, entry.name), prefix + segment);
  });
}

async function outcomeOf(page: Page, url: string): Promise<Outcome | 'sign-in' | 'second-factor'> {
  const response = await page.goto(url);
  const landed = new URL(page.url()).pathname;
  if (landed !== url && landed === '/anmelden') return 'sign-in';
  if (landed !== url && landed === '/anmelden/zweiter-faktor') return 'second-factor';
  return response?.status() === 404 ? 'not-found' : 'ok';
}

test('every page has a row in the matrix', () => {
  expect(pagesInApp().sort()).toEqual(Object.keys(PAGES).sort());
});

test('anonymous visitors reach only the sign-in page', async ({ page }) => {
  for (const [url, row] of Object.entries(PAGES)) {
    expect(await outcomeOf(page, url), url).toBe(row === 'PUBLIC' ? 'ok' : 'sign-in');
  }
});

test('a session waiting for its second factor reaches only that step', async ({ page }) => {
  await signInWithPassword(page, ROLE_ACCOUNTS.ADMIN);
  for (const [url, row] of Object.entries(PAGES)) {
    expect(await outcomeOf(page, url), url).toBe(row === 'PUBLIC' || row === 'SIGN_IN_STEP' ? 'ok' : 'second-factor');
  }
});

for (const [role, email] of Object.entries(ROLE_ACCOUNTS) as [Role, string][]) {
  test(`${role} sees exactly the pages of the role`, async ({ page }) => {
    await signIn(page, email);
    for (const [url, row] of Object.entries(PAGES)) {
      if (typeof row === 'string') continue;
      expect(await outcomeOf(page, url), `${role} ${url}`).toBe(row[role]);
    }
  });
}

test.describe('changes to an account take effect on the next request', () => {
  const email = 'e2e-wechsel@polizei.example';

  test.beforeEach(async () => {
    // A copy of the demo officer (same password hash), so the demo accounts stay untouched.
    await queryDb(`DELETE FROM "User" WHERE email = $1`, [email]);
    await queryDb(
      `INSERT INTO "User" (id, email, "displayName", "passwordHash", role, "stationId")
       SELECT gen_random_uuid(), $1, 'Wechsel (E2E)', "passwordHash", role, "stationId" FROM "User" WHERE email = 'officer@polizei.example'`,
      [email],
    );
  });

  test('a disabled account is signed out at once', async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByRole('link', { name: 'Neue Vermittlung' }).first()).toBeVisible();
    await queryDb(`UPDATE "User" SET active = false WHERE email = $1`, [email]);
    await page.goto('/vermittlungen');
    await expect(page).toHaveURL(/\/anmelden/);
  });

  test('a changed role applies at once', async ({ page }) => {
    await signIn(page, email);
    expect(await outcomeOf(page, '/vermittlungen/neu')).toBe('ok');
    // Auditors need a second factor, which this session has not passed: it may go no further than that.
    await queryDb(`UPDATE "User" SET role = 'AUDITOR' WHERE email = $1`, [email]);
    expect(await outcomeOf(page, '/vermittlungen/neu')).toBe('second-factor');
  });
});

test('the interface switches to English and back', async ({ page }) => {
  await page.goto('/anmelden');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
});
