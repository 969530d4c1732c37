import { describe, expect, it } from 'vitest';

import { headerOf, parseRawMail } from '@/lib/mail/parse';

describe('reading a raw mail', () => {
  it('unfolds headers, decodes encoded words and a quoted-printable body with soft line breaks', () => {
    const mail = parseRawMail(
      [
        'Subject: =?UTF-8?Q?Vermittlung_zur=C3=BCckgezogen=3A_bitte_?=',
        ' =?UTF-8?Q?Kopien_l=C3=B6schen?=',
        'Message-ID:',
        ' <abc@example.org>',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Bitte l=C3=B6schen Sie alle Angaben, die Sie au=C3=9Ferhalb=',
        ' der Anwendung aufbewahren.',
        '',
      ].join('\r\n'),
    );
    expect(mail.subject).toBe('Vermittlung zurückgezogen: bitte Kopien löschen');
    expect(headerOf(mail.headers, 'message-id')).toBe('<abc@example.org>');
    expect(mail.text).toBe('Bitte löschen Sie alle Angaben, die Sie außerhalb der Anwendung aufbewahren.');
    expect(mail.date).toBeNull();
  });

  it('finds the text part of a multipart mail, in base64', () => {
    const mail = parseRawMail(
      [
        'Subject: =?UTF-8?B?TmV1ZSBWZXJtaXR0bHVuZw==?=',
        'Content-Type: multipart/alternative; boundary="--b1"',
        '',
        '----b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>HTML</p>',
        '----b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('Grüße').toString('base64'),
        '----b1--',
        '',
      ].join('\r\n'),
    );
    expect(mail.subject).toBe('Neue Vermittlung');
    expect(mail.text).toBe('Grüße');
  });
});
