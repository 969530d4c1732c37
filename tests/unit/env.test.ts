import { afterEach, describe, expect, it, vi } from 'vitest';

import { DEV_AUTH_SECRET, env, resetEnvCache } from '@/lib/env';

const STRONG_SECRET = 'x'.repeat(48);

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
    const production = { NODE_ENV: 'production', AUTH_SECRET: STRONG_SECRET, DATABASE_URL: 'postgres://u:pw@db/app' };
    expect(() => load({ ...production, APP_URL: 'http://vermittlung.polizei.example' })).toThrow(/APP_URL/);
    expect(load({ ...production, APP_URL: 'http://localhost:3100' }).APP_URL).toBe('http://localhost:3100');
    expect(load({ ...production, APP_URL: 'https://vermittlung.polizei.example' }).NODE_ENV).toBe('production');
  });

  it('refuses production without DATABASE_URL instead of starting an embedded PostgreSQL, and says what to set', () => {
    expect(() =>
      load({
        NODE_ENV: 'production',
        AUTH_SECRET: STRONG_SECRET,
        APP_URL: 'https://vermittlung.polizei.example',
        DATABASE_URL: undefined,
      }),
    ).toThrow(/DATABASE_URL: required in production \(the embedded PostgreSQL is for development and tests only\)/);
  });

  it('rejects a malformed port', () => {
    expect(() => load({ PORT: 'abc' })).toThrow(/PORT/);
  });
});
