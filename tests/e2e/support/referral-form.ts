import { expect, type Page } from '@playwright/test';

import { queryDb } from './fixtures';

export type Person = {
  municipality: string;
  gender: 'weiblich' | 'männlich' | 'divers' | 'keine Angabe';
  caseNumber: string;
  firstName: string;
  lastName: string;
  phone: string;
};

/**
 * Fills what every referral with consent needs, as an officer would: consent first, then the callout, the
 * person, a safe number and a safe time, the other party's access to the phone, and how consent was given.
 * The callout is the form's default (now); the person gives an age band.
 */
export async function fillRequiredReferral(page: Page, person: Person): Promise<void> {
  await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
  await page.getByLabel('Vorgangsnummer').fill(person.caseNumber);
  await page.getByLabel('Wohnort der betroffenen Person').selectOption({ label: person.municipality });
  await page.getByRole('radio', { name: person.gender, exact: true }).first().check();
  await page.locator('#firstName').fill(person.firstName);
  await page.locator('#lastName').fill(person.lastName);
  await page.getByLabel('Altersgruppe').selectOption({ label: '27 bis 39' });
  await page.getByLabel('Telefonnummer für die Kontaktaufnahme').fill(person.phone);
  await page.getByRole('checkbox', { name: 'Jederzeit' }).check();
  await page
    .getByRole('group', { name: /gefährdende Person an dieses Telefon/ })
    .getByRole('radio', { name: 'Nein' })
    .check();
  await page
    .getByRole('group', { name: /Wie hat die Person eingewilligt/ })
    .getByRole('radio', { name: 'Mündlich vor Ort' })
    .check();
}

/** "Übermittlung prüfen", then "Vermittlung einreichen" (or "Korrektur speichern") in the preview. */
export async function submitWithPreview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Übermittlung prüfen' }).click();
  await expect(page.getByTestId('transmission-preview')).toBeVisible();
  await page.getByRole('button', { name: /^(Vermittlung einreichen|Korrektur speichern)$/ }).click();
}

export type StoredTrack = {
  referralId: string;
  track: string;
  routingReason: string;
  overrideReason: string | null;
  routingRuleId: string | null;
  routingRuleVersion: number | null;
  partner: string;
};

/**
 * The tracks of the newest referral of the demo officer (the e2e tests run one at a time). The database
 * cannot be searched by Vorgangsnummer: it is stored only sealed and as a keyed blind index.
 */
export async function newestReferralTracks(email = 'officer@polizei.example'): Promise<StoredTrack[]> {
  return queryDb<StoredTrack>(
    `SELECT t."referralId", t.track::text AS track, t."routingReason"::text AS "routingReason",
            t."overrideReason"::text AS "overrideReason", t."routingRuleId", t."routingRuleVersion", p.name AS partner
       FROM "ReferralTrack" t JOIN "Partner" p ON p.id = t."partnerId"
      WHERE t."referralId" = (SELECT r.id FROM "Referral" r JOIN "User" u ON u.id = r."createdById"
                               WHERE u.email = $1 ORDER BY r."submittedAt" DESC, r.id DESC LIMIT 1)
      ORDER BY t.track`,
    [email],
  );
}
