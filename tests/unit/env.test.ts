import { afterEach, describe, expect, it, vi } from 'vitest';

import { DEV_AUTH_SECRET, DEV_ENCRYPTION_KEYS, DEV_HASH_SECRET, DEV_MAIL_FROM, env, resetEnvCache } from '@/lib/env';

const STRONG_SECRET = 'x'.repeat(48);
const KEY = (fill: number) => Buffer.alloc(32, fill).toString('base64');
/** Everything production needs besides the variable a test is about. */
const SECRETS = {
  AUTH_SECRET: STRONG_SECRET,
  HASH_SECRET: 'y'.repeat(48),
  ENCRYPTION_KEYS: `2026-11:${KEY(1)}`,
  SMTP_URL: 'smtps://vermittlung:relay-pw-123@mail.polizei.example:465',
  MAIL_FROM: 'Vermittlung Polizei Hannover <no-reply@vermittlung.polizei.example>',
};

function load(vars: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  return env();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('configuration', () => {
  it('has working development defaults', () => {
    const config = load({ NODE_ENV: 'development', AUTH_SECRET: undefined, DATABASE_URL: undefined });
    expect(config).toMatchObject({
      AUTH_SECRET: DEV_AUTH_SECRET,
      EMBEDDED_PG_PORT: 54320,
      PORT: 3000,
      SESSION_IDLE_MINUTES: 30,
      SESSION_MAX_AGE_HOURS: 12,
    });
  });

  it('refuses to run in production without a secret, naming the variable but not any value', () => {
    expect(() =>
      load({
        NODE_ENV: 'production',
        AUTH_SECRET: undefined,
        APP_URL: 'https://app.example',
        DATABASE_URL: 'postgres://u:pw-123@db/app',
      }),
    ).toThrow(/AUTH_SECRET: required in production/);
    try {
      load({
        NODE_ENV: 'production',
        AUTH_SECRET: 'short',
        APP_URL: 'https://app.example',
        DATABASE_URL: 'postgres://u:pw-123@db/app',
      });
    } catch (error) {
      expect(String(error)).not.toContain('pw-123');
      expect(String(error)).not.toContain('short');
    }
  });

  it('refuses the published development secret in production', () => {
    expect(() =>
      load({ NODE_ENV: 'production', AUTH_SECRET: DEV_AUTH_SECRET, APP_URL: 'https://app.example' }),
    ).toThrow(/development secret/);
  });

  it('requires an https public URL in production, except on this machine', () => {
    const production = { NODE_ENV: 'production', ...SECRETS, DATABASE_URL: 'postgres://u:pw@db/app' };
    expect(() => load({ ...production, APP_URL: 'http://vermittlung.polizei.example' })).toThrow(/APP_URL/);
    expect(load({ ...production, APP_URL: 'http://localhost:3100' }).APP_URL).toBe('http://localhost:3100');
    expect(load({ ...production, APP_URL: 'https://vermittlung.polizei.example' }).NODE_ENV).toBe('production');
  });

  it('refuses production without DATABASE_URL instead of starting an embedded PostgreSQL, and says what to set', () => {
    expect(() =>
      load({
        NODE_ENV: 'production',
        ...SECRETS,
        APP_URL: 'https://vermittlung.polizei.example',
        DATABASE_URL: undefined,
      }),
    ).toThrow(/DATABASE_URL: required in production \(the embedded PostgreSQL is for development and tests only\)/);
  });

  it('needs its own hash secret and encryption keyring in production, none of them the published ones', () => {
    const production = {
      NODE_ENV: 'production',
      APP_URL: 'https://vermittlung.polizei.example',
      DATABASE_URL: 'postgres://u:pw@db/app',
    };
    expect(load({ ...production, ...SECRETS }).ENCRYPTION_KEYS.currentId).toBe('2026-11');
    expect(() => load({ ...production, ...SECRETS, HASH_SECRET: undefined })).toThrow(/HASH_SECRET: required/);
    expect(() => load({ ...production, ...SECRETS, ENCRYPTION_KEYS: undefined })).toThrow(/ENCRYPTION_KEYS: required/);
    expect(() => load({ ...production, ...SECRETS, HASH_SECRET: DEV_HASH_SECRET })).toThrow(/development secret/);
    expect(() => load({ ...production, ...SECRETS, HASH_SECRET: STRONG_SECRET })).toThrow(
      /must differ from AUTH_SECRET/,
    );
    expect(() =>
      load({ ...production, ...SECRETS, ENCRYPTION_KEYS: `2026-11:${KEY(1)},${DEV_ENCRYPTION_KEYS}` }),
    ).toThrow(/development key/);
  });

  it('reads the keyring: the first key seals, every key opens; malformed entries are named, never shown', () => {
    const ring = load({ ENCRYPTION_KEYS: `2026-11:${KEY(1)}, 2025-01:${KEY(2)}` }).ENCRYPTION_KEYS;
    expect(ring.currentId).toBe('2026-11');
    expect(Object.keys(ring.keys)).toEqual(['2026-11', '2025-01']);
    expect(() => load({ ENCRYPTION_KEYS: `a:${KEY(1)},a:${KEY(2)}` })).toThrow(/"a" appears twice/);
    expect(() => load({ ENCRYPTION_KEYS: 'a:c2hvcnQ=' })).toThrow(/32 bytes/);
    expect(() => load({ ENCRYPTION_KEYS: `Key One:${KEY(1)}` })).toThrow(/id:base64key/);
    expect(() => load({ ENCRYPTION_KEYS: ' , ' })).toThrow(/at least one key/);
    try {
      load({ ENCRYPTION_KEYS: 'a:c2hvcnQ=' });
    } catch (error) {
      expect(String(error)).not.toContain('c2hvcnQ');
    }
  });

  it('needs a mail relay and a sender in production, and says so without showing the relay password', () => {
    const production = {
      NODE_ENV: 'production',
      APP_URL: 'https://vermittlung.polizei.example',
      DATABASE_URL: 'postgres://u:pw@db/app',
      ...SECRETS,
    };
    expect(load(production)).toMatchObject({ SMTP_URL: SECRETS.SMTP_URL, MAIL_FROM: SECRETS.MAIL_FROM });
    expect(() => load({ ...production, SMTP_URL: undefined })).toThrow(/SMTP_URL: required in production/);
    expect(() => load({ ...production, MAIL_FROM: undefined })).toThrow(/MAIL_FROM: required in production/);
    try {
      load({ ...production, SMTP_URL: 'http://vermittlung:relay-pw-123@mail.polizei.example' });
      expect.unreachable('a web URL is no mail relay');
    } catch (error) {
      expect(String(error)).toMatch(/SMTP_URL: expected smtp:\/\//);
      expect(String(error)).not.toContain('relay-pw-123');
    }
  });

  it('runs without a relay in development (the launcher starts one) and sends from the development sender', () => {
    const config = load({ NODE_ENV: 'development', SMTP_URL: undefined, MAIL_FROM: undefined });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBe(DEV_MAIL_FROM);
  });

  it.each([
    ['smtp://127.0.0.1:2525', true],
    ['smtp://user:pass@mail.polizei.example:587', true],
    ['smtps://mail.polizei.example:465', true],
    ['smtp://mail.polizei.example:25?requireTLS=false', true],
    ['https://mail.polizei.example', false],
    ['smtp:/mail.polizei.example', false],
    ['mail.polizei.example:25', false],
    ['', false],
  ])('SMTP_URL %j is accepted: %s', (value, accepted) => {
    const attempt = () => load({ SMTP_URL: value });
    if (accepted) expect(attempt().SMTP_URL).toBe(value);
    else expect(attempt).toThrow(/SMTP_URL/);
  });

  it.each([
    ['no-reply@vermittlung.polizei.example', true],
    ['Vermittlung Polizei Hannover <no-reply@vermittlung.polizei.example>', true],
    ['Polizeidirektion Hannover – Vermittlung <no-reply@polizei.example>', true],
    ['no-reply', false],
    ['a@example.org, b@example.org', false],
    ['"Quoted" <a@example.org>', false],
    ['Name <a@example.org', false],
    ['Name <a@example.org>\r\nBcc: b@example.org', false],
    ['Name\nBcc: b@example.org <a@example.org>', false],
  ])('MAIL_FROM %j is accepted: %s', (value, accepted) => {
    const attempt = () => load({ MAIL_FROM: value });
    if (accepted) expect(attempt().MAIL_FROM).toBe(value);
    else expect(attempt).toThrow(/MAIL_FROM: expected/);
  });

  it('rejects a malformed port', () => {
    expect(() => load({ PORT: 'abc' })).toThrow(/PORT/);
  });
});
