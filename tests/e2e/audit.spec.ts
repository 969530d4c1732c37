/**
 * The data protection officer's inquiry (issue 13), at phone width: an officer files a referral and a
 * supervisor opens it; the auditor finds the referral by its Vorgangsnummer (never in the address), sees who
 * saw it, opens the entries as a search, downloads them as CSV and then finds that export in the trail.
 * Opening the contents without a written reason is refused and leaves nothing; with one, the contents show
 * and the admin is told.
 */
import fs from 'node:fs/promises';

import { expect, test, type Browser, type Page } from '@playwright/test';

import { expectNoAxeViolations, queryDb, signIn, uniqueCaseNumber } from './support/fixtures';
import { fillRequiredReferral, newestReferralTracks, submitWithPreview } from './support/referral-form';

const OFFICER = 'officer@polizei.example';
const SUPERVISOR = 'supervisor@polizei.example';
const SUPERVISOR_NAME = 'PHK Tobias Keller (Demo)';
const AUDITOR = 'auditor@polizei.example';
const ADMIN = 'admin@polizei.example';

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 },
    locale: 'de-DE',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

const contentsOpened = (referralId: string) =>
  queryDb<{ n: number }>(
    `SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'REFERRAL_CONTENTS_OPENED' AND "entityId" = $1`,
    [referralId],
  ).then((rows) => rows[0]!.n);

test('the auditor finds who saw a referral, exports it as CSV, and opens contents only with a reason', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const caseNumber = uniqueCaseNumber();
  const [officer, supervisor, auditor] = await Promise.all([
    signedIn(browser, OFFICER),
    signedIn(browser, SUPERVISOR),
    signedIn(browser, AUDITOR),
  ]);

  await officer.goto('/vermittlungen/neu');
  await fillRequiredReferral(officer, {
    municipality: 'Garbsen',
    gender: 'weiblich',
    caseNumber,
    firstName: 'Nora',
    lastName: 'Protokollprobe',
    phone: '0151 99887766',
  });
  await submitWithPreview(officer);
  await expect(officer.getByTestId('submit-success')).toBeVisible();
  const [victim] = await newestReferralTracks(OFFICER);
  const referralId = victim!.referralId;
  await supervisor.goto(`/pruefung/${referralId}`);
  await expect(supervisor.getByRole('heading', { name: 'Vermittlung prüfen' })).toBeVisible();

  // The export is the auditor's alone: a supervisor's request (same site) finds nothing, one from elsewhere
  // is refused before anyone is asked.
  const origin = new URL(supervisor.url()).origin;
  const asSupervisor = await supervisor.request.post('/protokoll/export', {
    headers: { Origin: origin },
    form: { datensatz: referralId },
  });
  expect(asSupervisor.status()).toBe(404);
  const crossSite = await auditor.request.post('/protokoll/export', {
    headers: { Origin: 'https://evil.example' },
    form: { datensatz: referralId },
  });
  expect(crossSite.status()).toBe(403);

  // The auditor starts from the start page and looks the case up by its number, written another way.
  await auditor.goto('/');
  await auditor.getByRole('link', { name: 'Wer hat diese Vermittlung gesehen oder erhalten?' }).click();
  await auditor.getByLabel('Vorgangsnummer oder Kennung').fill(caseNumber.toLowerCase().replace(/\//g, ' '));
  await auditor.getByRole('button', { name: 'Nachverfolgen' }).click();
  await expect(auditor).toHaveURL(new RegExp(`/protokoll/vermittlung/${referralId}$`));
  expect(auditor.url()).not.toContain(caseNumber);
  const saw = auditor.getByTestId('trace-saw');
  await expect(saw).toContainText(SUPERVISOR_NAME);
  await expect(saw).toContainText('Dienstaufsicht');
  await expect(saw).toContainText('Einsatzkraft');
  await expect(auditor.getByTestId('traced-referral')).toContainText('Eingereicht – wartet auf Freigabe');
  // Nothing of the contents on the trace.
  await expect(auditor.locator('main')).not.toContainText('Protokollprobe');
  await expectNoAxeViolations(auditor);

  // Break-glass without a reason: refused in the page, nothing recorded, nothing shown.
  await auditor.getByRole('button', { name: 'Inhalte mit diesem Grund öffnen' }).click();
  await expect(auditor.getByTestId('error-break-glass-reason')).toHaveText(
    'Ohne schriftlichen Grund gibt es keinen Notfallzugriff. Bitte begründen Sie ihn.',
  );
  await auditor.getByLabel(/Grund/).fill('zu kurz');
  await auditor.getByRole('button', { name: 'Inhalte mit diesem Grund öffnen' }).click();
  await expect(auditor.getByTestId('error-break-glass-reason')).toHaveText(
    'Bitte begründen Sie den Zugriff in mindestens 20 Zeichen.',
  );
  await expect(auditor.getByTestId('break-glass-contents')).toHaveCount(0);
  expect(await contentsOpened(referralId)).toBe(0);

  // The entries as a search, downloaded as CSV.
  await auditor.getByTestId('trace-as-search').click();
  await expect(auditor.getByTestId('search-results')).toContainText(SUPERVISOR_NAME);
  const [download] = await Promise.all([
    auditor.waitForEvent('download'),
    auditor.getByRole('button', { name: 'Als CSV herunterladen' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^protokoll-\d{4}-\d{2}-\d{2}-bis-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await fs.readFile((await download.path())!, 'utf8');
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe(
    '"Zeitpunkt (Berlin)";"Nr.";"Wer";"E-Mail";"Rolle";"Aktion";"Aktionscode";"Datensatztyp";"Datensatz";"Vermittlungen in der Liste";"Grund";"Empfänger";"Angaben"',
  );
  expect(lines.some((line) => line.includes(`"${SUPERVISOR_NAME}"`) && line.includes('"REFERRAL_VIEWED"'))).toBe(true);
  expect(lines.some((line) => line.includes('"REFERRAL_CREATED"') && line.includes(referralId))).toBe(true);
  expect(csv).not.toContain('Protokollprobe');

  // The export is itself in the trail: the newest entry of the auditor's own search.
  await auditor.goto('/protokoll?aktion=AUDIT_EXPORTED');
  const newest = auditor.getByTestId('audit-event').first();
  await expect(newest).toContainText('Protokoll exportiert');
  await expect(newest).toContainText(`record=${referralId}`);
  await expect(newest).toContainText('Dr. Petra Lange (Demo)');
  await expectNoAxeViolations(auditor);

  // With a reason the contents show, and the admin learns of it.
  await auditor.goto(`/protokoll/vermittlung/${referralId}`);
  await auditor.getByLabel(/Grund/).fill('Prüfung DS-2026-117: Beschwerde der Betroffenen');
  await auditor.getByRole('button', { name: 'Inhalte mit diesem Grund öffnen' }).click();
  await expect(auditor.getByTestId('break-glass-contents')).toContainText('Protokollprobe');
  expect(await contentsOpened(referralId)).toBe(1);

  const admin = await signedIn(browser, ADMIN);
  await expect(admin.getByTestId('break-glass-notice')).toBeVisible();
  await admin.getByTestId('break-glass-notice').getByRole('link').click();
  await expect(admin.getByTestId('break-glass-views')).toContainText('Prüfung DS-2026-117: Beschwerde der Betroffenen');
  await expectNoAxeViolations(admin);

  await Promise.all([officer, supervisor, auditor, admin].map((page) => page.context().close()));
});
