/**
 * Partners and routing rules (issue 9): the admin schedules a change of responsibility, sees its preview and
 * its history, and "Wer ist zuständig?" answers by the rules of the day; a change whose first day lies in the
 * past (with a reason) routes an officer's referral by the incident day: before it to the old partner, after
 * it to the new one. The demo admin and officer are only signed in with, never changed.
 */
import { expect, test, type Page } from '@playwright/test';

import { berlinDateOf, instantToBerlinLocal } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';

import { expectNoAxeViolations, queryDb, signInAs, uniqueCaseNumber } from './support/fixtures';
import { fillRequiredReferral, newestReferralTracks, submitWithPreview } from './support/referral-form';

const ADMIN = 'admin@polizei.example';
const BISS_REGION = 'BISS Region Hannover (AWO Region Hannover e.V.)';
const BISS_LHH = 'BISS Landeshauptstadt Hannover (SUANA/kargah e.V. und Bestärkungsstelle/BTZ e.V.)';
const today = () => berlinDateOf(new Date());

/** "Zuständigkeit ändern" → preview → save, as the admin does it. */
async function changeResponsibility(
  page: Page,
  change: { municipalities: string[]; gender: string; partner: string; firstDay: string; reason?: string },
) {
  await page.goto('/verwaltung/zustaendigkeit');
  await page.getByRole('link', { name: 'Zuständigkeit ändern' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Zuständigkeit ändern' })).toBeVisible();
  await page.getByRole('radio', { name: 'Opferhilfe' }).check();
  for (const name of change.municipalities) await page.getByRole('checkbox', { name, exact: true }).check();
  await page.getByRole('checkbox', { name: change.gender, exact: true }).check();
  await page
    .getByLabel('Neue zuständige Stelle')
    .selectOption({ label: `${change.partner} (Frauen, diverse Personen)` });
  await page.getByLabel('Erster Tag der neuen Zuständigkeit').fill(change.firstDay);
  if (change.reason) await page.getByLabel('Grund (nur bei rückwirkender Änderung nötig)').fill(change.reason);
  await page.getByRole('button', { name: 'Vorschau anzeigen' }).click();
  const rows = page.getByTestId('preview-row');
  await expect(rows).toHaveCount(change.municipalities.length);
  for (const name of change.municipalities) {
    await expect(rows.filter({ hasText: name })).toContainText(`${BISS_REGION}: endet am`);
  }
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Wechsel speichern' }).click();
  await expect(page.getByTestId('change-saved')).toContainText(`Gespeichert: ${change.municipalities.length} neue`);
}

/** "Wer ist zuständig?" for a woman, on the victim track. */
async function whoIsResponsible(page: Page, municipality: string, date: string) {
  await page.goto('/wer-ist-zustaendig');
  await page.getByLabel('Wohnort').selectOption({ label: municipality });
  await page.getByLabel('Geschlecht der Person').selectOption({ label: 'Frauen' });
  await page.getByLabel('Datum', { exact: true }).fill(date);
  await page.getByRole('button', { name: 'Anzeigen' }).click();
  return page.getByTestId('who-answer');
}

test('the admin schedules a change of responsibility for three places; the rules of each day decide', async ({
  page,
}) => {
  await signInAs(page, ADMIN);
  await expect(page.getByTestId('coverage-warning')).toHaveCount(0);
  const firstDay = addDays(today(), 14);
  await changeResponsibility(page, {
    municipalities: ['Lehrte', 'Uetze', 'Burgdorf'],
    gender: 'Frauen',
    partner: BISS_LHH,
    firstDay,
  });

  // Until the day before, the BISS of the Region; from the first day, the city's BISS.
  await expect(await whoIsResponsible(page, 'Uetze', addDays(firstDay, -1))).toContainText(`Zuständig: ${BISS_REGION}`);
  await expect(await whoIsResponsible(page, 'Uetze', firstDay)).toContainText(`Zuständig: ${BISS_LHH}`);
  await expectNoAxeViolations(page);

  // The history names who changed what, when.
  await page.goto('/verwaltung/zustaendigkeit');
  await page.getByTestId('overview-municipality').filter({ hasText: 'Lehrte' }).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Verlauf: Lehrte' })).toBeVisible();
  const entries = page.getByTestId('history-entry').filter({ hasText: 'Sabine Wolff (Demo)' });
  await expect(entries.filter({ hasText: `neu: ${BISS_LHH}` })).toHaveCount(1);
  await expect(entries.filter({ hasText: `${BISS_REGION}: endet am` })).toHaveCount(1);
  await expectNoAxeViolations(page);

  // Coverage stays complete: the change left no gap.
  await page.goto('/verwaltung/abdeckung');
  await expect(page.getByTestId('coverage-complete')).toBeVisible();
});

test('a change with a first day in the past needs a reason and routes referrals by the incident day', async ({
  page,
  browser,
}) => {
  await signInAs(page, ADMIN);
  const firstDay = addDays(today(), -1);
  await page.goto('/verwaltung/zustaendigkeit/aendern');
  await page.getByRole('checkbox', { name: 'Sehnde', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Frauen', exact: true }).check();
  await page.getByLabel('Neue zuständige Stelle').selectOption({ label: `${BISS_LHH} (Frauen, diverse Personen)` });
  await page.getByLabel('Erster Tag der neuen Zuständigkeit').fill(firstDay);
  await page.getByRole('button', { name: 'Vorschau anzeigen' }).click();
  await expect(page.getByTestId('error-reason')).toHaveText(
    'Der erste Tag liegt in der Vergangenheit. Bitte begründen Sie die rückwirkende Änderung.',
  );
  await changeResponsibility(page, {
    municipalities: ['Sehnde'],
    gender: 'Frauen',
    partner: BISS_LHH,
    firstDay,
    reason: 'Neue Kooperationsvereinbarung, gültig seit gestern',
  });

  const officer = await browser.newPage();
  await signInAs(officer, 'officer@polizei.example');
  for (const [incident, partner] of [
    [new Date(Date.now() - 2 * 86_400_000), BISS_REGION],
    [new Date(Date.now() - 3_600_000), BISS_LHH],
  ] as const) {
    await officer.goto('/vermittlungen/neu');
    await officer.getByLabel('Datum und Uhrzeit des Einsatzes').fill(instantToBerlinLocal(incident));
    await fillRequiredReferral(officer, {
      municipality: 'Sehnde',
      gender: 'weiblich',
      caseNumber: uniqueCaseNumber(),
      firstName: 'Lena',
      lastName: 'Vogt',
      phone: '0511 4455667',
    });
    await expect(officer.getByTestId('routing-preview')).toHaveText(`Geht nach Freigabe an: ${partner}`);
    await submitWithPreview(officer);
    await expect(officer.getByTestId('submit-success')).toContainText(partner);
    // The old rule was ended (version 2); the new one is in its first version.
    expect((await newestReferralTracks()).map((t) => t.routingRuleVersion)).toEqual([partner === BISS_REGION ? 2 : 1]);
  }
  await officer.close();
});

test('the officer chooses another partner with a reason; the override is stored as such', async ({ page }) => {
  await signInAs(page, 'officer@polizei.example');
  await page.goto('/vermittlungen/neu');
  await fillRequiredReferral(page, {
    municipality: 'Garbsen',
    gender: 'weiblich',
    caseNumber: uniqueCaseNumber(),
    firstName: 'Nina',
    lastName: 'Haas',
    phone: '0511 7788990',
  });
  // The officer reads out what happens next: the description of the partner the referral goes to.
  await expect(page.getByTestId('partner-description')).toContainText('Die BISS meldet sich in den nächsten Tagen');
  await page.getByRole('button', { name: 'Andere Stelle wählen' }).click();
  await page.getByLabel('Andere Stelle').selectOption({ label: BISS_LHH });
  await expect(page.getByTestId('partner-description')).toContainText('Die BISS der Landeshauptstadt meldet sich');
  await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
  await expect(page.getByTestId('error-overrideReason')).toHaveText('Bitte den Grund für die andere Stelle auswählen.');
  await page.getByRole('combobox', { name: /^Grund/ }).selectOption({ label: 'Person ist dort schon in Beratung' });
  await expectNoAxeViolations(page);
  await submitWithPreview(page);
  await expect(page.getByTestId('submit-success')).toContainText(BISS_LHH);
  expect(await newestReferralTracks()).toMatchObject([
    { routingReason: 'OVERRIDE', overrideReason: 'ALREADY_IN_CONTACT', routingRuleId: null, partner: BISS_LHH },
  ]);
});

test('a place without any rule: the admin is warned, and the officer is not stuck there', async ({ page, browser }) => {
  // A municipality added to the reference data before its responsibilities: every key of it is a gap.
  await queryDb(`INSERT INTO "Municipality" (id, name, kind) VALUES (gen_random_uuid(), 'Testdorf (E2E)', 'Gemeinde')`);
  try {
    await signInAs(page, ADMIN);
    await expect(page.getByTestId('coverage-warning')).toContainText('6 Kombinationen');
    await page.getByRole('link', { name: 'Lücken ansehen' }).click();
    const gaps = page.getByTestId('coverage-gap').filter({ hasText: 'Testdorf (E2E)' });
    await expect(gaps).toHaveCount(6);
    await gaps.filter({ hasText: 'Frauen · Opferhilfe' }).getByRole('link', { name: 'Lücke schließen' }).click();
    await expect(page.getByRole('checkbox', { name: 'Testdorf (E2E)' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Frauen', exact: true })).toBeChecked();

    const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const officer = await context.newPage();
    await signInAs(officer, 'officer@polizei.example');
    await officer.goto('/vermittlungen/neu');
    await fillRequiredReferral(officer, {
      municipality: 'Testdorf (E2E)',
      gender: 'weiblich',
      caseNumber: uniqueCaseNumber(),
      firstName: 'Ida',
      lastName: 'Roth',
      phone: '0511 2233445',
    });
    await expect(officer.getByTestId('routing-gap')).toContainText('keine Beratungsstelle zuständig');
    await officer.getByLabel('Andere Stelle').selectOption({ label: BISS_REGION });
    await expectNoAxeViolations(officer);
    await submitWithPreview(officer);
    await expect(officer.getByTestId('submit-success')).toContainText(BISS_REGION);
    expect(await newestReferralTracks()).toMatchObject([
      { routingReason: 'OVERRIDE', overrideReason: 'NO_RESPONSIBLE_PARTNER', partner: BISS_REGION },
    ]);
    await context.close();
  } finally {
    const inTestdorf = `SELECT id FROM "Referral" WHERE "municipalityId" IN (SELECT id FROM "Municipality" WHERE name = 'Testdorf (E2E)')`;
    await queryDb(`DELETE FROM "ReferralTrack" WHERE "referralId" IN (${inTestdorf})`);
    await queryDb(`DELETE FROM "ReferralEvent" WHERE "referralId" IN (${inTestdorf})`);
    await queryDb(`DELETE FROM "Referral" WHERE id IN (${inTestdorf})`);
    await queryDb(`DELETE FROM "Municipality" WHERE name = 'Testdorf (E2E)'`);
  }
});

test('the admin edits a partner; deactivating one that rules still point to is refused, naming them', async ({
  page,
}) => {
  await signInAs(page, ADMIN);
  await page.goto('/verwaltung/partner');
  await page.getByRole('link', { name: 'Die Gruppe Jugendhilfe gGmbH' }).click();
  await page.getByLabel('Letzter aktiver Tag (leer = unbefristet)').fill(addDays(today(), 5));
  await page.getByRole('button', { name: 'Änderungen speichern' }).click();
  const refusal = page.getByTestId('form-error');
  await expect(refusal).toContainText('Zuständigkeiten zeigen noch auf diese Stelle');
  await expect(refusal).toContainText('Barsinghausen · Männer · Täterarbeit: Die Gruppe Jugendhilfe gGmbH, ab');

  await page.getByLabel('Letzter aktiver Tag (leer = unbefristet)').fill('');
  await page.getByLabel('Telefon für die Polizei').fill('0511 0000 999');
  await page.getByRole('button', { name: 'Änderungen speichern' }).click();
  await expect(page.getByTestId('form-success')).toHaveText('Gespeichert.');
  await page.reload();
  await expect(page.getByLabel('Telefon für die Polizei')).toHaveValue('0511 0000 999');
  await expectNoAxeViolations(page);
});

test('the admin pages work on a phone @phone', async ({ page }) => {
  await signInAs(page, ADMIN);
  for (const path of ['/verwaltung/partner', '/verwaltung/zustaendigkeit', '/verwaltung/abdeckung']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page);
  }
  await page.getByRole('link', { name: 'Partnerstellen' }).first().click();
  await page.getByRole('link', { name: 'Männerbüro Hannover e.V.' }).click();
  await expect(page.getByLabel('Telefon für die Polizei')).toHaveValue('0511 0000 103');
  await expect(page.getByTestId('partner-rules')).toContainText('Garbsen · Männer · Opferhilfe');
  await expectNoAxeViolations(page);
  const answer = await whoIsResponsible(page, 'Hannover', today());
  await expect(answer).toContainText(`Zuständig: ${BISS_LHH}`);
  await expectNoAxeViolations(page);
});
