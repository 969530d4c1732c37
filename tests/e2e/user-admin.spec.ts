/**
 * User administration (issue: admins create and disable accounts, set role and scope, reset the second
 * factor, unlock; every change applies on the person's next request; step-up before sensitive changes).
 * Test accounts are copies of demo accounts or created through the UI, and removed afterwards; the demo
 * admin is only signed in with, never changed.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

import { currentTotpCode } from '@/lib/auth/mfa/totp';

import {
  DEMO_PASSWORD,
  DEMO_TOTP_SECRET,
  expectNoAxeViolations,
  queryDb,
  signIn,
  signInAs,
  signInWithPassword,
} from './support/fixtures';

const ADMIN = 'admin@polizei.example';
const PREFIX = 'e2e-benutzer-';
const SIGN_IN_FAILED = 'Anmeldung fehlgeschlagen.';

/** A unique address per test and project, so that the desktop and phone runs do not collide. */
function testEmail(name: string): string {
  return `${PREFIX}${name}-${Date.now().toString(36)}@polizei.example`;
}

/** A copy of a demo account (same password hash, role, scope and second factor) under a new address. */
async function copyOfDemo(email: string, from = 'officer@polizei.example', displayName = 'Test (E2E)') {
  await queryDb(
    `INSERT INTO "User" (id, email, "displayName", "passwordHash", role, "stationId", "inspectionId", "partnerId",
                         "mfaSecret", "mfaEnabledAt")
     SELECT gen_random_uuid(), $1, $3, "passwordHash", role, "stationId", "inspectionId", "partnerId",
            "mfaSecret", "mfaEnabledAt"
     FROM "User" WHERE email = $2`,
    [email, from, displayName],
  );
  return userId(email);
}

async function userId(email: string): Promise<string> {
  const [row] = await queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
  return row!.id;
}

test.afterAll(async () => {
  await queryDb(`DELETE FROM "User" WHERE email LIKE $1`, [`${PREFIX}%`]);
});

