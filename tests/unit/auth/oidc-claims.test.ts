import { describe, expect, it } from 'vitest';

import { amrProvesSecondFactor, decideOidcAccount, readClaim, type OidcClaimConfig } from '@/lib/auth/oidc-claims';

const DEFAULTS: OidcClaimConfig = { roleClaim: 'role', unitClaim: 'station' };

const officer = {
  sub: 'idp-42',
  email: ' Paula.Streife@Polizei.Example ',
  name: 'Paula Streife',
  role: 'OFFICER',
  station: 'PK-GARBSEN',
  amr: ['pwd'],
};

describe('decideOidcAccount', () => {
  it('takes subject, address (normalised), name, role and unit from the claims', () => {
    expect(decideOidcAccount(officer, DEFAULTS)).toEqual({
      ok: true,
      account: {
        subject: 'idp-42',
        email: 'paula.streife@polizei.example',
        displayName: 'Paula Streife',
        role: 'OFFICER',
        unitCode: 'PK-GARBSEN',
        secondFactorProved: false,
      },
    });
  });

  it.each([
    [{ ...officer, sub: '' }, 'SUBJECT_MISSING'],
    [{ ...officer, email: undefined }, 'EMAIL_MISSING'],
    [{ ...officer, role: undefined }, 'ROLE_MISSING'],
    [{ ...officer, role: [] }, 'ROLE_MISSING'],
    [{ ...officer, role: 'HAUSMEISTER' }, 'ROLE_UNMAPPED'],
    // The role names are exact: a provider sending lower case needs OIDC_ROLE_MAP.
    [{ ...officer, role: 'officer' }, 'ROLE_UNMAPPED'],
    [{ ...officer, role: ['OFFICER', 'ADMIN'] }, 'ROLE_AMBIGUOUS'],
    [{ ...officer, role: 'PARTNER' }, 'ROLE_NOT_ALLOWED'],
    [{ ...officer, station: undefined }, 'UNIT_MISSING'],
    [{ ...officer, role: 'SUPERVISOR', station: '  ' }, 'UNIT_MISSING'],
  ])('refuses %j with %s', (claims, reason) => {
    expect(decideOidcAccount(claims, DEFAULTS)).toEqual({ ok: false, reason });
  });

  it('needs no unit for admins and auditors, and ignores one that is sent', () => {
    const decision = decideOidcAccount({ ...officer, role: 'AUDITOR' }, DEFAULTS);
    expect(decision).toMatchObject({ ok: true, account: { role: 'AUDITOR', unitCode: null } });
  });

  it('maps provider values through OIDC_ROLE_MAP, one role out of a list of groups', () => {
    const config = {
      ...DEFAULTS,
      roleClaim: 'groups',
      roleMap: { 'gg-dgl': 'SUPERVISOR', 'gg-dsb': 'AUDITOR' },
    } as const;
    const claims = { ...officer, role: undefined, groups: ['gg-alle', 'gg-dgl'], station: 'PI-GAR' };
    expect(decideOidcAccount(claims, config)).toMatchObject({
      ok: true,
      account: { role: 'SUPERVISOR', unitCode: 'PI-GAR' },
    });
    // With a map, a role name that is not in it does not count.
    expect(decideOidcAccount({ ...claims, groups: ['OFFICER'] }, config)).toEqual({
      ok: false,
      reason: 'ROLE_UNMAPPED',
    });
    expect(decideOidcAccount({ ...claims, groups: ['toString'] }, config)).toEqual({
      ok: false,
      reason: 'ROLE_UNMAPPED',
    });
  });

  it('builds a display name from given and family name, else uses the address', () => {
    const unnamed = { ...officer, name: undefined };
    expect(decideOidcAccount({ ...unnamed, given_name: 'Paula', family_name: 'Streife' }, DEFAULTS)).toMatchObject({
      account: { displayName: 'Paula Streife' },
    });
    expect(decideOidcAccount(unnamed, DEFAULTS)).toMatchObject({
      account: { displayName: 'paula.streife@polizei.example' },
    });
  });

  it('knows when the provider already asked for a second factor', () => {
    expect(decideOidcAccount({ ...officer, amr: ['pwd', 'mfa'] }, DEFAULTS)).toMatchObject({
      account: { secondFactorProved: true },
    });
  });
});

describe('amrProvesSecondFactor (RFC 8176)', () => {
  it.each([['mfa'], ['pwd', 'mfa'], ['sc', 'pin'], ['pwd', 'otp'], ['hwk', 'fpt']])('accepts %j', (...amr) => {
    expect(amrProvesSecondFactor(amr)).toBe(true);
  });

  // One factor alone is not two, whatever it is (a passwordless e-mail code, a key without a PIN).
  it.each([
    undefined,
    null,
    [],
    ['pwd'],
    ['kba'],
    ['MFA'],
    'pwd',
    [{ mfa: true }],
    ['otp'],
    ['hwk'],
    ['sc'],
    ['pwd', 'pin'],
  ])('refuses %j', (amr) => {
    expect(amrProvesSecondFactor(amr)).toBe(false);
  });
});

describe('readClaim', () => {
  it('reads a plain, a namespaced and a nested claim', () => {
    const claims = { role: 'A', 'https://polizei.example/role': 'B', realm_access: { roles: ['C'] } };
    expect(readClaim(claims, 'role')).toBe('A');
    expect(readClaim(claims, 'https://polizei.example/role')).toBe('B');
    expect(readClaim(claims, 'realm_access.roles')).toEqual(['C']);
    expect(readClaim(claims, 'realm_access.missing')).toBeUndefined();
    expect(readClaim(claims, 'role.length')).toBeUndefined();
  });
});
