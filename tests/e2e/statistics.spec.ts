/**
 * The statistics (issue 14) as the data protection officer uses them, at phone width: from the menu, filtered
 * to a municipality and a month, and downloaded as CSV. A municipality with 3 referrals that month is a small
 * cell: "< 5" on the page and in the CSV, never 3, and left out of the directorate's total, so that the two
 * cannot be subtracted. The facts are crafted for a month no other test touches and computed by
 * `npm run statistics`, as the job does every minute.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';

import { expect, test } from '@playwright/test';

import { E2E_DATABASE_URL, expectNoAxeViolations, queryDb, signIn } from './support/fixtures';

const run = promisify(execFile);
const AUDITOR = 'auditor@polizei.example';
const MONTH = '2025-06';

/** `count` erased referrals (only their pseudonymous facts) of a callout in MONTH in `place`, from `stationCode`. */
async function craftReferrals(place: string, stationCode: string, count: number): Promise<void> {
  const [facts] = await queryDb<{
    municipality: string;
    station: string;
    inspection: string;
    officer: string;
    partner: string;
  }>(
    `SELECT m.id AS municipality, s.id AS station, s."inspectionId" AS inspection,
            (SELECT id FROM "User" WHERE email = 'officer@polizei.example') AS officer,
            (SELECT id FROM "Partner" WHERE code = 'BISS-REGION') AS partner
       FROM "Municipality" m, "Station" s WHERE m.name = $1 AND s.code = $2`,
    [place, stationCode],
  );
  for (let i = 0; i < count; i += 1) {
    const id = randomUUID();
    const incidentAt = `${MONTH}-1${i}T20:00:00Z`;
    await queryDb(
      `INSERT INTO "Referral" (id, status, "statusChangedAt", "incidentAt", "municipalityId", "stationId", "inspectionId",
                               "createdById", "highRisk", "idempotencyKey", "submittedAt", "updatedAt")
       VALUES ($1, 'PURGED', $2::timestamptz + interval '40 days', $2, $3, $4, $5, $6, false, $7,
               $2::timestamptz + interval '50 minutes', $2::timestamptz + interval '40 days')`,
      [id, incidentAt, facts!.municipality, facts!.station, facts!.inspection, facts!.officer, randomUUID()],
    );
    await queryDb(
      `INSERT INTO "ReferralTrack" (id, "referralId", track, status, gender, "partnerId", "routingReason",
                                    "overrideReason", "lawfulBasis", "consentMethod", "consentGivenAt", channels)
       VALUES ($1, $2, 'VICTIM', 'PURGED', 'FEMALE', $3, 'OVERRIDE', 'PERSON_WISH', 'CONSENT', 'VERBAL', $4, '{}')`,
      [randomUUID(), id, facts!.partner, incidentAt],
    );
  }
}

/** A run against a database kept from an earlier run starts from the same facts. */
async function forgetCraftedMonth(): Promise<void> {
  const crafted = `SELECT id FROM "Referral" WHERE stats_month("incidentAt") = '${MONTH}-01'`;
  await queryDb(`DELETE FROM "ReferralTrack" WHERE "referralId" IN (${crafted})`);
  await queryDb(`DELETE FROM "Referral" WHERE id IN (${crafted})`);
}

test('the auditor filters the statistics by municipality and month and downloads them; a small cell stays hidden', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  await forgetCraftedMonth();
  await craftReferrals('Lehrte', 'PK-LEHRTE', 7);
  await craftReferrals('Uetze', 'PK-BURGDORF', 3);
  await run('npx', ['tsx', 'lib/cli/statistics.ts'], { env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL } });

  const context = await browser.newContext({
    viewport: { width: 360, height: 780 },
    locale: 'de-DE',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await signIn(page, AUDITOR);
  await page.getByRole('link', { name: 'Statistik' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Statistik' })).toBeVisible();
  await expectNoAxeViolations(page);

  const filterTo = async (place: string) => {
    await page.getByLabel('Von (Monat)').fill(MONTH);
    await page.getByLabel('Bis (Monat)').fill(MONTH);
    await page.getByTestId('stats-filters').getByLabel('Gemeinde', { exact: true }).selectOption({ label: place });
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await expect(page).toHaveURL(/von=2025-06&bis=2025-06&gemeinde=[0-9a-f-]{36}(&|$)/);
  };
  const referralsFigure = () =>
    page.getByTestId('stats-key-figures').locator('div', { hasText: 'Vermittlungen (Betroffene)' }).locator('dd');
  const municipalityTable = () => page.getByTestId('stats-municipalities').locator('table');

  // Lehrte: 7, shown as they are.
  await filterTo('Lehrte');
  await expect(referralsFigure()).toHaveText('7');

  // Uetze: 3 is a small cell, shown as "< 5" in the figure and in the chart's table.
  await filterTo('Uetze');
  await expect(referralsFigure()).toHaveText('< 5');
  await expect(municipalityTable().locator('tr', { hasText: 'Uetze' })).toContainText('< 5');
  await expect(municipalityTable()).not.toContainText(/\b3\b/);
  await expectNoAxeViolations(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-csv').click()]);
  expect(download.suggestedFilename()).toBe('statistik-2025-06-bis-2025-06.csv');
  const csv = await fs.readFile((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF"Abschnitt";"Kategorie";"Reihe";"Wert";"Einheit"\r\n')).toBe(true);
  expect(csv).toContain('"Auswahl";"Gemeinde";"";"Uetze";""');
  expect(csv).toContain('"Auswahl";"Zeitraum (Monate)";"";"2025-06 – 2025-06";""');
  const uetze = csv.split('\r\n').filter((line) => line.startsWith('"Vermittlungen je Gemeinde";"Uetze"'));
  expect(uetze).toEqual(['"Vermittlungen je Gemeinde";"Uetze";"Vermittlungen";"< 5";"Anzahl"']);
  expect(csv).toContain('"Überblick";"Vermittlungen (Betroffene)";"";"< 5";"Anzahl"');
  expect(csv).not.toMatch(/;"3";/);

  // The whole directorate that month: Lehrte's 7, Uetze's 3 left out, so that the two cannot be subtracted.
  await page.goto(`/statistik?von=${MONTH}&bis=${MONTH}`);
  await expect(referralsFigure()).toHaveText('7');
  await context.close();

  // Without statistics:read the CSV does not exist.
  const partner = await browser.newContext();
  const partnerPage = await partner.newPage();
  await signIn(partnerPage, 'biss@partner.example');
  expect((await partnerPage.request.get(`/statistik/export?von=${MONTH}&bis=${MONTH}`)).status()).toBe(404);
  await partner.close();
});
