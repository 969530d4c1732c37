import { expect, test, type Page } from '@playwright/test';

import { expectNoAxeViolations, queryDb, signIn, uniqueCaseNumber } from './support/fixtures';

async function fillIncident(page: Page, municipality: string, gender: string) {
  // The form is prefilled with the current time in Berlin; the callout happened just now.
  await page.getByLabel('Wohnort der betroffenen Person').selectOption({ label: municipality });
  await page.getByRole('radio', { name: gender, exact: true }).check();
}

test.describe('officer files referrals', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'officer@polizei.example');
  });

  test('a man in Garbsen goes to the Männerbüro @phone', async ({ page }) => {
    const caseNumber = uniqueCaseNumber();
    await page.goto('/vermittlungen/neu');
    await expect(page.getByRole('heading', { name: 'Neue Vermittlung' })).toBeVisible();
    await expectNoAxeViolations(page);

    await fillIncident(page, 'Garbsen', 'männlich');
    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByLabel('Vorgangsnummer').fill(caseNumber);
    await page.getByLabel('Vorname').fill('Thomas');
    await page.getByLabel('Nachname').fill('Adler');
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('0511 9876543');
    await expect(page.getByTestId('routing-preview')).toHaveText('Geht nach Freigabe an: Männerbüro Hannover e.V.');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();

    await expect(page.getByTestId('submit-success')).toContainText('Männerbüro Hannover e.V.');
    await page.getByRole('link', { name: 'Zu meinen Vermittlungen' }).click();
    const row = page.getByTestId('referral-row').filter({ hasText: caseNumber });
    await expect(row).toContainText('Thomas Adler');
    await expect(row.getByTestId('referral-partner')).toHaveText('Männerbüro Hannover e.V.');
    await expect(row).toContainText('Eingereicht – wartet auf Freigabe');
    await expectNoAxeViolations(page);
  });

  test('a woman in Hannover goes to the city’s BISS', async ({ page }) => {
    const caseNumber = uniqueCaseNumber();
    await page.goto('/vermittlungen/neu');
    await fillIncident(page, 'Hannover', 'weiblich');
    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByLabel('Vorgangsnummer').fill(caseNumber);
    await page.getByLabel('Vorname').fill('Aylin');
    await page.getByLabel('Nachname').fill('Kaya');
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('+49 511 112233');
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();

    await expect(page.getByTestId('submit-success')).toContainText('BISS Landeshauptstadt Hannover');
    await page.goto('/vermittlungen');
    const row = page.getByTestId('referral-row').filter({ hasText: caseNumber });
    await expect(row.getByTestId('referral-partner')).toContainText('BISS Landeshauptstadt Hannover');
    const stored = await queryDb<{ routingReason: string }>(
      'SELECT "routingReason" FROM "Referral" WHERE "caseNumber" = $1',
      [caseNumber],
    );
    expect(stored).toEqual([{ routingReason: 'RULE' }]);
  });

  test('field errors are specific, in German, and keep what was typed', async ({ page }) => {
    await page.goto('/vermittlungen/neu');
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();
    await expect(page.getByTestId('error-municipalityId')).toHaveText('Bitte den Wohnort auswählen.');
    // Focus goes to the first field with an error, in the order of the form.
    await expect(page.getByLabel('Wohnort der betroffenen Person')).toBeFocused();
    await expect(page.getByTestId('error-gender')).toHaveText('Bitte das Geschlecht nach Angabe der Person auswählen.');

    await fillIncident(page, 'Garbsen', 'weiblich');
    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByLabel('Vorgangsnummer').fill('12-ab');
    await page.getByLabel('Vorname').fill('Mia');
    await page.getByLabel('Nachname').fill('Schulz');
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('123');
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();
    await expect(page.getByTestId('error-caseNumber')).toContainText('Die Vorgangsnummer besteht aus 6 bis 20 Ziffern');
    await expect(page.getByTestId('error-phone')).toContainText('Bitte eine Telefonnummer mit 6 bis 15 Ziffern');
    await expect(page.getByLabel('Vorname')).toHaveValue('Mia');
    await expectNoAxeViolations(page);
  });

  test('without consent nothing personal is stored', async ({ page }) => {
    const before = await queryDb<{ n: string }>('SELECT count(*) AS n FROM "DeclinedOffer"');
    await page.goto('/vermittlungen/neu');
    await fillIncident(page, 'Seelze', 'divers');
    // The officer starts typing, then the person declines: what was typed must not be stored.
    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByLabel('Vorname').fill('Zoraida');
    await page.getByLabel('Nachname').fill('Quenzler');
    await page.getByRole('radio', { name: 'Nein, Angebot abgelehnt' }).check();
    await expect(page.getByLabel('Vorname')).toHaveCount(0);
    await page.getByRole('button', { name: 'Ablehnung erfassen' }).click();
    await expect(page.getByTestId('submit-success')).toContainText('keine Personendaten gespeichert');

    const after = await queryDb<{ n: string }>('SELECT count(*) AS n FROM "DeclinedOffer"');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
    // Search every row of every table for the typed names.
    const hits = await queryDb<{ table_name: string }>(`
      SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'`);
    for (const { table_name } of hits) {
      const rows = await queryDb<{ n: string }>(
        `SELECT count(*) AS n FROM "${table_name}" t WHERE t::text ILIKE '%zoraida%' OR t::text ILIKE '%quenzler%'`,
      );
      expect(Number(rows[0]!.n), `table ${table_name}`).toBe(0);
    }
  });
});
