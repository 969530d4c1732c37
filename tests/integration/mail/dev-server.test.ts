/**
 * The development mail server as `npm run dev` runs it (lib/mail/dev-server.ts): what the app sends arrives
 * over real SMTP, is kept as a file under the data directory and shows on /entwicklung/post, which exists
 * outside production only.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import DevelopmentMailPage from '@/app/entwicklung/post/page';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { startMailCatcher, type MailCatcher } from '@/lib/mail/dev-server';
import { isMailFileName, listMails, mailDirectory } from '@/lib/mail/dev-store';
import { closeMailTransport, sendPartnerNotice } from '@/lib/mail/send';

import { createActor, freshWorld, signInAs } from '../support/world';

let dataDir: string;
let catcher: MailCatcher;

beforeAll(async () => {
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dev-mail-'));
  catcher = await startMailCatcher({ dir: mailDirectory(dataDir) });
});

afterAll(async () => {
  closeMailTransport();
  await catcher.stop();
  await fsp.rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

function configure(settings: Record<string, string>): void {
  for (const [key, value] of Object.entries(settings)) vi.stubEnv(key, value);
  resetEnvCache();
}

describe('the development mail server', () => {
  it('keeps what the app sends under DATA_DIR/mail, and the development page shows it, newest first', async () => {
    configure({ SMTP_URL: catcher.url, DATA_DIR: dataDir, APP_URL: 'http://localhost:3000' });
    await sendPartnerNotice('beratung@biss-region.example', { kind: 'NEW' });
    await sendPartnerNotice('team@maennerbuero.example', { kind: 'WITHDRAWN' });

    const { total, mails } = await listMails(catcher.dir);
    expect(total).toBe(2);
    expect(mails.every((mail) => isMailFileName(mail.file))).toBe(true);
    expect(mails.map((mail) => [mail.subject, mail.to])).toEqual([
      ['Vermittlung zurückgezogen: bitte Kopien löschen', 'team@maennerbuero.example'],
      ['Neue Vermittlung im Eingang', 'beratung@biss-region.example'],
    ]);

    const html = renderToStaticMarkup(await DevelopmentMailPage());
    expect(html.indexOf('Vermittlung zurückgezogen')).toBeLessThan(html.indexOf('Neue Vermittlung im Eingang'));
    expect(html).toContain('beratung@biss-region.example');
    expect(html).toContain('http://localhost:3000/eingang');
  });

  it('a temporary one (the test harness) removes its mails when it stops', async () => {
    const temporary = await startMailCatcher();
    configure({ SMTP_URL: temporary.url });
    await sendPartnerNotice('beratung@biss-region.example', { kind: 'REMINDER' });
    expect((await listMails(temporary.dir)).total).toBe(1);
    await temporary.stop();
    await expect(fsp.access(temporary.dir)).rejects.toThrow();
  });
});

describe('/entwicklung/post in production', () => {
  const PRODUCTION = {
    NODE_ENV: 'production',
    AUTH_SECRET: 'p'.repeat(48),
    HASH_SECRET: 'h'.repeat(48),
    ENCRYPTION_KEYS: `prod:${Buffer.alloc(32, 9).toString('base64')}`,
    APP_URL: 'https://vermittlung.polizei.example',
    SMTP_URL: 'smtps://mail.polizei.example:465',
    MAIL_FROM: 'no-reply@vermittlung.polizei.example',
  };

  it('sends visitors to sign-in, and is "not found" for everyone signed in, with the refusal audited', async () => {
    await freshWorld();
    const admin = await createActor('ADMIN');
    configure(PRODUCTION);
    await expect(DevelopmentMailPage()).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });

    await signInAs(admin);
    const denials = () => db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: admin.id } });
    await expect(DevelopmentMailPage()).rejects.toMatchObject({
      digest: expect.stringMatching(/NEXT_HTTP_ERROR_FALLBACK;404/),
    });
    expect(await denials()).toBe(1);
  });
});
