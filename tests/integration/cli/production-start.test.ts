/**
 * `npm start` as an operator meets it (README, "Production"): it checks the configuration and the database
 * before it starts anything, and says what to set or run. No build is needed for any of these refusals.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { applyMigrations } from '@/lib/db/migrate';
import { DEV_AUTH_SECRET } from '@/lib/env';

import { queryAt, serverDatabaseUrl } from '../helpers/db';

const run = promisify(execFile);
const database = `start_${randomBytes(4).toString('hex')}`;

const SECRETS = {
  AUTH_SECRET: randomBytes(32).toString('base64'),
  HASH_SECRET: randomBytes(32).toString('base64'),
  ENCRYPTION_KEYS: `2026-11:${randomBytes(32).toString('base64')}`,
  SMTP_URL: 'smtps://mail.polizei.example:465',
  MAIL_FROM: 'no-reply@vermittlung.polizei.example',
};

/** Runs `npm start`'s launcher with exactly these settings (none from the developer's shell). */
async function start(settings: Record<string, string>): Promise<{ code: number; output: string }> {
  const { PATH, HOME } = process.env;
  try {
    await run('node_modules/.bin/tsx', ['lib/cli/serve.ts', 'start', '--port', '3999'], {
      env: { PATH, HOME, NODE_ENV: 'production', APP_URL: 'http://localhost:3999', ...settings },
      timeout: 30_000,
    });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const admin = (sql: string) => queryAt(serverDatabaseUrl('postgres'), sql);

afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

describe('npm start in production', () => {
  it('refuses to start without DATABASE_URL (never an embedded database) and says so', async () => {
    const { code, output } = await start(SECRETS);
    expect(code).toBe(1);
    expect(output).toMatch(/DATABASE_URL: required in production/);
  });

  it('refuses to start without a mail relay and a sender (no local mail server in production)', async () => {
    const { SMTP_URL: _relay, MAIL_FROM: _sender, ...others } = SECRETS;
    const { code, output } = await start({ DATABASE_URL: serverDatabaseUrl('postgres'), ...others });
    expect(code).toBe(1);
    expect(output).toMatch(/SMTP_URL: required in production/);
    expect(output).toMatch(/MAIL_FROM: required in production/);
  });

  it('refuses the published development secrets, naming each variable', async () => {
    const { code, output } = await start({
      DATABASE_URL: serverDatabaseUrl('postgres'),
      ...SECRETS,
      AUTH_SECRET: DEV_AUTH_SECRET,
      HASH_SECRET: '',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/AUTH_SECRET: the development secret is refused in production/);
    expect(output).toMatch(/HASH_SECRET/);
    expect(output).not.toContain(SECRETS.ENCRYPTION_KEYS.split(':')[1]);
  });

  it('refuses a database that db:migrate has not brought up to date, and names the command', async () => {
    await admin(`CREATE DATABASE ${database}`);
    const { code, output } = await start({ DATABASE_URL: serverDatabaseUrl(database), ...SECRETS });
    expect(code).toBe(1);
    expect(output).toMatch(/lacks \d+ migration\(s\).*Run `npm run db:migrate` first/s);
  });

  it('refuses to run the app as a role that can change the schema', async () => {
    await applyMigrations(serverDatabaseUrl(database));
    const { code, output } = await start({ DATABASE_URL: serverDatabaseUrl(database), ...SECRETS });
    expect(code).toBe(1);
    expect(output).toMatch(/The role of DATABASE_URL \(postgres\) can change the schema: it is a superuser/);
  });
});
