import { afterEach, describe, expect, it, vi } from 'vitest';

import { env, resetEnvCache } from '@/lib/env';

const OIDC = {
  OIDC_ISSUER: 'https://idp.polizei.example/realms/pd-hannover',
  OIDC_CLIENT_ID: 'vermittlung-hg',
  OIDC_CLIENT_SECRET: 'client-secret-value-123',
};
const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_SECRET: 'x'.repeat(48),
  HASH_SECRET: 'y'.repeat(48),
  ENCRYPTION_KEYS: `2026-11:${Buffer.alloc(32, 7).toString('base64')}`,
  APP_URL: 'https://app.polizei.example',
  DATABASE_URL: 'postgres://app:pw@db.polizei.example/app',
  SMTP_URL: 'smtps://mail.polizei.example:465',
  MAIL_FROM: 'no-reply@vermittlung.polizei.example',
};

function load(vars: Record<string, string | undefined>) {
  for (const key of Object.keys({ ...OIDC, OIDC_ROLE_MAP: '', LOCAL_ACCOUNTS: '', OIDC_SCOPES: '' })) {
    vi.stubEnv(key, undefined);
  }
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  return env();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('OIDC configuration', () => {
  it('is off by default, with local accounts on and the claim names defaulted', () => {
    const config = load({});
    expect(config).toMatchObject({
      LOCAL_ACCOUNTS: 'enabled',
      OIDC_ROLE_CLAIM: 'role',
      OIDC_UNIT_CLAIM: 'station',
      OIDC_SCOPES: 'openid profile email',
    });
    expect(config.OIDC_ISSUER).toBeUndefined();
    expect(config.OIDC_ROLE_MAP).toBeUndefined();
  });

  it('accepts issuer, client id and secret together', () => {
    expect(load(OIDC)).toMatchObject(OIDC);
  });

  it.each(['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const)(
    'refuses a partial configuration without %s, naming what is missing but no value',
    (missing) => {
      const error = (() => {
        try {
          load({ ...OIDC, [missing]: undefined });
        } catch (e) {
          return String(e);
        }
        return '';
      })();
      expect(error).toContain(`${missing}: set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none`);
      expect(error).not.toContain('client-secret-value-123');
    },
  );

  it('switches local accounts off only when OIDC is configured', () => {
    expect(() => load({ LOCAL_ACCOUNTS: 'disabled' })).toThrow(/LOCAL_ACCOUNTS: may only be disabled when OIDC/);
    expect(load({ ...OIDC, LOCAL_ACCOUNTS: 'disabled' }).LOCAL_ACCOUNTS).toBe('disabled');
    expect(() => load({ ...OIDC, LOCAL_ACCOUNTS: 'off' })).toThrow(/LOCAL_ACCOUNTS/);
  });

  it('requires an https issuer in production, except on this machine (the e2e provider)', () => {
    expect(() => load({ ...PRODUCTION, ...OIDC, OIDC_ISSUER: 'http://idp.polizei.example' })).toThrow(
      /OIDC_ISSUER: must be an https/,
    );
    expect(load({ ...PRODUCTION, ...OIDC, OIDC_ISSUER: 'http://localhost:3101' }).OIDC_ISSUER).toBe(
      'http://localhost:3101',
    );
    expect(load({ ...PRODUCTION, ...OIDC }).OIDC_ISSUER).toBe(OIDC.OIDC_ISSUER);
    expect(() => load({ ...OIDC, OIDC_ISSUER: 'not a url' })).toThrow(/OIDC_ISSUER/);
  });

  it('parses the role map, also values that contain "=" such as group DNs', () => {
    expect(
      load({ ...OIDC, OIDC_ROLE_MAP: ' streife=OFFICER, cn=dgl;ou=pd-h=SUPERVISOR ,dsb=AUDITOR,' }).OIDC_ROLE_MAP,
    ).toEqual({ streife: 'OFFICER', 'cn=dgl;ou=pd-h': 'SUPERVISOR', dsb: 'AUDITOR' });
  });

  it('treats an empty role map as unset', () => {
    expect(load({ ...OIDC, OIDC_ROLE_MAP: ' , ' }).OIDC_ROLE_MAP).toBeUndefined();
  });

  it.each(['streife', 'streife=HAUSMEISTER', '=OFFICER', 'streife=officer'])(
    'refuses the malformed role map %j',
    (value) => {
      expect(() => load({ ...OIDC, OIDC_ROLE_MAP: value })).toThrow(/OIDC_ROLE_MAP: expected "idp-value=ROLE" pairs/);
    },
  );

  it('insists on the openid scope', () => {
    expect(load({ ...OIDC, OIDC_SCOPES: 'openid profile email dienst' }).OIDC_SCOPES).toBe(
      'openid profile email dienst',
    );
    expect(() => load({ ...OIDC, OIDC_SCOPES: 'profile email' })).toThrow(/OIDC_SCOPES: must include "openid"/);
  });
});
