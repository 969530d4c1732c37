import { describe, expect, it } from 'vitest';

import { composePartnerNotice, inboxUrl, PARTNER_NOTICE_KINDS } from '@/lib/mail/partner-notice';

describe('partner notices', () => {
  it.each([
    ['https://vermittlung.polizei.example', 'https://vermittlung.polizei.example/eingang'],
    ['https://vermittlung.polizei.example/', 'https://vermittlung.polizei.example/eingang'],
    ['https://intranet.polizei.example/vermittlung/', 'https://intranet.polizei.example/vermittlung/eingang'],
    ['http://localhost:3000', 'http://localhost:3000/eingang'],
  ])('link to the inbox under %s', (appUrl, expected) => {
    expect(inboxUrl(appUrl)).toBe(expected);
  });

  it('each kind has its own subject; every text greets, links the inbox on a line of its own and says why it is so short', () => {
    const subjects = new Set<string>();
    for (const kind of PARTNER_NOTICE_KINDS) {
      const { subject, text } = composePartnerNotice({ kind }, 'https://vermittlung.polizei.example');
      subjects.add(subject);
      const lines = text.split('\n');
      expect(lines[0]).toBe('Guten Tag,');
      expect(lines).toContain('https://vermittlung.polizei.example/eingang');
      expect(text).toContain('keine Angaben zur Person oder zum Vorgang');
      expect(`${subject}\n${text}`).not.toMatch(/\d/);
    }
    expect(subjects.size).toBe(PARTNER_NOTICE_KINDS.length);
  });

  it('a withdrawal asks to delete every copy kept outside the app and not to make contact', () => {
    const { subject, text } = composePartnerNotice({ kind: 'WITHDRAWN' }, 'https://vermittlung.polizei.example');
    expect(subject).toMatch(/zurückgezogen/);
    expect(text).toMatch(/Einwilligung widerrufen/);
    expect(text).toMatch(/keinen Kontakt auf und löschen Sie alle Angaben/);
  });
});
