/**
 * The notification e-mail as it goes over a real SMTP connection (issue 12, item 4): subject, the link to the
 * inbox, and nothing that could identify a person or a case, in the subject, the body or the headers.
 * Asserted on the raw message the server received, not on what the code meant to send.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { resetEnvCache } from '@/lib/env';
import { PARTNER_NOTICE_KINDS, type PartnerNotice } from '@/lib/mail/partner-notice';
import { closeMailTransport, MailDeliveryError, sendPartnerNotice } from '@/lib/mail/send';
import region from '@/prisma/data/region-hannover.json' with { type: 'json' };

import { startTestSmtp, type RawMail, type TestSmtp } from '../support/test-smtp';

const APP_URL = 'https://vermittlung.polizei.example';
const INBOX = `${APP_URL}/eingang`;
const MAIL_FROM = 'Vermittlung Polizei Hannover <no-reply@vermittlung.polizei.example>';
const PARTNER = 'beratung@biss-region.example';

/** What a mail may carry as headers: those any mail has. Nothing of our own (no X-…, no ids). */
const STANDARD_HEADERS = [
  'content-type',
  'content-transfer-encoding',
  'date',
  'from',
  'message-id',
  'mime-version',
  'subject',
  'to',
];

/** What a referral holds, as a caller might wrongly try to pass it along (the type allows none of it). */
const REFERRAL = {
  referralId: '0199a7a2-4c1e-7d3a-9b2f-5e8c1a2b3c4d',
  caseNumber: '2026/0123456',
  firstName: 'Mareike',
  lastName: 'Sonnenschein',
  phone: '0511 9876543',
  municipality: 'Burgwedel',
};

/** The Region Hannover's places (a referral's municipality) except the directorate's own name, in every mail. */
const PLACES = region.policeDirectorate.inspections
  .flatMap((inspection) => inspection.municipalities)
  .filter((place) => place !== 'Hannover');

const SUBJECTS: Record<PartnerNotice['kind'], string> = {
  NEW: 'Neue Vermittlung im Eingang',
  REMINDER: 'Erinnerung: Vermittlung wartet auf Ihre Bestätigung',
  WITHDRAWN: 'Vermittlung zurückgezogen: bitte Kopien löschen',
  WEBHOOK_CHANGED: 'Geändert: Übermittlung an Ihr eigenes Fallsystem',
};

let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
});

afterAll(async () => {
  closeMailTransport();
  await smtp.stop();
});

function configure(settings: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries({ SMTP_URL: smtp.url, APP_URL, MAIL_FROM, ...settings })) {
    vi.stubEnv(key, value);
  }
  resetEnvCache();
}

