import { expect, test } from '@playwright/test';

import { expectNoAxeViolations, signIn, signInAs } from './support/fixtures';

test.describe('access', () => {
  test('an anonymous visitor is sent to sign-in, and back after it', async ({ page }) => {
    await page.goto('/vermittlungen/neu');
    await expect(page).toHaveURL(/\/anmelden\?next=%2Fvermittlungen%2Fneu$/);
    await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
    await expectNoAxeViolations(page);

    await page.getByLabel('E-Mail-Adresse').fill('officer@polizei.example');
    await page.getByLabel('Passwort').fill('Demo-Passwort-2026');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await expect(page).toHaveURL(/\/vermittlungen\/neu$/);
  });

  test('a wrong password and an unknown account get the same message', async ({ page }) => {
    await page.goto('/anmelden');
    const messages: string[] = [];
    for (const email of ['officer@polizei.example', 'nobody@polizei.example']) {
      await page.getByLabel('E-Mail-Adresse').fill(email);
      await page.getByLabel('Passwort').fill('Falsches-Passwort-1');
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      const error = page.getByTestId('sign-in-error');
      await expect(error).toBeVisible();
      messages.push((await error.textContent()) ?? '');
    }
    expect(messages[0]).toContain('Anmeldung fehlgeschlagen');
    expect(messages[1]).toBe(messages[0]);
  });

  test('a partner caseworker cannot open the officer form', async ({ page }) => {
    await signInAs(page, 'maennerbuero@partner.example');
    // The start page leads the caseworker to the inbox.
    await expect(page.getByTestId('summary-inbox-new')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Neue Vermittlung', exact: true })).toHaveCount(0);
    const response = await page.goto('/vermittlungen/neu');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Seite nicht gefunden' })).toBeVisible();
  });

  test('the health endpoint says ok and nothing else', async ({ request }) => {
    const response = await request.get('/api/health');
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('signing out ends the session on the server, not only in this browser', async ({ page, context }) => {
    await signIn(page, 'officer@polizei.example');
    const token = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'))!;
    await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
    await expect(page).toHaveURL(/\/anmelden/);
    await page.goto('/vermittlungen');
    await expect(page).toHaveURL(/\/anmelden/);
    // A copy of the old cookie (a shared patrol-car tablet, a stolen token) no longer opens anything.
    await context.addCookies([token]);
    await page.goto('/vermittlungen');
    await expect(page).toHaveURL(/\/anmelden/);
  });

  test('signing out on all devices ends the other sessions too', async ({ browser, page }) => {
    const tablet = await browser.newPage();
    await signIn(tablet, 'supervisor@polizei.example');
    await signIn(page, 'supervisor@polizei.example');
    await page.getByRole('link', { name: 'Konto', exact: true }).click();
    await page.getByRole('button', { name: 'Auf allen Geräten abmelden' }).click();
    await expect(page).toHaveURL(/\/anmelden/);
    await tablet.goto('/');
    await expect(tablet).toHaveURL(/\/anmelden/);
    await tablet.close();
  });
});

test('the account page refuses a wrong current password, in German', async ({ page }) => {
  await signInAs(page, 'auditor@polizei.example');
  await page.getByRole('link', { name: 'Konto', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByLabel('Bisheriges Passwort').fill('nicht-das-richtige');
  await page.getByLabel('Neues Passwort', { exact: true }).fill('Drei Katzen sitzen im Streifenwagen');
  await page.getByLabel('Neues Passwort wiederholen').fill('Drei Katzen sitzen im Streifenwagen');
  await page.getByRole('button', { name: 'Passwort ändern' }).click();
  await expect(page.getByTestId('error-currentPassword')).toHaveText('Das bisherige Passwort ist nicht richtig.');
  await expectNoAxeViolations(page);
});
