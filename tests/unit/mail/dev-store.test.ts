/**
 * The development mail store (lib/mail/dev-store.ts): what the local SMTP server keeps is read back, newest
 * first, and nothing is ever opened by a name the store did not make (the page must not become a file viewer).
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isMailFileName, listMails, readMail, storeMail } from '@/lib/mail/dev-store';

const mail = (subject: string) =>
  Buffer.from(
    [
      'From: Vermittlung Polizei Hannover <no-reply@localhost>',
      'To: beratung@biss-region.example',
      `Subject: ${subject}`,
      'Date: Thu, 26 Nov 2026 13:47:12 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Guten Tag,',
      '',
      'best=C3=A4tigen Sie den Empfang:',
      'http://localhost:3000/eingang',
      '',
    ].join('\r\n'),
  );

let dir: string;

beforeEach(async () => {
  dir = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dev-store-')), 'mail');
});

afterEach(async () => {
  await fsp.rm(path.dirname(dir), { recursive: true, force: true });
});

describe('the development mail store', () => {
  it('keeps each mail in a file of its own, readable by its owner only, and lists them newest first', async () => {
    const older = await storeMail(dir, mail('Erste'), new Date('2026-11-26T13:47:12.345Z'));
    const newer = await storeMail(dir, mail('Zweite'), new Date('2026-11-26T13:48:00.000Z'));
    expect(older).toMatch(/^20261126T134712345Z-[0-9a-f]{16}\.eml$/);
    expect(isMailFileName(older) && isMailFileName(newer)).toBe(true);
    expect((await fsp.stat(path.join(dir, older))).mode & 0o777).toBe(0o600);
    expect((await fsp.stat(dir)).mode & 0o777).toBe(0o700);

    const { total, mails } = await listMails(dir);
    expect(total).toBe(2);
    expect(mails.map((m) => [m.file, m.subject])).toEqual([
      [newer, 'Zweite'],
      [older, 'Erste'],
    ]);
    expect(mails[0]).toMatchObject({
      to: 'beratung@biss-region.example',
      from: 'Vermittlung Polizei Hannover <no-reply@localhost>',
      date: new Date('2026-11-26T13:47:12Z'),
      text: 'Guten Tag,\n\nbestätigen Sie den Empfang:\nhttp://localhost:3000/eingang',
    });
    expect(await readMail(dir, older)).toMatchObject({ file: older, subject: 'Erste' });
  });

  it('lists the newest ones only, and counts them all', async () => {
    for (let i = 0; i < 3; i++) await storeMail(dir, mail(`Nr ${i}`), new Date(Date.UTC(2026, 10, 26, 12, i)));
    const { total, mails } = await listMails(dir, 2);
    expect(total).toBe(3);
    expect(mails.map((m) => m.subject)).toEqual(['Nr 2', 'Nr 1']);
  });

  it('has nothing to show before the first mail (no directory yet)', async () => {
    expect(await listMails(dir)).toEqual({ total: 0, mails: [] });
  });

  it.each([
    '../../etc/passwd',
    '/etc/passwd',
    '..',
    '.',
    '',
    'passwort.txt',
    'mail.eml',
    `../mail/20261126T134712345Z-0123456789abcdef.eml`,
    `20261126T134712345Z-0123456789abcdef.eml/..`,
    `20261126T134712345Z-0123456789abcdef.eml\0`,
    `20261126T134712345Z-0123456789ABCDEF.eml`,
    `.20261126T134712345Z-0123456789abcdef.eml.partial`,
  ])('refuses to open %j', async (name) => {
    await storeMail(dir, mail('Da'));
    expect(isMailFileName(name)).toBe(false);
    expect(await readMail(dir, name)).toBeNull();
  });

  it('shows no file it did not make: other names, directories and links (even with a proper name) are left out', async () => {
    const kept = await storeMail(dir, mail('Echt'));
    const secret = path.join(path.dirname(dir), 'geheim.txt');
    await fsp.writeFile(secret, 'Subject: geheim\r\n\r\nnicht zeigen');
    await fsp.writeFile(path.join(dir, 'fremd.eml'), 'Subject: fremd\r\n\r\n');
    await fsp.mkdir(path.join(dir, '20261126T000000000Z-0000000000000000.eml'));
    const link = '20261126T999999999Z-ffffffffffffffff.eml';
    await fsp.symlink(secret, path.join(dir, link));

    const { mails } = await listMails(dir);
    expect(mails.map((m) => m.file)).toEqual([kept]);
    expect(await readMail(dir, link)).toBeNull();
    expect(await readMail(dir, '20261126T000000000Z-0000000000000000.eml')).toBeNull();
  });
});