afterEach(() => {
  smtp.refuseWith(null);
  smtp.clear();
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function sendOne(notice: PartnerNotice): Promise<RawMail> {
  configure({});
  await sendPartnerNotice(PARTNER, notice);
  const [mail] = await smtp.waitFor(1);
  return mail!;
}

/** The message's body as it went over the wire (after the blank line that ends the headers). */
const rawBody = (mail: RawMail) => mail.raw.slice(mail.raw.indexOf('\r\n\r\n') + 4);

describe('a partner notice over SMTP', () => {
  it.each(PARTNER_NOTICE_KINDS)(
    '%s: its subject and a link to the inbox, to the partner, from MAIL_FROM',
    async (kind) => {
      const mail = await sendOne({ kind });
      expect(mail.to).toEqual([PARTNER]);
      expect(mail.from).toBe('no-reply@vermittlung.polizei.example');
      expect(mail.parsed.subject).toBe(SUBJECTS[kind]);
      expect(mail.parsed.to).toBe(PARTNER);
      expect(mail.parsed.from).toBe('Vermittlung Polizei Hannover <no-reply@vermittlung.polizei.example>');
      expect(mail.parsed.text.split('\n')).toContain(INBOX);
      // The link is also legible in the raw body (no encoding hides or breaks it).
      expect(rawBody(mail)).toContain(INBOX);
      expect(mail.parsed.text).toMatch(/^Guten Tag,\n/);
    },
  );

  it.each(PARTNER_NOTICE_KINDS)('%s: only standard headers, a random Message-ID, nothing of the case', async (kind) => {
    const mail = await sendOne({ kind });
    const names = mail.parsed.headers.map(([name]) => name.toLowerCase());
    expect(names.filter((name) => !STANDARD_HEADERS.includes(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(mail.parsed.headers.find(([name]) => name === 'Message-ID')?.[1]).toMatch(
      /^<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@vermittlung\.polizei\.example>$/,
    );
  });

  it.each(PARTNER_NOTICE_KINDS)(
    '%s: no name, phone, case number, place or id, even when a caller tries to pass them',
    async (kind) => {
      // The type has nothing but `kind` (a property more is a compile error); at run time extras are ignored.
      const smuggled: PartnerNotice = {
        kind,
        // @ts-expect-error: a notice carries no referral data
        referralId: REFERRAL.referralId,
      };
      const mail = await sendOne(Object.assign(smuggled, REFERRAL));
      const decoded = `${mail.parsed.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${mail.parsed.text}`;
      for (const text of [mail.raw, decoded]) {
        for (const value of [...Object.values(REFERRAL), ...PLACES]) expect(text).not.toContain(value);
        expect(text).not.toMatch(/0511|Vorgang(s|s-)?nummer: |Aktenzeichen/);
      }
      // No number at all in subject and body: no count, date, phone or case number can be among them.
      expect(`${mail.parsed.subject}\n${mail.parsed.text}`).not.toMatch(/\d/);
      // The partner's own address is in the envelope and the To header only.
      expect(`${mail.parsed.subject}\n${mail.parsed.text}`).not.toContain(PARTNER);
    },
  );

  it('is the same text every time: nothing in it varies with the referral', async () => {
    const first = await sendOne({ kind: 'NEW' });
    smtp.clear();
    const second = await sendOne({ kind: 'NEW' });
    expect(second.parsed.text).toBe(first.parsed.text);
    expect(second.parsed.subject).toBe(first.parsed.subject);
    const messageId = (mail: RawMail) => mail.parsed.headers.find(([name]) => name === 'Message-ID')?.[1];
    expect(messageId(second)).not.toBe(messageId(first));
  });
});

describe('a notice that does not go out', () => {
  /** The error thrown, checked to carry neither the address nor the server's reply text. */
  async function failure(send: () => Promise<void>): Promise<MailDeliveryError> {
    const error = await send().then(
      () => expect.unreachable('the notice should not have gone out'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MailDeliveryError);
    const shown = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
    expect(shown).not.toContain('biss-region');
    expect(shown).not.toMatch(/refused with|Vermittlung|Eingang/);
    expect((error as Error).cause).toBeUndefined();
    return error as MailDeliveryError;
  }

  it('a 4xx reply: may succeed later; a 5xx reply: refused for good; the message names only the class', async () => {
    configure({});
    smtp.refuseWith(451);
    const transient = await failure(() => sendPartnerNotice(PARTNER, { kind: 'NEW' }));
    expect(transient).toMatchObject({ replyClass: '4xx', permanent: false });
    expect(transient.message).toMatch(/SMTP reply 4xx/);
    smtp.refuseWith(550);
    const permanent = await failure(() => sendPartnerNotice(PARTNER, { kind: 'NEW' }));
    expect(permanent).toMatchObject({ replyClass: '5xx', permanent: true });
    expect(smtp.messages()).toEqual([]);
  });

  it('no server: a transient failure, quickly', async () => {
    const gone = await startTestSmtp();
    await gone.stop();
    configure({ SMTP_URL: gone.url });
    const started = Date.now();
    const error = await failure(() => sendPartnerNotice(PARTNER, { kind: 'NEW' }));
    expect(error).toMatchObject({ permanent: false, replyClass: undefined });
    expect(error.code).toMatch(/^E[A-Z]+$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    'beratung@biss-region.example, andere@biss-region.example',
    'BISS <beratung@biss-region.example>',
    'keine-adresse',
    'a b@biss-region.example',
  ])('refuses %j as recipient before connecting: one plain address only', async (to) => {
    configure({});
    const error = await failure(() => sendPartnerNotice(to, { kind: 'NEW' }));
    expect(error).toMatchObject({ code: 'EENVELOPE', permanent: true });
    expect(smtp.messages()).toEqual([]);
  });

  it('without SMTP_URL there is nothing to send through, and it says which setting is missing', async () => {
    configure({ SMTP_URL: undefined });
    const error = await failure(() => sendPartnerNotice(PARTNER, { kind: 'NEW' }));
    expect(error.message).toMatch(/SMTP_URL is not configured/);
  });
});
