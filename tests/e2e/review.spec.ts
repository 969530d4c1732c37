/**
 * The four-eyes review (issue 11) and the partner's work (issue 12), at phone width, with people in their own
 * browsers: the officer files, a supervisor approves and the officer sees it approved and delivered; the
 * BISS caseworker acknowledges it, records contact attempts and the outcome, which officer and supervisor
 * then read in the timeline; a supervisor returns one with a comment, the
 * officer corrects and resubmits, another supervisor approves; two supervisors deciding the same referral
 * at once, where the second is told who was first.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';

import { expectNoAxeViolations, queryDb, signIn, uniqueCaseNumber } from './support/fixtures';
import { fillRequiredReferral, newestReferralTracks, submitWithPreview } from './support/referral-form';

const OFFICER = 'officer@polizei.example';
/** Inspection Garbsen (the officer's station belongs to it). */
const SUPERVISOR = 'supervisor@polizei.example';
const SUPERVISOR_NAME = 'PHK Tobias Keller (Demo)';
/** Station Garbsen only. */
const SHIFT_LEAD = 'schichtleitung@polizei.example';
/** Caseworker of the BISS Region Hannover (responsible for Garbsen). */
const BISS_CASEWORKER = 'biss@partner.example';

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'de-DE' });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** The officer files a referral for a new case; returns its id. */
async function fileReferral(officer: Page, lastName: string): Promise<string> {
  await officer.goto('/vermittlungen/neu');
  await fillRequiredReferral(officer, {
    municipality: 'Garbsen',
    gender: 'weiblich',
    caseNumber: uniqueCaseNumber(),
    firstName: 'Ilka',
    lastName,
    phone: '0151 22334455',
  });
  await submitWithPreview(officer);
  await expect(officer.getByTestId('submit-success')).toBeVisible();
  const [victim] = await newestReferralTracks(OFFICER);
  return victim!.referralId;
}

/** The supervisor finds the referral in the queue (by its link), filtered by a place if given, and opens it. */
async function openFromQueue(supervisor: Page, referralId: string, municipality?: string): Promise<void> {
  await supervisor.goto('/pruefung');
  if (municipality) {
    await supervisor.getByText('Filter', { exact: true }).click();
    await supervisor.getByLabel('Wohnort').selectOption({ label: municipality });
    await supervisor.getByRole('button', { name: 'Anwenden' }).click();
    await expect(supervisor).toHaveURL(/municipality=/);
  }
  // The link keeps the queue's view, for the way back.
  const link = supervisor.locator(`a[href^="/pruefung/${referralId}"]`);
  await expect(link).toBeVisible();
  await link.click();
  await expect(supervisor.getByRole('heading', { name: 'Vermittlung prüfen' })).toBeVisible();
}

