import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { oidcSessionUser, provisionOidcUser } from '@/lib/auth/oidc';
import { hasFreshSecondFactor } from '@/lib/auth/guards';
import { startSession, validateSession } from '@/lib/auth/session-store';
import { authenticateWithPassword } from '@/lib/auth/service';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';

import { createActor, freshWorld, PASSWORD } from '../support/world';

beforeEach(freshWorld);

/** A verified ID token's claims as the directorate's provider sends them (default claim names). */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'idp-0001',
    email: 'Paula.Streife@Polizei.Example',
    name: 'Paula Streife',
    role: 'OFFICER',
    station: 'PK-GARBSEN',
    amr: ['pwd'],
    ...overrides,
  };
}

async function unitId(kind: 'station' | 'inspection', code: string): Promise<string> {
  const where = { where: { code }, select: { id: true } };
  return (
    kind === 'station' ? await db().station.findUniqueOrThrow(where) : await db().inspection.findUniqueOrThrow(where)
  ).id;
}

async function userBySubject(sub = 'idp-0001') {
  return db().user.findUnique({ where: { oidcSubject: sub } });
}

async function auditTrail() {
  const events = await db().auditEvent.findMany({
    orderBy: { id: 'asc' },
    select: { action: true, actorId: true, actorRole: true, entityId: true, details: true },
  });
  // Nothing that names the person goes into the audit trail (DESIGN.md section 7).
  expect(JSON.stringify(events)).not.toMatch(/streife|paula|@/i);
  return events;
}

describe('provisionOidcUser: refusals first', () => {
  it('refuses partner caseworkers, unknown roles and units, and creates nothing', async () => {
    const cases = [
      [{ role: 'PARTNER' }, 'ROLE_NOT_ALLOWED'],
      [{ role: 'HAUSMEISTER' }, 'ROLE_UNMAPPED'],
      [{ role: undefined }, 'ROLE_MISSING'],
      [{ station: undefined }, 'UNIT_MISSING'],
      [{ station: 'PK-ATLANTIS' }, 'UNIT_UNKNOWN'],
      // An inspection is a supervisor's unit, never an officer's.
      [{ station: 'PI-GAR' }, 'UNIT_UNKNOWN'],
      [{ role: 'SUPERVISOR', station: 'PI-ATLANTIS' }, 'UNIT_UNKNOWN'],
    ] as const;
    for (const [overrides, reason] of cases) {
      expect(await provisionOidcUser(claims(overrides))).toEqual({ ok: false, reason });
    }
    expect(await db().user.count({ where: { oidcSubject: { not: null } } })).toBe(0);
    expect(await auditTrail()).toEqual(
      cases.map(([, reason]) => ({
        action: 'SIGN_IN_FAILED',
        actorId: null,
        actorRole: null,
        entityId: null,
        details: { method: 'OIDC', reason },
      })),
    );
  });

  it('never links to a local account with the same address (account takeover)', async () => {
    const local = await createActor('ADMIN');
    const { email } = await db().user.findUniqueOrThrow({ where: { id: local.id } });

    expect(await provisionOidcUser(claims({ email: email.toUpperCase() }))).toEqual({
      ok: false,
      reason: 'EMAIL_TAKEN',
    });
    expect(await db().user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      oidcSubject: null,
      role: 'ADMIN',
    });
    expect(await userBySubject()).toBeNull();
    expect((await auditTrail()).at(-1)).toMatchObject({
      action: 'SIGN_IN_FAILED',
      actorId: null,
      details: { method: 'OIDC', reason: 'EMAIL_TAKEN' },
    });
  });

  it('refuses an existing account that takes over another account’s address later', async () => {
    await provisionOidcUser(claims());
    const other = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { email } = await db().user.findUniqueOrThrow({ where: { id: other.id } });

    expect(await provisionOidcUser(claims({ email }))).toEqual({ ok: false, reason: 'EMAIL_TAKEN' });
    expect((await userBySubject())?.email).toBe('paula.streife@polizei.example');
  });

  it('refuses a disabled account and leaves it as it is, whatever the provider says now', async () => {
    await provisionOidcUser(claims());
    const user = (await userBySubject())!;
    await db().user.update({ where: { id: user.id }, data: { active: false } });

    expect(await provisionOidcUser(claims({ role: 'ADMIN' }))).toEqual({ ok: false, reason: 'DISABLED' });
    expect(await userBySubject()).toMatchObject({ role: 'OFFICER', active: false, sessionVersion: 1 });
    expect((await auditTrail()).at(-1)).toEqual({
      action: 'SIGN_IN_FAILED',
      actorId: user.id,
      actorRole: 'OFFICER',
      entityId: null,
      details: { method: 'OIDC', reason: 'DISABLED' },
    });
  });
});

