import { expect, test, type Page } from '@playwright/test';

import { OIDC_TEST_ACCOUNTS, OIDC_TEST_PASSWORD } from './support/oidc-accounts';
import { expectNoAxeViolations, queryDb } from './support/fixtures';
import { E2E_OIDC_PORT } from './support/ports';

/**
 * Sign-in through the directorate's identity provider, against a real OpenID Connect provider that
 * Playwright starts next to the app (tests/e2e/support/oidc-provider.ts): authorization code flow with
 * PKCE, state and nonce, a signed ID token, and the provider's own login page typed into by the browser.
 */

const subjects = Object.values(OIDC_TEST_ACCOUNTS).map((account) => account.sub);

let startedAt: Date;

test.beforeEach(async () => {
  // Every test starts without the provisioned accounts (sessions go with them).
  await queryDb(`DELETE FROM "User" WHERE "oidcSubject" = ANY($1)`, [subjects]);
  startedAt = (await queryDb<{ now: Date }>('SELECT now() AS now'))[0]!.now;
});

/** From the app's sign-in page through the provider's login form and back. */
async function signInAtProvider(page: Page, login: keyof typeof OIDC_TEST_ACCOUNTS): Promise<void> {
  await page.getByRole('button', { name: 'Mit Dienstkonto anmelden' }).click();
  await expect(page).toHaveURL(new RegExp(`^http://localhost:${E2E_OIDC_PORT}/interaction/`));
  await page.getByLabel('Benutzerkennung').fill(login);
  await page.getByLabel('Kennwort').fill(OIDC_TEST_PASSWORD);
  await page.getByRole('button', { name: 'Beim Test-IdP anmelden' }).click();
}

async function failedSignIns(): Promise<{ reason: string }[]> {
  const rows = await queryDb<{ details: { reason: string; method: string } }>(
    `SELECT details FROM "AuditEvent" WHERE action = 'SIGN_IN_FAILED' AND at >= $1 ORDER BY at`,
    [startedAt],
  );
  return rows.filter((row) => row.details.method === 'OIDC').map((row) => ({ reason: row.details.reason }));
}

async function expectRefused(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/anmelden\?error=OidcRefused$/);
  const alert = page.getByTestId('sign-in-redirect-error');
  await expect(alert).toHaveText(/^Mit diesem Dienstkonto ist keine Anmeldung möglich\./);
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  // No session: a protected page still sends the browser to sign-in.
  await page.goto('/vermittlungen/neu');
  await expect(page).toHaveURL(/\/anmelden\?next=/);
}

