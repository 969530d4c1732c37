import { expect, test, type Page } from '@playwright/test';

import { currentTotpCode } from '@/lib/auth/mfa/totp';

import { enterTotpCode, expectNoAxeViolations, queryDb, signInWithPassword } from './support/fixtures';

/** A supervisor without a second factor yet: a copy of the demo supervisor (same password hash). */
const email = 'e2e-zweiter-faktor@polizei.example';

test.beforeEach(async () => {
  await queryDb(`DELETE FROM "User" WHERE email = $1`, [email]);
  await queryDb(
    `INSERT INTO "User" (id, email, "displayName", "passwordHash", role, "inspectionId")
     SELECT gen_random_uuid(), $1, 'Neue Leitung (E2E)', "passwordHash", role, "inspectionId"
     FROM "User" WHERE email = 'supervisor@polizei.example'`,
    [email],
  );
});

async function enrol(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/anmelden\/zweiter-faktor$/);
  await expect(page.getByRole('heading', { name: 'Zweiten Faktor einrichten' })).toBeVisible();
  const qr = page.getByRole('img', { name: 'QR-Code zum Einrichten der Authenticator-App' });
  await expect(qr).toBeVisible();
  // The code is drawn (the CSP allows data: images) and is an image, not markup in the page.
  expect(await qr.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('main svg')).toHaveCount(0);
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '')
    .replace(/^.*:\s*/, '')
    .replaceAll(' ', '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expectNoAxeViolations(page);

  await page.getByLabel('Code aus der App').fill('123456');
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page.getByTestId('error-code')).toContainText('Dieser Code stimmt nicht');

  await page.getByLabel('Code aus der App').fill(currentTotpCode(secret));
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  const list = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(list).toHaveCount(10);
  const recoveryCodes = await list.allTextContents();
  await expectNoAxeViolations(page);
  const next = page.getByRole('button', { name: 'Weiter' });
  await expect(next).toBeDisabled();
  await page.getByLabel('Ich habe die Codes sicher aufbewahrt.').check();
  await next.click();
  await expect(page.getByTestId('signed-in-as')).toContainText('Dienstaufsicht');
  return { secret, recoveryCodes };
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
  await expect(page).toHaveURL(/\/anmelden/);
}

test('a new supervisor enrols an authenticator app, then signs in with it', async ({ page, browser }) => {
  const { secret } = await enrol(page);
  const [row] = await queryDb<{ enabled: boolean; secret: string; codes: number }>(
    `SELECT "mfaEnabledAt" IS NOT NULL AS enabled, "mfaSecret" AS secret,
            (SELECT count(*)::int FROM "RecoveryCode" r WHERE r."userId" = u.id) AS codes
     FROM "User" u WHERE email = $1`,
    [email],
  );
  expect(row).toMatchObject({ enabled: true, codes: 10 });
  expect(row!.secret).not.toContain(secret);

  await signOut(page);
  await signInWithPassword(page, email);
  await expect(page.getByRole('heading', { name: 'Code eingeben' })).toBeVisible();
  await expectNoAxeViolations(page);
  const halfSignedIn = (await page.context().cookies()).find((c) => c.name.endsWith('next-auth.session-token'))!;
  await enterTotpCode(page, email, secret);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();

  // The code renewed the session: the token issued after the password alone is worthless now.
  const planted = await browser.newContext();
  await planted.addCookies([halfSignedIn]);
  const other = await planted.newPage();
  await other.goto('/vermittlungen');
  await expect(other).toHaveURL(/\/anmelden$/);
  await planted.close();
});

test('a code is accepted only once', async ({ page }) => {
  const { secret } = await enrol(page);
  await signOut(page);
  await signInWithPassword(page, email);
  // The code of the time step the enrolment used (still valid for the clock-drift window).
  const [row] = await queryDb<{ step: number }>(`SELECT "mfaLastStep" AS step FROM "User" WHERE email = $1`, [email]);
  await page.getByLabel('Code aus der App').fill(currentTotpCode(secret, row!.step * 30_000));
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page.getByTestId('error-code')).toContainText('schon verwendet');
  await expect(page).toHaveURL(/\/anmelden\/zweiter-faktor/);
});

test('a recovery code works once when the phone is not at hand @phone', async ({ page }) => {
  const { recoveryCodes } = await enrol(page);
  await signOut(page);
  await signInWithPassword(page, email);
  await page.getByRole('button', { name: 'App nicht zur Hand? Wiederherstellungscode verwenden' }).click();
  await page.getByLabel('Wiederherstellungscode').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  await page.goto('/konto');
  await expect(page.getByTestId('second-factor-status')).toContainText('Noch 9 von 10 Wiederherstellungscodes übrig.');

  await signOut(page);
  await signInWithPassword(page, email);
  await page.getByRole('button', { name: 'App nicht zur Hand? Wiederherstellungscode verwenden' }).click();
  await page.getByLabel('Wiederherstellungscode').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page.getByTestId('error-code')).toContainText('Dieser Code stimmt nicht');
});

test('cancelling the second factor signs out', async ({ page }) => {
  await signInWithPassword(page, email);
  await page.getByRole('button', { name: 'Abbrechen und abmelden' }).click();
  await expect(page).toHaveURL(/\/anmelden$/);
  await page.goto('/anmelden/zweiter-faktor');
  await expect(page).toHaveURL(/\/anmelden$/);
});