describe('provisionOidcUser', () => {
  it('creates the account on the first sign-in, without a password, and audits it', async () => {
    const outcome = await provisionOidcUser(claims());
    const user = (await userBySubject())!;

    expect(outcome).toEqual({ ok: true, userId: user.id, sessionVersion: 1, secondFactorPending: false });
    expect(user).toMatchObject({
      email: 'paula.streife@polizei.example',
      displayName: 'Paula Streife',
      role: 'OFFICER',
      stationId: await unitId('station', 'PK-GARBSEN'),
      inspectionId: null,
      partnerId: null,
      passwordHash: null,
      active: true,
    });
    expect(user.lastSignInAt).not.toBeNull();
    expect(await auditTrail()).toEqual([
      {
        action: 'USER_CREATED',
        actorId: user.id,
        actorRole: 'OFFICER',
        entityId: user.id,
        details: { source: 'OIDC', role: 'OFFICER', scopeKind: 'STATION', scopeId: user.stationId },
      },
      {
        action: 'SIGN_IN_SUCCEEDED',
        actorId: user.id,
        actorRole: 'OFFICER',
        entityId: null,
        details: { method: 'OIDC', secondFactorPending: false },
      },
    ]);
    // No password: the account cannot be used through the e-mail/password form.
    expect(await authenticateWithPassword('paula.streife@polizei.example', PASSWORD)).toBeNull();
  });

  it('takes name and address from the provider at every sign-in; sessions go on', async () => {
    await provisionOidcUser(claims());
    const user = (await userBySubject())!;
    const { id: sid } = await startSession(user.id);

    const outcome = await provisionOidcUser(claims({ email: 'paula.mueller@polizei.example', name: 'Paula Müller' }));

    expect(outcome).toMatchObject({ ok: true, userId: user.id, sessionVersion: 1 });
    expect(await userBySubject()).toMatchObject({
      email: 'paula.mueller@polizei.example',
      displayName: 'Paula Müller',
    });
    expect(await validateSession({ uid: user.id, sv: 1, sid })).not.toBeNull();
    expect((await auditTrail()).find((e) => e.action === 'USER_UPDATED')?.details).toEqual({
      source: 'OIDC',
      role: 'OFFICER',
      previousRole: 'OFFICER',
      fields: 'email,displayName',
      scopeKind: 'STATION',
      scopeId: user.stationId,
    });
  });

  it('writes nothing but the sign-in when nothing changed', async () => {
    await provisionOidcUser(claims());
    await provisionOidcUser(claims());
    expect((await auditTrail()).map((e) => e.action)).toEqual([
      'USER_CREATED',
      'SIGN_IN_SUCCEEDED',
      'SIGN_IN_SUCCEEDED',
    ]);
  });

  it('follows a new role and unit from the provider and ends the sessions of the old one', async () => {
    await provisionOidcUser(claims());
    const user = (await userBySubject())!;
    const { id: sid } = await startSession(user.id);

    const outcome = await provisionOidcUser(claims({ role: 'SUPERVISOR', station: 'PI-GAR', amr: ['pwd', 'otp'] }));

    expect(outcome).toEqual({ ok: true, userId: user.id, sessionVersion: 2, secondFactorPending: false });
    expect(await userBySubject()).toMatchObject({
      role: 'SUPERVISOR',
      stationId: null,
      inspectionId: await unitId('inspection', 'PI-GAR'),
      sessionVersion: 2,
    });
    expect(await validateSession({ uid: user.id, sv: 1, sid })).toBeNull();
    expect(await validateSession({ uid: user.id, sv: 2, sid })).toBeNull();
    expect((await auditTrail()).find((e) => e.action === 'USER_UPDATED')).toMatchObject({
      actorId: user.id,
      actorRole: 'SUPERVISOR',
      details: { previousRole: 'OFFICER', role: 'SUPERVISOR', fields: 'role,stationId,inspectionId' },
    });
  });

  it('a supervisor owes the app its second factor unless the provider asked for one', async () => {
    const supervisor = claims({
      sub: 'idp-0002',
      email: 'dgl@polizei.example',
      role: 'SUPERVISOR',
      station: 'PK-GARBSEN',
    });
    expect(await provisionOidcUser(supervisor)).toMatchObject({ ok: true, secondFactorPending: true });
    expect(await provisionOidcUser({ ...supervisor, amr: ['pwd', 'mfa'] })).toMatchObject({
      ok: true,
      secondFactorPending: false,
    });
    expect((await auditTrail()).filter((e) => e.action === 'SIGN_IN_SUCCEEDED').map((e) => e.details)).toEqual([
      { method: 'OIDC', secondFactorPending: true },
      { method: 'OIDC', secondFactorPending: false },
    ]);
  });

  it('dates the provider’s second factor by auth_time: an old single sign-on does not pass step-up', async () => {
    const admin = claims({ sub: 'idp-0003', email: 'admin@polizei.example', role: 'ADMIN', amr: ['sc', 'pin'] });
    expect(await provisionOidcUser(admin)).toMatchObject({ ok: true, secondFactorPending: false });
    const sessionFor = async (authTime: number) => {
      const user = await oidcSessionUser('idp-0003', { ...admin, auth_time: authTime });
      const { id } = await startSession(user.id, user);
      return (await validateSession({ sid: id, uid: user.id, sv: user.sessionVersion }))!;
    };
    const now = Math.floor(Date.now() / 1000);
    const old = await sessionFor(now - 3600);
    expect(old.secondFactor).toBe('DONE');
    expect(hasFreshSecondFactor(old)).toBe(false);
    expect(hasFreshSecondFactor(await sessionFor(now - 60))).toBe(true);
  });

  it('gives admins and auditors no unit', async () => {
    await provisionOidcUser(claims({ role: 'AUDITOR' }));
    expect(await userBySubject()).toMatchObject({ role: 'AUDITOR', stationId: null, inspectionId: null });
  });
});

describe('local accounts switched off (LOCAL_ACCOUNTS=disabled)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it('refuses even the right password, and audits why', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { email } = await db().user.findUniqueOrThrow({ where: { id: officer.id } });
    vi.stubEnv('OIDC_ISSUER', 'https://idp.polizei.example');
    vi.stubEnv('OIDC_CLIENT_ID', 'vermittlung-hg');
    vi.stubEnv('OIDC_CLIENT_SECRET', 'client-secret-value-123');
    vi.stubEnv('LOCAL_ACCOUNTS', 'disabled');
    resetEnvCache();

    expect(await authenticateWithPassword(email, PASSWORD)).toBeNull();
    expect(await auditTrail()).toEqual([
      {
        action: 'SIGN_IN_FAILED',
        actorId: null,
        actorRole: null,
        entityId: null,
        details: { reason: 'LOCAL_ACCOUNTS_DISABLED' },
      },
    ]);
    expect((await db().user.findUniqueOrThrow({ where: { id: officer.id } })).lastSignInAt).toBeNull();
  });
});