test.describe('sign-in with the service account (OIDC)', () => {
  test('an officer signs in at the provider, gets an account and lands where they wanted to go', async ({ page }) => {
    await page.goto('/vermittlungen/neu');
    await expect(page).toHaveURL(/\/anmelden\?next=%2Fvermittlungen%2Fneu$/);
    await expect(page.getByRole('button', { name: 'Mit Dienstkonto anmelden' })).toBeVisible();
    await expectNoAxeViolations(page);

    await signInAtProvider(page, 'streife');

    await expect(page).toHaveURL(/\/vermittlungen\/neu$/);
    await expect(page.getByTestId('signed-in-as')).toHaveText('Angemeldet als Paula Streife (Einsatzkraft)');
    await expect(page.getByRole('heading', { name: 'Neue Vermittlung' })).toBeVisible();

    const [user] = await queryDb<{ id: string; role: string; passwordHash: string | null; station: string | null }>(
      `SELECT u.id, u.role, u."passwordHash", s.code AS station
         FROM "User" u LEFT JOIN "Station" s ON s.id = u."stationId" WHERE u."oidcSubject" = $1`,
      [OIDC_TEST_ACCOUNTS.streife!.sub],
    );
    expect(user).toMatchObject({ role: 'OFFICER', passwordHash: null, station: 'PK-GARBSEN' });
    const events = await queryDb<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM "AuditEvent" WHERE "actorId" = $1 AND at >= $2 ORDER BY at`,
      [user!.id, startedAt],
    );
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['USER_CREATED', 'SIGN_IN_SUCCEEDED']));
    expect(events.find((e) => e.action === 'SIGN_IN_SUCCEEDED')?.details).toEqual({
      method: 'OIDC',
      secondFactorPending: false,
    });
    // Nothing that names the person went into the audit trail.
    expect(JSON.stringify(events)).not.toMatch(/Streife|paula/i);
  });

  test('a supervisor whose provider asked for a second factor is not asked again', async ({ page }) => {
    await page.goto('/anmelden');
    await signInAtProvider(page, 'leitung');

    await expect(page.getByTestId('signed-in-as')).toHaveText('Angemeldet als Lars Leitung (Dienstaufsicht)');
    await expect(page).not.toHaveURL(/zweiter-faktor/);
    const sessions = await queryDb<{ mfaVerifiedAt: Date | null; inspection: string | null }>(
      `SELECT s."mfaVerifiedAt", i.code AS inspection
         FROM "Session" s JOIN "User" u ON u.id = s."userId" LEFT JOIN "Inspection" i ON i.id = u."inspectionId"
        WHERE u."oidcSubject" = $1`,
      [OIDC_TEST_ACCOUNTS.leitung!.sub],
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.mfaVerifiedAt).not.toBeNull();
    expect(sessions[0]!.inspection).toBe('PI-GAR');
  });

  test('a supervisor who signed in at the provider with a password only still owes the second factor', async ({
    page,
  }) => {
    await page.goto('/anmelden');
    await signInAtProvider(page, 'aufsicht');

    await expect(page).toHaveURL(/\/anmelden\/zweiter-faktor$/);
    await expect(page.getByRole('heading', { name: 'Zweiten Faktor einrichten' })).toBeVisible();
    const [session] = await queryDb<{ mfaVerifiedAt: Date | null; station: string | null }>(
      `SELECT s."mfaVerifiedAt", st.code AS station
         FROM "Session" s JOIN "User" u ON u.id = s."userId" LEFT JOIN "Station" st ON st.id = u."stationId"
        WHERE u."oidcSubject" = $1`,
      [OIDC_TEST_ACCOUNTS.aufsicht!.sub],
    );
    expect(session).toEqual({ mfaVerifiedAt: null, station: 'PK-GARBSEN' });
  });

  test('partner caseworkers are refused: they are not in the police directory', async ({ page }) => {
    await page.goto('/anmelden');
    await signInAtProvider(page, 'partner');
    await expectRefused(page);
    await expectNoAxeViolations(page);
    expect(await queryDb(`SELECT id FROM "User" WHERE "oidcSubject" = $1`, [OIDC_TEST_ACCOUNTS.partner!.sub])).toEqual(
      [],
    );
    expect(await failedSignIns()).toEqual([{ reason: 'ROLE_NOT_ALLOWED' }]);
  });

  test('a role the app does not know is refused with the same message', async ({ page }) => {
    await page.goto('/anmelden');
    await signInAtProvider(page, 'unbekannt');
    await expectRefused(page);
    expect(await failedSignIns()).toEqual([{ reason: 'ROLE_UNMAPPED' }]);
  });

  test('an address that belongs to a local account is never linked to the provider account', async ({ page }) => {
    await page.goto('/anmelden');
    await signInAtProvider(page, 'doppelt');
    await expectRefused(page);
    expect(await failedSignIns()).toEqual([{ reason: 'EMAIL_TAKEN' }]);
    const [local] = await queryDb<{ oidcSubject: string | null; displayName: string }>(
      `SELECT "oidcSubject", "displayName" FROM "User" WHERE email = 'officer@polizei.example'`,
    );
    expect(local?.oidcSubject).toBeNull();
    expect(local?.displayName).not.toBe(OIDC_TEST_ACCOUNTS.doppelt!.name);
  });

  test("a broken or forged answer from the provider ends on a fixed message, not the provider's", async ({ page }) => {
    await page.goto('/api/auth/callback/oidc?code=forged-code&state=forged-state');
    await expect(page).toHaveURL(/\/anmelden\?.*\berror=OAuthCallback\b/);
    await expect(page.getByTestId('sign-in-redirect-error')).toHaveText(
      /^Die Anmeldung über das Dienstkonto ist fehlgeschlagen\./,
    );
    await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  });
});