test.describe('four-eyes review', () => {
  test.describe.configure({ mode: 'serial' });
  let officer: Page;
  let supervisor: Page;
  let shiftLead: Page;
  /** The referral the first test files and approves; the partner works on it in the next. */
  let approvedId = '';

  test.beforeAll(async ({ browser }) => {
    [officer, supervisor, shiftLead] = await Promise.all([
      signedIn(browser, OFFICER),
      signedIn(browser, SUPERVISOR),
      signedIn(browser, SHIFT_LEAD),
    ]);
  });

  test.afterAll(async () => {
    await Promise.all([officer, supervisor, shiftLead].map((page) => page.context().close()));
  });

  test('the officer submits, the supervisor approves, the officer sees it approved', async () => {
    const id = await fileReferral(officer, 'Freigabetest');

    await supervisor.goto('/');
    await expect(supervisor.getByTestId('summary-to-review')).toContainText(/warte/);
    await openFromQueue(supervisor, id);
    // What each partner receives, and nothing to decide on blindly.
    await expect(supervisor.getByText('Freigabetest')).toBeVisible();
    await expect(supervisor.getByTestId('routing-VICTIM')).toContainText('Zuständigkeitsregel');
    await expectNoAxeViolations(supervisor);
    await supervisor.getByRole('button', { name: 'Freigeben' }).click();
    await expect(supervisor.getByTestId('review-done')).toContainText('Freigegeben');
    await expect(supervisor.locator(`a[href^="/pruefung/${id}"]`)).toHaveCount(0);
    // After a client-side navigation the new title follows the content a moment later.
    await expect(supervisor).toHaveTitle(/Prüfung/);
    await expectNoAxeViolations(supervisor);

    // Approved, then delivered by the app's worker (ADR 0011): the officer sees both steps.
    await expect
      .poll(async () => {
        await officer.goto(`/vermittlungen/${id}`);
        return officer.getByTestId('referral-status').textContent();
      })
      .toBe('Übermittelt');
    const approved = officer.locator('[data-testid="timeline-entry"][data-step="APPROVED"]');
    await expect(approved).toContainText(SUPERVISOR_NAME);
    const dispatched = officer.locator('[data-testid="timeline-entry"][data-step="DISPATCHED"]');
    await expect(dispatched).toContainText('An die Stelle übermittelt');
    await expect(dispatched).toContainText('System');
    approvedId = id;
  });

  test('the BISS caseworker acknowledges, records two attempts and the outcome; the police see it; the Männerbüro finds nothing', async ({
    browser,
  }) => {
    expect(approvedId).not.toBe('');
    const caseworker = await signedIn(browser, BISS_CASEWORKER);
    // A first-time user starts on the start page: what is new, one tap to the inbox.
    await expect(caseworker.getByTestId('summary-inbox-new')).toBeVisible();
    await caseworker.getByRole('link', { name: 'Eingang' }).first().click();
    const card = caseworker.getByTestId('inbox-row').filter({ hasText: 'Ilka Freigabetest' });
    await expect(card).toBeVisible();
    await expectNoAxeViolations(caseworker);
    await card.getByRole('link').click();
    await expect(caseworker.getByRole('heading', { name: 'Vermittlung: Ilka Freigabetest' })).toBeVisible();
    // The BISS projection: the person and the safe contact, the number one tap from a call.
    await expect(caseworker.getByRole('link', { name: '01512 2334455' })).toHaveAttribute('href', 'tel:+4915122334455');
    await expectNoAxeViolations(caseworker);

    await caseworker.getByRole('button', { name: 'Empfang bestätigen' }).click();
    await expect(caseworker.getByTestId('work-done')).toContainText('Empfang bestätigt');
    await expect(caseworker.getByTestId('inbox-status')).toHaveText('In Bearbeitung');

    // A failed attempt, with the missing answer named first.
    const attempt = caseworker.getByTestId('contact-attempt');
    await attempt.getByLabel('Anruf').check();
    await attempt.getByRole('button', { name: 'Kontaktversuch speichern' }).click();
    await expect(attempt.getByTestId('work-error')).toHaveText('Bitte wählen Sie, ob die Person erreicht wurde.');
    await attempt.getByLabel('Nein, nicht erreicht').check();
    await attempt.getByRole('button', { name: 'Kontaktversuch speichern' }).click();
    await expect(attempt.getByTestId('work-done')).toHaveText('Kontaktversuch gespeichert.');
    await attempt.getByLabel('SMS').check();
    await attempt.getByLabel('Ja, erreicht').check();
    await attempt.getByRole('button', { name: 'Kontaktversuch speichern' }).click();
    await expect(caseworker.locator('[data-testid="inbox-steps"] li[data-step="CONTACT_ATTEMPTED"]')).toHaveCount(2);
    await caseworker.getByLabel('Erreicht und unterstützt').check();
    await caseworker.getByRole('button', { name: 'Ergebnis speichern und abschließen' }).click();
    await expect(caseworker.getByTestId('inbox-outcome')).toHaveText('Erreicht und unterstützt');
    await expect(caseworker.getByTestId('contact-attempt')).toHaveCount(0);
    await expectNoAxeViolations(caseworker);
    await caseworker.context().close();

    // The police: the steps, when, reached or not, the outcome, and no more.
    for (const [page, path] of [
      [officer, `/vermittlungen/${approvedId}`],
      [supervisor, `/pruefung/${approvedId}`],
    ] as const) {
      await page.goto(path);
      await expect(page.locator('[data-testid="timeline-entry"][data-step="ACKNOWLEDGED"]')).toContainText(
        'BISS Region Hannover',
      );
      await expect(page.getByTestId('timeline-contact')).toHaveText([
        /^Anruf am .*: nicht erreicht$/,
        /^SMS am .*: erreicht$/,
      ]);
      await expect(page.getByTestId('timeline-outcome')).toHaveText('Ergebnis: Erreicht und unterstützt');
    }

    // The Männerbüro's caseworker, with the address of that delivery: not found.
    const [victimTrack] = await queryDb<{ id: string }>(
      `SELECT id FROM "ReferralTrack" WHERE "referralId" = $1 AND track = 'VICTIM'`,
      [approvedId],
    );
    const trackId = victimTrack!.id;
    const other = await signedIn(browser, 'maennerbuero@partner.example');
    const response = await other.goto(`/eingang/${trackId}`);
    expect(response?.status()).toBe(404);
    await expect(other.getByText('Freigabetest')).toHaveCount(0);
    await other.context().close();
  });

  test('returned with a comment, corrected and resubmitted, approved by another supervisor', async () => {
    const id = await fileReferral(officer, 'Rückgabetest');

    await openFromQueue(supervisor, id);
    await supervisor.getByRole('button', { name: 'Zurückgeben' }).click();
    await expect(supervisor.getByText('Bitte schreiben Sie, was korrigiert werden soll.')).toBeVisible();
    await supervisor.getByLabel('Was soll korrigiert werden?').fill('Telefonnummer bitte mit der Person prüfen.');
    await supervisor.getByRole('button', { name: 'Zurückgeben' }).click();
    await expect(supervisor.getByTestId('review-done')).toContainText('Zurückgegeben');

    await officer.goto('/');
    await expect(officer.getByTestId('returned-banner')).toBeVisible();
    await officer.goto('/vermittlungen');
    await expect(officer.getByTestId('returned-banner')).toBeVisible();
    // Only what waits for the officer: every row returned, this one among them.
    await officer.getByRole('link', { name: 'Nur diese anzeigen' }).click();
    await expect(officer.locator(`a[href="/vermittlungen/${id}"]`)).toBeVisible();
    for (const status of await officer.getByTestId('referral-status-cell').allTextContents()) {
      expect(status).toBe('Zur Korrektur zurückgegeben');
    }
    await officer.goto(`/vermittlungen/${id}`);
    await expect(officer.getByTestId('returned-comment')).toContainText('Telefonnummer bitte mit der Person prüfen.');
    await expect(officer.getByTestId('returned-comment')).toContainText(SUPERVISOR_NAME);
    await expectNoAxeViolations(officer);
    await officer.getByRole('link', { name: 'Korrigieren' }).click();
    await officer.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('0151 22334466');
    await submitWithPreview(officer);
    await expect(officer.getByTestId('submit-success')).toBeVisible();
    await officer.goto(`/vermittlungen/${id}`);
    await expect(officer.getByTestId('referral-status')).toHaveText('Eingereicht – wartet auf Freigabe');
    await expect(officer.locator('[data-testid="timeline-entry"][data-step="RESUBMITTED"]')).toBeVisible();

    await openFromQueue(shiftLead, id, 'Garbsen');
    await expect(shiftLead.getByText('01512 2334466')).toBeVisible();
    // The second look goes to what the officer changed.
    await expect(shiftLead.getByTestId('timeline-changes')).toHaveText('Geändert: Person und sicherer Kontakt');
    await shiftLead.getByRole('button', { name: 'Freigeben' }).click();
    await expect(shiftLead.getByTestId('review-done')).toContainText('Freigegeben');
    // Back in the view the supervisor left: still filtered by the place.
    await expect(shiftLead).toHaveURL(/municipality=.*erledigt=APPROVED/);
    await expect(shiftLead.getByText('Filter (aktiv)')).toBeVisible();
    await officer.goto(`/vermittlungen/${id}`);
    await expect(officer.getByTestId('referral-status')).toHaveText(/^(Freigegeben|Übermittelt)$/);
  });

  test('two supervisors decide at once: the second learns who was first', async () => {
    const id = await fileReferral(officer, 'Gleichzeitig');
    await Promise.all([openFromQueue(supervisor, id), openFromQueue(shiftLead, id)]);

    await supervisor.getByRole('button', { name: 'Freigeben' }).click();
    await expect(supervisor.getByTestId('review-done')).toBeVisible();
    await shiftLead.getByRole('button', { name: 'Freigeben' }).click();
    await expect(shiftLead.getByTestId('decision-error')).toContainText(
      `bereits bearbeitet: freigegeben von ${SUPERVISOR_NAME}`,
    );
  });

  test('a withdrawal by phone is recorded, the personal data erased, and how it came in stays', async () => {
    const id = await fileReferral(officer, 'Widerrufstest');
    await openFromQueue(supervisor, id);
    await supervisor.getByText('Widerruf der Einwilligung erfassen').click();
    await supervisor.getByRole('button', { name: 'Widerruf erfassen und Daten löschen' }).click();
    await expect(supervisor.getByText('Bitte wählen Sie, wie der Widerruf mitgeteilt wurde.')).toBeVisible();
    await supervisor.getByLabel('Telefonisch').check();
    await supervisor.getByLabel(/Ich bestätige den Widerruf/).check();
    await supervisor.getByRole('button', { name: 'Widerruf erfassen und Daten löschen' }).click();
    await expect(supervisor.getByTestId('review-done')).toBeVisible();

    await supervisor.goto(`/pruefung/${id}`);
    await expect(supervisor.getByTestId('review-status')).toHaveText('Einwilligung widerrufen');
    await expect(supervisor.getByText('Widerrufstest')).toHaveCount(0);
    await expect(supervisor.getByTestId('timeline-received')).toContainText('Mitgeteilt: Telefonisch, am');
  });

  test('the admin switches a station to direct dispatch and back', async ({ browser }) => {
    const admin = await signedIn(browser, 'admin@polizei.example');
    await admin.goto('/verwaltung/dienststellen');
    const row = admin.getByTestId('station-row').filter({ hasText: 'Polizeikommissariat Burgdorf' });
    await expect(row.getByTestId('station-mode')).toContainText('Vier-Augen-Prüfung');
    await expectNoAxeViolations(admin);
    await row.getByRole('button', { name: /Auf Direktübermittlung umstellen/ }).click();
    await row.getByRole('button', { name: /Abbrechen/ }).click();
    await expect(row.getByTestId('station-mode')).toContainText('Vier-Augen-Prüfung');
    await row.getByRole('button', { name: /Auf Direktübermittlung umstellen/ }).click();
    await row.getByRole('button', { name: /Ja, direkt übermitteln/ }).click();
    await expect(row.getByTestId('station-mode')).toContainText('Direktübermittlung');
    await row.getByRole('button', { name: /Auf Vier-Augen-Prüfung umstellen/ }).click();
    await expect(row.getByTestId('station-mode')).toContainText('Vier-Augen-Prüfung');
    await admin.context().close();
  });
});