/** The admin finds the account through the search box and opens it. */
async function openAccount(page: Page, email: string, displayName: string) {
  await page.goto('/verwaltung/benutzer');
  await page.getByLabel('Name oder E-Mail-Adresse').fill(email);
  await page.getByRole('button', { name: 'Suchen' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 Konto' })).toBeVisible();
  // Staff names and addresses never stand in a URL (proxy logs, browser history).
  expect(page.url()).not.toContain(email.split('@')[0]!);
  await page.getByRole('link', { name: displayName }).click();
  await expect(page.getByRole('heading', { level: 1, name: displayName })).toBeVisible();
}

/** A second browser, as the person whose account the admin changes. */
async function otherPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE' });
  return context.newPage();
}

async function signInFails(page: Page, email: string, password: string): Promise<string> {
  await page.goto('/anmelden');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  const error = page.getByTestId('sign-in-error');
  await expect(error).toBeVisible();
  return (await error.textContent()) ?? '';
}

test('an admin creates an officer account; the person sets a password through the link and signs in @phone', async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000); // two people, two sign-ins and a step-up: a whole journey
  const email = testEmail('neu');
  await signInAs(page, ADMIN);
  // The admin's home page leads to the user administration.
  await page.getByRole('main').getByRole('link', { name: 'Benutzerverwaltung' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Benutzerverwaltung' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Konto anlegen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Konto anlegen' })).toBeVisible();
  await page.getByRole('button', { name: 'Konto anlegen' }).click();
  await expect(page.getByTestId('error-email')).toHaveText('Bitte ausfüllen.');
  await expect(page.getByTestId('error-role')).toHaveText('Bitte eine Rolle auswählen.');
  await expect(page.getByLabel('Dienstliche E-Mail-Adresse')).toBeFocused();
  await expectNoAxeViolations(page);

  await page.getByLabel('Dienstliche E-Mail-Adresse').fill(email);
  await page.getByLabel(/^Name/).fill('PKin Lea Sommer');
  await page.getByRole('radio', { name: 'Einsatzkraft', exact: true }).check();
  await page.getByRole('button', { name: 'Konto anlegen' }).click();
  await expect(page.getByTestId('error-scope')).toHaveText('Bitte die Dienststelle auswählen.');
  await page.getByLabel('Dienststelle').selectOption({ label: 'Polizeikommissariat Garbsen' });
  await page.getByRole('button', { name: 'Konto anlegen' }).click();

  await expect(page.getByTestId('user-created')).toHaveText('Konto angelegt');
  const link = await page.getByLabel('Link zum Setzen des Passworts').inputValue();
  expect(link).toMatch(/\/anmelden\/passwort#[\w-]{43}$/);
  const token = link.split('#')[1]!;
  await expectNoAxeViolations(page);

  // The new person, in a browser of their own.
  const person = await otherPerson(browser);
  // The token stays in the browser: no request carries it in its address (proxy and server logs).
  const addresses: string[] = [];
  person.on('request', (request) => addresses.push(request.url()));
  await person.goto(link);
  await expect(person.getByRole('heading', { name: 'Passwort festlegen' })).toBeVisible();
  await expect(person.getByLabel('Konto')).toHaveValue(email);
  await expect(person).toHaveURL(/\/anmelden\/passwort$/); // and out of the address bar and history
  await expectNoAxeViolations(person);
  const password = 'Sieben Igel tanzen im Revier';
  await person.getByLabel('Neues Passwort', { exact: true }).fill(password);
  await person.getByLabel('Neues Passwort wiederholen').fill(`${password}!`);
  await person.getByRole('button', { name: 'Passwort festlegen' }).click();
  await expect(person.getByTestId('error-confirmation')).toHaveText('Die beiden Eingaben stimmen nicht überein.');
  await person.getByLabel('Neues Passwort wiederholen').fill(password);
  await person.getByRole('button', { name: 'Passwort festlegen' }).click();
  await expect(person).toHaveURL(/\/anmelden\?passwort=festgelegt$/);
  await expect(person.getByTestId('password-set')).toHaveText(
    'Ihr Passwort ist festgelegt. Bitte melden Sie sich jetzt damit an.',
  );
  expect(addresses.filter((address) => address.includes(token))).toEqual([]);
  await signIn(person, email, password);
  await expect(person.getByTestId('signed-in-as')).toContainText('PKin Lea Sommer (Einsatzkraft)');

  // The link works once.
  await person.goto(link);
  await expect(person.getByTestId('password-link-invalid')).toContainText('ungültig oder abgelaufen');
  await expectNoAxeViolations(person);
  await person.context().close();

  await page.getByRole('link', { name: 'Zum Konto' }).click();
  await expect(page.getByText('festgelegt', { exact: true })).toBeVisible();
  await expect(page.getByText('noch nie')).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('disabling a signed-in account signs it out on its next request', async ({ page, browser }) => {
  const email = testEmail('aus');
  await copyOfDemo(email, 'officer@polizei.example', 'Deaktiviert Test (E2E)');
  const person = await otherPerson(browser);
  await signIn(person, email);

  await signInAs(page, ADMIN);
  await openAccount(page, email, 'Deaktiviert Test (E2E)');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Konto deaktivieren' }).click();
  await expect(page.getByText('Das Konto von Deaktiviert Test (E2E) wirklich deaktivieren?')).toBeVisible();
  await page.getByRole('button', { name: 'Ja, deaktivieren' }).click();
  await expect(page.getByTestId('account-message')).toHaveText(
    'Das Konto ist deaktiviert. Alle Sitzungen wurden beendet.',
  );
  await expect(page.getByTestId('user-status').first()).toContainText('deaktiviert');
  await expect(page.getByRole('button', { name: 'Konto wieder aktivieren' })).toBeVisible();

  await person.goto('/vermittlungen');
  await expect(person).toHaveURL(/\/anmelden/);
  expect(await signInFails(person, email, DEMO_PASSWORD)).toContain(SIGN_IN_FAILED);
  await person.context().close();
});

test('a new role applies on the person’s next request', async ({ page, browser }) => {
  const email = testEmail('rolle');
  await copyOfDemo(email, 'officer@polizei.example', 'Rollenwechsel Test (E2E)');
  const person = await otherPerson(browser);
  await signIn(person, email);
  await person.goto('/vermittlungen/neu');
  await expect(person.getByRole('heading', { name: 'Neue Vermittlung' })).toBeVisible();

  await signInAs(page, ADMIN);
  await openAccount(page, email, 'Rollenwechsel Test (E2E)');
  await page.getByRole('radio', { name: 'Dienstaufsicht', exact: true }).check();
  // The station stays a valid scope for supervisors; choose the whole inspection instead.
  await page.getByLabel('Dienststelle oder Polizeiinspektion').selectOption({ label: 'Polizeiinspektion Garbsen' });
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Rolle und Zuständigkeit speichern' }).click();
  await expect(page.getByTestId('access-message')).toContainText('Gespeichert.');
  await expect(page.getByText('Polizeiinspektion Garbsen (Polizeiinspektion)')).toBeVisible();

  // Next request: signed out. Signing in again, the supervisor role first asks for a second factor.
  await person.goto('/vermittlungen/neu');
  await expect(person).toHaveURL(/\/anmelden/);
  await signInWithPassword(person, email);
  await expect(person).toHaveURL(/\/anmelden\/zweiter-faktor$/);
  await expect(person.getByRole('heading', { name: 'Zweiten Faktor einrichten' })).toBeVisible();
  const secret = ((await person.getByTestId('totp-secret').textContent()) ?? '')
    .replace(/^.*:\s*/, '')
    .replaceAll(' ', '');
  await person.getByLabel('Code aus der App').fill(currentTotpCode(secret));
  await person.getByRole('button', { name: 'Bestätigen' }).click();
  await person.getByLabel('Ich habe die Codes sicher aufbewahrt.').check();
  await person.getByRole('button', { name: 'Weiter' }).click();
  await expect(person.getByTestId('signed-in-as')).toContainText('(Dienstaufsicht)');
  const response = await person.goto('/vermittlungen/neu');
  expect(response?.status()).toBe(404);
  await person.context().close();
});

test('six wrong passwords lock an account exactly like an unknown one; the admin unlocks it', async ({ page }) => {
  const email = testEmail('sperre');
  await copyOfDemo(email, 'officer@polizei.example', 'Gesperrt Test (E2E)');

  const messages: string[] = [];
  for (let i = 0; i < 6; i++) messages.push(await signInFails(page, email, `Falsches-Passwort-${i}`));
  const lockedWithRightPassword = await signInFails(page, email, DEMO_PASSWORD);
  const unknownAccount = await signInFails(page, testEmail('gibt-es-nicht'), DEMO_PASSWORD);
  expect(lockedWithRightPassword).toContain(SIGN_IN_FAILED);
  expect(new Set([...messages, lockedWithRightPassword, unknownAccount])).toEqual(new Set([unknownAccount]));

  await signIn(page, ADMIN);
  await openAccount(page, email, 'Gesperrt Test (E2E)');
  await expect(page.getByTestId('user-status').first()).toContainText('gesperrt');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Sperre aufheben' }).click();
  await expect(page.getByTestId('account-message')).toHaveText(
    'Die Sperre ist aufgehoben. Die Person kann sich wieder anmelden.',
  );
  await expect(page.getByRole('button', { name: 'Sperre aufheben' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
  await expect(page).toHaveURL(/\/anmelden/);
  await signIn(page, email);
  await expect(page.getByTestId('signed-in-as')).toContainText('Gesperrt Test (E2E)');
});

test('an admin cannot change their own role: no control for it, and the server refuses', async ({ page }) => {
  const adminId = await userId(ADMIN);
  const email = testEmail('selbst');
  const otherId = await copyOfDemo(email, 'officer@polizei.example', 'Selbst Test (E2E)');
  await signInAs(page, ADMIN);

  await page.goto(`/verwaltung/benutzer/${adminId}`);
  await expect(page.getByTestId('own-access')).toContainText('Das ist Ihr eigenes Konto.');
  await expect(page.getByRole('button', { name: 'Rolle und Zuständigkeit speichern' })).toHaveCount(0);
  await expect(page.getByRole('radio')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Konto deaktivieren' })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // A forged request: the form of another account, sent with the admin's own id.
  await page.goto(`/verwaltung/benutzer/${otherId}`);
  await page.route(`**/verwaltung/benutzer/${otherId}`, async (route) => {
    const body = route.request().postData();
    if (route.request().method() !== 'POST' || !body?.includes(otherId)) return route.continue();
    return route.continue({ postData: body.replaceAll(otherId, adminId) });
  });
  await page.getByRole('radio', { name: 'Datenschutz', exact: true }).check();
  await page.getByRole('button', { name: 'Rolle und Zuständigkeit speichern' }).click();
  await expect(page.getByTestId('access-message')).toHaveText(
    'Das ist an Ihrem eigenen Konto nicht möglich. Bitte wenden Sie sich an eine andere Person der Administration.',
  );
  const [admin] = await queryDb<{ role: string }>(`SELECT role FROM "User" WHERE id = $1`, [adminId]);
  expect(admin!.role).toBe('ADMIN');
});

test('with a stale second factor the admin confirms a fresh code before a change is saved', async ({ page }) => {
  const email = testEmail('stepup');
  const id = await copyOfDemo(email, 'officer@polizei.example', 'Step-up Test (E2E)');
  // A session of its own (not one that other tests reuse, see signInAs), and only that one made stale below.
  const [{ now: startedAt }] = (await queryDb<{ now: Date }>('SELECT now()')) as [{ now: Date }];
  await signIn(page, ADMIN);
  await openAccount(page, email, 'Step-up Test (E2E)');
  // Signed in more than ten minutes ago, as far as the second factor goes.
  const stale = await queryDb(
    `UPDATE "Session" SET "mfaVerifiedAt" = now() - interval '20 minutes'
     WHERE "userId" = $1 AND "revokedAt" IS NULL AND "createdAt" >= $2 RETURNING id`,
    [await userId(ADMIN), startedAt],
  );
  expect(stale).toHaveLength(1);

  await page.getByRole('button', { name: 'Konto deaktivieren' }).click();
  await page.getByRole('button', { name: 'Ja, deaktivieren' }).click();
  const prompt = page.getByTestId('step-up');
  await expect(prompt.getByRole('heading', { name: 'Bestätigung erforderlich' })).toBeVisible();
  await expect(prompt).toContainText('Bitte bestätigen Sie mit dem Code aus Ihrer Authenticator-App.');
  await expect(prompt).toContainText('Zu bestätigen: Konto deaktivieren');
  await expect(prompt.getByLabel('Code aus der App')).toBeFocused();
  await expectNoAxeViolations(page);
  const [before] = await queryDb<{ active: boolean }>(`SELECT active FROM "User" WHERE id = $1`, [id]);
  expect(before!.active).toBe(true);

  await prompt.getByLabel('Code aus der App').fill('000000');
  await prompt.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(prompt.getByTestId(/^error-/)).toContainText('Dieser Code stimmt nicht');

  // A code may be used once; the sign-in a moment ago may have used this time step.
  await queryDb(`UPDATE "User" SET "mfaLastStep" = NULL WHERE email = $1`, [ADMIN]);
  await prompt.getByLabel('Code aus der App').fill(currentTotpCode(DEMO_TOTP_SECRET));
  await prompt.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page.getByTestId('account-message')).toHaveText(
    'Das Konto ist deaktiviert. Alle Sitzungen wurden beendet.',
  );
  await expect(prompt).toHaveCount(0);
  const [after] = await queryDb<{ active: boolean }>(`SELECT active FROM "User" WHERE id = $1`, [id]);
  expect(after!.active).toBe(false);
});

test('other roles do not reach an account page', async ({ page }) => {
  const id = await userId(ADMIN);
  await signInAs(page, 'supervisor@polizei.example');
  const response = await page.goto(`/verwaltung/benutzer/${id}`);
  expect(response?.status()).toBe(404);
});
