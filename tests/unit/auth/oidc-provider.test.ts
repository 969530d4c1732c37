import { afterEach, describe, expect, it, vi } from 'vitest';

import { authOptions } from '@/lib/auth/options';
import { resetEnvCache } from '@/lib/env';

const OIDC = {
  OIDC_ISSUER: 'https://idp.polizei.example/realms/pd-hannover',
  OIDC_CLIENT_ID: 'vermittlung-hg',
  OIDC_CLIENT_SECRET: 'client-secret-value-123',
};

function providersWith(vars: Record<string, string | undefined>) {
  for (const key of [...Object.keys(OIDC), 'LOCAL_ACCOUNTS', 'OIDC_SCOPES']) vi.stubEnv(key, undefined);
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  return authOptions().providers;
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('sign-in providers', () => {
  it('offers e-mail and password only, until OIDC is configured', () => {
    expect(providersWith({}).map((p) => p.id)).toEqual(['credentials']);
    expect(providersWith(OIDC).map((p) => p.id)).toEqual(['oidc', 'credentials']);
  });

  it('drops the password provider when local accounts are switched off', () => {
    expect(providersWith({ ...OIDC, LOCAL_ACCOUNTS: 'disabled' }).map((p) => p.id)).toEqual(['oidc']);
  });

  it('runs the code flow with PKCE, state and nonce against the discovered issuer, claims from the ID token', () => {
    const [oidc] = providersWith({ ...OIDC, OIDC_SCOPES: 'openid profile email dienst' });
    expect(oidc).toMatchObject({
      type: 'oauth',
      wellKnown: 'https://idp.polizei.example/realms/pd-hannover/.well-known/openid-configuration',
      clientId: 'vermittlung-hg',
      clientSecret: 'client-secret-value-123',
      idToken: true,
      checks: ['pkce', 'state', 'nonce'],
      authorization: { params: { scope: 'openid profile email dienst' } },
    });
  });

  it('hands next-auth only the subject, so no name or address reaches the session token', async () => {
    const [oidc] = providersWith(OIDC);
    const profile = (oidc as unknown as { profile: (claims: Record<string, unknown>) => unknown }).profile;
    expect(await profile({ sub: 'idp-42', name: 'Paula Streife', email: 'p@polizei.example' })).toEqual({
      id: 'idp-42',
    });
  });
});
