/**
 * The officer's journeys with the complete form (issue 10), at phone width: a complete referral with the
 * perpetrator part, a refused offer, a correction, the mistakes a hurried officer makes, a likely duplicate,
 * and at the end a dump of the whole database, which must hold none of what was typed in readable form.
 */
import { expect, test, type Page } from '@playwright/test';

import { expectNoAxeViolations, queryDb, signInAs, uniqueCaseNumber } from './support/fixtures';
import { fillRequiredReferral, newestReferralTracks, submitWithPreview } from './support/referral-form';

const BISS_REGION = 'BISS Region Hannover (AWO Region Hannover e.V.)';
const MB = 'Männerbüro Hannover e.V.';

/** Everything personal these tests type, searched for in the database dump at the end. */
const typed: string[] = [];
function remember<T extends string>(...values: T[]): T[] {
  typed.push(...values);
  return values;
}

/** Every row of every table of the app's schema as text: the data section of a dump (see the last test). */
async function dumpAsText(): Promise<string> {
  const tables = await queryDb<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await queryDb<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
    parts.push(`-- ${name}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

async function openForm(page: Page) {
  await page.goto('/vermittlungen/neu');
  await expect(page.getByRole('heading', { name: 'Neue Vermittlung' })).toBeVisible();
}

test.describe('the officer on a phone', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ viewport: { width: 360, height: 780 } });

  test.beforeEach(async ({ page }) => {
    await signInAs(page, 'officer@polizei.example');
  });

  test('files a complete referral with a perpetrator part; each partner gets only its own projection', async ({
    page,
  }) => {
    const [caseNumber] = remember(uniqueCaseNumber());
    const [first, last, perpFirst, perpLast, street, note] = remember(
      'Wiebke',
      'Quarzfeld',
      'Torben',
      'Brettschneider',
      'Lindenhofweg 17',
      'Nur abends anrufen, Codewort Kastanie',
    );
    remember('0171 2345678', '+491712345678', '0511 7654321', '+495117654321', '1987-03-14', '14.03.1987');
    await openForm(page);
    await expectNoAxeViolations(page);

    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByLabel('Vorgangsnummer').fill(caseNumber!);
    await page.getByLabel('Wohnort der betroffenen Person').selectOption({ label: 'Garbsen' });
    await page.getByRole('radio', { name: 'weiblich', exact: true }).check();
    await page.locator('#firstName').fill(first!);
    await page.locator('#lastName').fill(last!);
    await page.getByLabel('Geburtsdatum').fill('1987-03-14');
    await page.getByLabel('Bevorzugte Sprache').selectOption({ label: 'Türkisch' });
    await page.getByRole('checkbox', { name: 'Dolmetschung wird benötigt' }).check();
    await expect(page.getByTestId('routing-preview')).toHaveText(`Geht nach Freigabe an: ${BISS_REGION}`);
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('0171 2345678');
    await page.getByRole('checkbox', { name: 'Abends (18–21 Uhr)' }).check();
    await page
      .getByRole('group', { name: /gefährdende Person an dieses Telefon/ })
      .getByRole('radio', { name: 'Nein' })
      .check();
    await page.getByRole('checkbox', { name: 'Brief schicken' }).check();
    await page.getByLabel('Straße und Hausnummer').fill(street!);
    await page.getByLabel('Postleitzahl').fill('30823');
    await page.locator('#city').fill('Garbsen');
    await page.getByLabel('Kinder im Haushalt').selectOption('2');
    await page.getByRole('checkbox', { name: '3 bis 5 Jahre' }).check();
    await page
      .getByRole('group', { name: /Jugendamt/ })
      .getByRole('radio', { name: 'Ja' })
      .check();
    await page.getByRole('checkbox', { name: /Wegweisung/ }).check();
    const callout = await page.getByLabel('Datum und Uhrzeit des Einsatzes').inputValue();
    const until = new Date(Date.parse(callout.slice(0, 10)) + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Gilt bis einschließlich').fill(until);
    await page.getByRole('checkbox', { name: 'Kontakt- und Näherungsverbot' }).check();
    await expect(page.getByTestId('high-risk')).toContainText('Hohe Gefährdung: nein');
    await page.getByRole('checkbox', { name: 'Würgen' }).check();
    await expect(page.getByTestId('high-risk')).toContainText('Hohe Gefährdung: ja');
    await page
      .getByRole('group', { name: /Wie hat die Person eingewilligt/ })
      .getByRole('radio', { name: 'Mündlich vor Ort' })
      .check();
    await page.locator('#note').fill(note!);
    await page.getByRole('checkbox', { name: /gefährdende Person willigt/ }).check();
    await page.locator('#perpetratorFirstName').fill(perpFirst!);
    await page.locator('#perpetratorLastName').fill(perpLast!);
    await page
      .getByRole('group', { name: /Geschlecht der gefährdenden Person/ })
      .getByRole('radio', { name: 'männlich' })
      .check();
    await page.getByLabel('Telefonnummer der gefährdenden Person').fill('0511 7654321');
    await page
      .getByRole('group', { name: /Wie hat die gefährdende Person eingewilligt/ })
      .getByRole('radio', { name: 'Schriftlich (unterschrieben)' })
      .check();
    await expect(page.getByTestId('perpetrator-routing-preview')).toContainText('Die Gruppe Jugendhilfe gGmbH');
    await expectNoAxeViolations(page);

    // The transmission preview: each partner's block holds its projection and nothing else.
    await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
    const victimBlock = page.getByTestId('projection-victim');
    const perpetratorBlock = page.getByTestId('projection-perpetrator');
    await expect(victimBlock).toContainText(BISS_REGION);
    // Numbers as people read them: a wrong digit stands out.
    await expect(victimBlock).toContainText('0171 2345678');
    await expect(victimBlock).toContainText(`${street}, 30823 Garbsen`);
    await expect(victimBlock).toContainText('Anruf, Brief schicken');
    await expect(victimBlock).toContainText(note!);
    await expect(perpetratorBlock).toContainText('Die Gruppe Jugendhilfe gGmbH');
    await expect(perpetratorBlock).toContainText(perpLast!);
    for (const secret of [first!, '0171 2345678', street!, note!, 'Würgen']) {
      await expect(perpetratorBlock).not.toContainText(secret);
    }
    await expect(victimBlock).not.toContainText('Würgen');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();
    await expect(page.getByTestId('submit-success')).toContainText(`${BISS_REGION}, Die Gruppe Jugendhilfe gGmbH`);

    expect(await newestReferralTracks()).toMatchObject([
      { track: 'VICTIM', routingReason: 'RULE', partner: BISS_REGION },
      { track: 'PERPETRATOR', routingReason: 'RULE', partner: 'Die Gruppe Jugendhilfe gGmbH' },
    ]);
    const [stored] = await queryDb<{ highRisk: boolean; details: string }>(
      `SELECT "highRisk", details FROM "Referral" WHERE id = $1`,
      [(await newestReferralTracks())[0]!.referralId],
    );
    expect(stored).toMatchObject({ highRisk: true, details: expect.stringMatching(/^e1\./) });

    // "Meine Vermittlungen" and the referral itself: readable through the app, and the view is audited.
    await page.getByRole('link', { name: 'Zu meinen Vermittlungen' }).click();
    const row = page.getByTestId('referral-row').filter({ hasText: caseNumber! });
    await expect(row).toContainText(`${first} ${last}`);
    await expect(row.getByTestId('referral-partner')).toHaveText(BISS_REGION);
    await expect(row.getByTestId('referral-perpetrator-partner')).toHaveText('Die Gruppe Jugendhilfe gGmbH');
    await expectNoAxeViolations(page);
    await row.getByRole('link', { name: 'Öffnen' }).click();
    await expect(page.getByTestId('referral-status')).toHaveText('Eingereicht – wartet auf Freigabe');
    await expect(page.getByTestId('projection-victim')).toContainText(note!);
    await expect(page.getByTestId('projection-perpetrator')).toContainText(perpFirst!);
    await expectNoAxeViolations(page);
    const views = await queryDb<{ n: number }>(
      `SELECT count(*)::int AS n FROM "AuditEvent" WHERE action = 'REFERRAL_VIEWED' AND "entityId" = $1`,
      [page.url().split('/').pop()],
    );
    expect(views[0]!.n).toBe(1);
  });

  test('the officer corrects a referral while it waits for approval', async ({ page }) => {
    const [caseNumber] = remember(uniqueCaseNumber());
    remember('Gesine', 'Hollerbach', '0511 3344556', '+495113344556', '0176 55544433', '+4917655544433');
    await openForm(page);
    await fillRequiredReferral(page, {
      municipality: 'Garbsen',
      gender: 'weiblich',
      caseNumber: caseNumber!,
      firstName: 'Gesine',
      lastName: 'Hollerbach',
      phone: '0511 3344556',
    });
    await submitWithPreview(page);
    await expect(page.getByTestId('submit-success')).toBeVisible();

    await page.goto('/vermittlungen');
    await page
      .getByTestId('referral-row')
      .filter({ hasText: caseNumber! })
      .getByRole('link', { name: 'Öffnen' })
      .click();
    await page.getByRole('link', { name: 'Korrigieren' }).click();
    await expect(page.getByRole('heading', { name: 'Vermittlung korrigieren' })).toBeVisible();
    // The stored values are in the form; the person gave the wrong number.
    await expect(page.locator('#lastName')).toHaveValue('Hollerbach');
    await expect(page.getByLabel('Telefonnummer für die Kontaktaufnahme')).toHaveValue('0511 3344556');
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('0176 55544433');
    await expectNoAxeViolations(page);
    await submitWithPreview(page);
    await expect(page.getByTestId('submit-success')).toContainText('Die Korrektur ist gespeichert');
    await page.getByRole('link', { name: 'Zurück zur Vermittlung' }).last().click();
    await expect(page.getByTestId('projection-victim')).toContainText('0176 55544433');
    await expect(page.getByTestId('projection-victim')).not.toContainText('0511 3344556');
    await expect(page.getByTestId('referral-corrected')).toBeVisible();

    const [audit] = await queryDb<{ details: Record<string, unknown> }>(
      `SELECT details FROM "AuditEvent" WHERE action = 'REFERRAL_CORRECTED' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit!.details).toMatchObject({ version: 2, changed: 'victim.person' });
    expect(JSON.stringify(audit!.details)).not.toContain('5554');
  });

  test('without consent nothing personal is stored, not even what was typed first', async ({ page }) => {
    remember('Zoraida', 'Quenzler');
    const before = await queryDb<{ n: number }>('SELECT count(*)::int AS n FROM "DeclinedOffer"');
    await openForm(page);
    // The officer starts typing, then the person declines: what was typed must not be stored.
    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.locator('#firstName').fill('Zoraida');
    await page.locator('#lastName').fill('Quenzler');
    await page.getByRole('radio', { name: 'Nein, Angebot abgelehnt' }).check();
    await expect(page.locator('#firstName')).toHaveCount(0);
    await page.getByLabel('Wohnort der betroffenen Person').selectOption({ label: 'Seelze' });
    await page.getByRole('radio', { name: 'divers', exact: true }).check();
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Ablehnung erfassen' }).click();
    await expect(page.getByTestId('submit-success')).toContainText('keine Personendaten gespeichert');

    const after = await queryDb<{ n: number }>('SELECT count(*)::int AS n FROM "DeclinedOffer"');
    expect(after[0]!.n).toBe(before[0]!.n + 1);
    const dump = (await dumpAsText()).toLowerCase();
    expect(dump).not.toContain('zoraida');
    expect(dump).not.toContain('quenzler');
  });

  test('mistakes: a summary at the top, focus on the first, limits while typing, nothing lost', async ({ page }) => {
    await openForm(page);
    await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
    await expect(page.getByTestId('summary-of-errors')).toContainText('Bitte prüfen Sie diese Angaben (3)');
    // The first question of the form is the first answer missing.
    await expect(page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' })).toBeFocused();

    await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
    await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
    await expect(page.getByLabel('Vorgangsnummer')).toBeFocused();
    await expect(page.getByTestId('error-birthDate')).toHaveText(
      'Bitte das Geburtsdatum oder die Altersgruppe angeben.',
    );
    await page.getByTestId('summary-of-errors').getByRole('link', { name: 'Telefonnummer' }).click();
    await expect(page.getByLabel('Telefonnummer für die Kontaktaufnahme')).toBeFocused();

    // Limits hold while typing: a 300-character name stops at 100.
    await page.locator('#firstName').fill('A'.repeat(300));
    await expect(page.locator('#firstName')).toHaveValue('A'.repeat(100));
    await page.locator('#firstName').fill('Mia');
    await page.getByLabel('Vorgangsnummer').fill('12-ab');
    await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill('123');
    await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
    await expect(page.getByTestId('error-caseNumber')).toContainText('Die Vorgangsnummer besteht aus 6 bis 20 Ziffern');
    await expect(page.getByTestId('error-phone')).toContainText('Diese Telefonnummer kann es nicht geben');
    await expect(page.locator('#firstName')).toHaveValue('Mia');
    await expectNoAxeViolations(page);
  });

  test('a second referral for the same case and person is flagged, and may be sent deliberately', async ({ page }) => {
    const [caseNumber] = remember(uniqueCaseNumber());
    remember('Annegret', 'Pfützenreuter', '0511 6677889', '+495116677889');
    const person = {
      municipality: 'Hannover',
      gender: 'männlich' as const,
      caseNumber: caseNumber!,
      firstName: 'Annegret',
      lastName: 'Pfützenreuter',
      phone: '0511 6677889',
    };
    await openForm(page);
    await fillRequiredReferral(page, person);
    await submitWithPreview(page);
    await expect(page.getByTestId('submit-success')).toContainText(MB);

    await openForm(page);
    // The same case written another way, the same person.
    await fillRequiredReferral(page, {
      ...person,
      caseNumber: caseNumber!.replace('/', '-'),
      lastName: 'pfützenreuter',
    });
    await submitWithPreview(page);
    await expect(page.getByTestId('duplicate-warning')).toBeVisible();
    await expect(page.getByTestId('form-error')).toContainText('Möglicherweise doppelt');
    await expect(page.getByRole('checkbox', { name: /trotzdem einreichen/ })).toBeFocused();
    await page.getByRole('checkbox', { name: /trotzdem einreichen/ }).check();
    await submitWithPreview(page);
    await expect(page.getByTestId('submit-success')).toContainText(MB);
  });

  test('a lost connection loses nothing: the same referral is sent again, and filed once', async ({ page }) => {
    const [caseNumber] = remember(uniqueCaseNumber());
    remember('Henrike', 'Funkloch', '0511 2468024', '+495112468024');
    await openForm(page);
    await fillRequiredReferral(page, {
      municipality: 'Garbsen',
      gender: 'weiblich',
      caseNumber: caseNumber!,
      firstName: 'Henrike',
      lastName: 'Funkloch',
      phone: '0511 2468024',
    });
    const before = await queryDb<{ n: number }>('SELECT count(*)::int AS n FROM "Referral"');
    // The patrol car loses its connection just as the officer sends.
    await page.route('**/vermittlungen/neu', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
    );
    await submitWithPreview(page);
    await expect(page.getByTestId('form-error')).toContainText('Keine Verbindung zum Server');
    await page.unroute('**/vermittlungen/neu');
    await page.getByRole('button', { name: 'Vermittlung einreichen' }).click();
    await expect(page.getByTestId('submit-success')).toContainText(BISS_REGION);
    const after = await queryDb<{ n: number }>('SELECT count(*)::int AS n FROM "Referral"');
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });

  test('a dump of the database holds none of the personal data typed; the app still shows it', async ({ page }) => {
    expect(typed.length).toBeGreaterThan(20);
    // pg_dump of PostgreSQL 18 (the embedded server) is not available on this offline machine (Debian 12 ships
    // client 15, which refuses a newer server): every row of every table as text is the dump's data section.
    const dump = (await dumpAsText()).toLowerCase();
    for (const value of typed) expect(dump, value).not.toContain(value.toLowerCase());
    await page.goto('/vermittlungen');
    await expect(page.getByTestId('referral-list')).toContainText('Wiebke Quarzfeld');
    await expect(page.getByTestId('referral-list')).toContainText('Gesine Hollerbach');
  });
});
