/**
 * The accounts of the test identity provider (tests/e2e/support/oidc-provider.ts), shared with the specs.
 * Claim names are the app's defaults (OIDC_ROLE_CLAIM=role, OIDC_UNIT_CLAIM=station).
 */
export type OidcTestAccount = {
  sub: string;
  name: string;
  email: string;
  role: string;
  station?: string;
  /** Authentication methods (RFC 8176) the provider reports for this login. */
  amr: string[];
};

export const OIDC_TEST_PASSWORD = 'Dienstkonto-Test-2026';

export const OIDC_TEST_CLIENT_ID = 'vermittlung-hg-e2e';

/** Scopes the app asks for in the e2e run; `dienst` carries role and unit at this provider. */
export const OIDC_TEST_SCOPES = 'openid profile email dienst';

export const OIDC_TEST_ACCOUNTS: Record<string, OidcTestAccount> = {
  /** Patrol officer of a station, password only: signs in without a second factor (officers may). */
  streife: {
    sub: 'idp-0001-streife',
    name: 'Paula Streife',
    email: 'paula.streife@idp.polizei.example',
    role: 'OFFICER',
    station: 'PK-GARBSEN',
    amr: ['pwd'],
  },
  /** Inspection supervisor who signed in with a second factor at the provider. */
  leitung: {
    sub: 'idp-0002-leitung',
    name: 'Lars Leitung',
    email: 'lars.leitung@idp.polizei.example',
    role: 'SUPERVISOR',
    station: 'PI-GAR',
    amr: ['pwd', 'mfa'],
  },
  /** Station supervisor, password only at the provider: the app's own second-factor step follows. */
  aufsicht: {
    sub: 'idp-0006-aufsicht',
    name: 'Anna Aufsicht',
    email: 'anna.aufsicht@idp.polizei.example',
    role: 'SUPERVISOR',
    station: 'PK-GARBSEN',
    amr: ['pwd'],
  },
  /** Partner caseworkers are not in the police directory: refused. */
  partner: {
    sub: 'idp-0003-partner',
    name: 'Petra Partner',
    email: 'petra.partner@idp.polizei.example',
    role: 'PARTNER',
    amr: ['pwd'],
  },
  /** A role the app does not know: refused. */
  unbekannt: {
    sub: 'idp-0004-unbekannt',
    name: 'Uwe Unbekannt',
    email: 'uwe.unbekannt@idp.polizei.example',
    role: 'HAUSMEISTER',
    station: 'PK-GARBSEN',
    amr: ['pwd'],
  },
  /** Claims the address of the demo officer's local account: refused, never linked (account takeover). */
  doppelt: {
    sub: 'idp-0005-doppelt',
    name: 'Doris Doppelt',
    email: 'officer@polizei.example',
    role: 'OFFICER',
    station: 'PK-GARBSEN',
    amr: ['pwd'],
  },
};
