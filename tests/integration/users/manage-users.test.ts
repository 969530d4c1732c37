import { beforeEach, describe, expect, it } from 'vitest';

import { authenticateWithPassword } from '@/lib/auth/service';
import { validateSession } from '@/lib/auth/session-store';
import { isAccountLocked } from '@/lib/auth/throttle';
import { db } from '@/lib/db';
import {
  createUserAction,
  disableUserAction,
  enableUserAction,
  issuePasswordLinkAction,
  resetUserSecondFactorAction,
  unlockUserAction,
  updateUserAccessAction,
} from '@/lib/users/actions';

import { currentSession } from '../support/request-context';
import { createActor, freshWorld, PASSWORD } from '../support/world';
import {
  auditAbout,
  emailOf,
  inspectionScope,
  makeSecondFactorStale,
  partnerScope,
  signedInAdmin,
  signedInTarget,
  stationScope,
  versionOf,
} from './support';

beforeEach(freshWorld);

const officer = () => createActor('OFFICER', { stationCode: 'PK-GARBSEN' });

describe('createUserAction', () => {
  it('creates a local account without a password, with a one-time link, and audits both', async () => {
    const admin = await signedInAdmin();
    const result = await createUserAction({
      email: ' Neue.Kollegin@Polizei.Example ',
      displayName: 'PKin Lea Sommer',
      role: 'SUPERVISOR',
      scope: await inspectionScope('PI-GAR'),
    });
    expect(result).toMatchObject({
      ok: true,
      data: { passwordLink: { path: expect.stringMatching(/^\/anmelden\/passwort#[\w-]{43}$/) } },
    });
    if (!result.ok) return;
    const user = await db().user.findUniqueOrThrow({ where: { id: result.data.id } });
    const inspection = await db().inspection.findUniqueOrThrow({ where: { code: 'PI-GAR' } });
    expect(user).toMatchObject({
      email: 'neue.kollegin@polizei.example',
      role: 'SUPERVISOR',
      passwordHash: null,
      stationId: null,
      inspectionId: inspection.id,
      partnerId: null,
      active: true,
    });
    // Only the hash of the token is stored, valid for 72 hours.
    const token = result.data.passwordLink.path.split('/').at(-1)!;
    const stored = await db().passwordToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(71.9 * 3_600_000);
    expect(stored.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(72 * 3_600_000);

    expect(await auditAbout(user.id, 'USER_CREATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        details: { role: 'SUPERVISOR', scopeKind: 'INSPECTION', scopeId: inspection.id },
      },
    ]);
    expect(await auditAbout(user.id, 'PASSWORD_LINK_ISSUED')).toEqual([
      { actorId: admin.id, actorRole: 'ADMIN', details: { tokenId: stored.id } },
    ]);
    // No e-mail address or name in any audit event.
    const all = JSON.stringify(await db().auditEvent.findMany({ select: { details: true, reason: true } }));
    expect(all).not.toContain('polizei.example');
    expect(all).not.toContain('Sommer');
  });

  it('refuses an e-mail address that already has an account, with a field message', async () => {
    await signedInAdmin();
    const existing = await officer();
    const before = await db().user.count();
    const result = await createUserAction({
      email: (await emailOf(existing.id)).toUpperCase(),
      displayName: 'Doppelt',
      role: 'OFFICER',
      scope: await stationScope('PK-GARBSEN'),
    });
    expect(result).toMatchObject({ ok: false, code: 'CONFLICT', fieldErrors: { email: ['users.errors.emailTaken'] } });
    expect(await db().user.count()).toBe(before);
    expect(await db().auditEvent.count({ where: { action: 'USER_CREATED' } })).toBe(0);
  });

  it('refuses a display name with invisible characters, which would allow look-alike names', async () => {
    await signedInAdmin();
    const before = await db().user.count();
    for (const displayName of ['Jana\u200BBerger', 'Jana\u2060Berger', 'Jana\u202EBerger']) {
      const result = await createUserAction({
        email: 'neu@polizei.example',
        displayName,
        role: 'OFFICER',
        scope: await stationScope('PK-GARBSEN'),
      });
      expect(result).toMatchObject({ ok: false, fieldErrors: { displayName: ['errors.invalidCharacters'] } });
    }
    expect(await db().user.count()).toBe(before);
  });

  it('refuses a scope that does not fit the role, or does not exist', async () => {
    await signedInAdmin();
    const base = { email: 'x@polizei.example', displayName: 'X' };
    expect(await createUserAction({ ...base, role: 'OFFICER', scope: await partnerScope('MB-H') })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      fieldErrors: { scope: ['users.errors.scopeNotForRole'] },
    });
    expect(await createUserAction({ ...base, role: 'PARTNER', scope: '' })).toMatchObject({
      fieldErrors: { scope: ['users.errors.scopeRequired.PARTNER'] },
    });
    expect(await createUserAction({ ...base, role: 'AUDITOR', scope: await stationScope('PK-GARBSEN') })).toMatchObject(
      {
        fieldErrors: { scope: ['users.errors.scopeNotForRole'] },
      },
    );
    expect(
      await createUserAction({ ...base, role: 'OFFICER', scope: 'STATION:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b' }),
    ).toMatchObject({ fieldErrors: { scope: ['users.errors.scopeUnknown'] } });
    await db().partner.update({ where: { code: 'MB-H' }, data: { activeTo: new Date(Date.now() - 86_400_000) } });
    expect(await createUserAction({ ...base, role: 'PARTNER', scope: await partnerScope('MB-H') })).toMatchObject({
      fieldErrors: { scope: ['users.errors.scopeUnknown'] },
    });
    expect(await db().user.count({ where: { email: base.email } })).toBe(0);
  });
});

describe('updateUserAccessAction', () => {
  it('changes role and scope, ends the sessions of the account and audits codes only', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    const targetSession = await signedInTarget(admin, target);
    const version = await versionOf(target.id);
    const scope = await stationScope('PK-MITTE');

    const result = await updateUserAccessAction({ userId: target.id, version, role: 'SUPERVISOR', scope });
    expect(result).toEqual({ ok: true, data: { version: version + 1 } });
    const station = await db().station.findUniqueOrThrow({ where: { code: 'PK-MITTE' } });
    expect(await db().user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      role: 'SUPERVISOR',
      stationId: station.id,
      sessionVersion: version + 1,
    });
    expect(await validateSession(targetSession)).toBeNull();
    expect(await db().session.count({ where: { userId: target.id, revokedAt: null } })).toBe(0);
    expect(await auditAbout(target.id, 'USER_UPDATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        details: {
          role: 'SUPERVISOR',
          previousRole: 'OFFICER',
          fields: 'role,stationId',
          scopeKind: 'STATION',
          scopeId: station.id,
        },
      },
    ]);
  });

  it('moves a supervisor from a station to an inspection, clearing the station', async () => {
    await signedInAdmin();
    const target = await createActor('SUPERVISOR', { stationCode: 'PK-GARBSEN' });
    const result = await updateUserAccessAction({
      userId: target.id,
      version: await versionOf(target.id),
      role: 'SUPERVISOR',
      scope: await inspectionScope('PI-BUR'),
    });
    expect(result.ok).toBe(true);
    const user = await db().user.findUniqueOrThrow({ where: { id: target.id }, include: { inspection: true } });
    expect(user.stationId).toBeNull();
    expect(user.inspection?.code).toBe('PI-BUR');
  });

  it('changes nothing, and ends no session, when nothing differs', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    const targetSession = await signedInTarget(admin, target);
    const version = await versionOf(target.id);
    const result = await updateUserAccessAction({
      userId: target.id,
      version,
      role: 'OFFICER',
      scope: await stationScope('PK-GARBSEN'),
    });
    expect(result).toEqual({ ok: true, data: { version } });
    expect(await validateSession(targetSession)).not.toBeNull();
    expect(await auditAbout(target.id, 'USER_UPDATED')).toEqual([]);
  });

  it('refuses a change of the admin’s own role or scope', async () => {
    const admin = await signedInAdmin();
    const result = await updateUserAccessAction({
      userId: admin.id,
      version: await versionOf(admin.id),
      role: 'AUDITOR',
      scope: '',
    });
    expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((result as { message: string }).message).toContain('eigenen Konto');
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe('ADMIN');
  });

  it('refuses a change made on an outdated view (another admin changed the account first)', async () => {
    await signedInAdmin();
    const target = await officer();
    const seen = await versionOf(target.id);
    const first = await updateUserAccessAction({ userId: target.id, version: seen, role: 'AUDITOR', scope: '' });
    expect(first.ok).toBe(true);
    const second = await updateUserAccessAction({
      userId: target.id,
      version: seen,
      role: 'PARTNER',
      scope: await partnerScope('MB-H'),
    });
    expect(second).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('AUDITOR');
  });

  it('lets exactly one of two simultaneous changes through', async () => {
    await signedInAdmin();
    const target = await officer();
    const version = await versionOf(target.id);
    const changes = [
      { role: 'AUDITOR', scope: '' },
      { role: 'PARTNER', scope: await partnerScope('MB-H') },
      { role: 'SUPERVISOR', scope: await inspectionScope('PI-H') },
      { role: 'OFFICER', scope: await stationScope('PK-MITTE') },
    ];
    const results = await Promise.all(
      changes.map((change) => updateUserAccessAction({ userId: target.id, version, ...change })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(await db().auditEvent.count({ where: { action: 'USER_UPDATED' } })).toBe(1);
  });

  it('waits for a change in progress by another admin, then refuses instead of overwriting it', async () => {
    await signedInAdmin();
    const target = await officer();
    const version = await versionOf(target.id);
    let release!: () => void;
    let locked!: () => void;
    const rowLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = db().$transaction(async (tx) => {
      await tx.user.update({ where: { id: target.id }, data: { role: 'AUDITOR', sessionVersion: { increment: 1 } } });
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await rowLocked;
    const change = updateUserAccessAction({
      userId: target.id,
      version,
      role: 'PARTNER',
      scope: await partnerScope('MB-H'),
    });
    // Until the action waits for the row lock held by the other transaction.
    await expect
      .poll(async () => {
        const rows = await db().$queryRaw<{ waiting: bigint }[]>`
          SELECT count(*) AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        return Number(rows[0]!.waiting);
      })
      .toBe(1);
    release();
    await other;
    expect(await change).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('AUDITOR');
  });

  it('refuses role and scope changes of an account from the directorate’s identity provider', async () => {
    await signedInAdmin();
    const target = await officer();
    await db().user.update({ where: { id: target.id }, data: { oidcSubject: 'idp-subject-1' } });
    const result = await updateUserAccessAction({
      userId: target.id,
      version: await versionOf(target.id),
      role: 'SUPERVISOR',
      scope: await stationScope('PK-GARBSEN'),
    });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe('OFFICER');
  });

  it('says "not found" for an unknown account', async () => {
    await signedInAdmin();
    expect(
      await updateUserAccessAction({
        userId: '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b',
        version: 1,
        role: 'AUDITOR',
        scope: '',
      }),
    ).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('disableUserAction / enableUserAction', () => {
  it('disables: the account is signed out at once and cannot sign in; enabling lets it in again', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    const email = await emailOf(target.id);
    const targetSession = await signedInTarget(admin, target);

    const disabled = await disableUserAction({ userId: target.id, version: await versionOf(target.id) });
    expect(disabled.ok).toBe(true);
    expect(await validateSession(targetSession)).toBeNull();
    expect(await authenticateWithPassword(email, PASSWORD)).toBeNull();
    expect(await auditAbout(target.id, 'USER_DISABLED')).toEqual([
      { actorId: admin.id, actorRole: 'ADMIN', details: null },
    ]);

    const enabled = await enableUserAction({ userId: target.id, version: await versionOf(target.id) });
    expect(enabled.ok).toBe(true);
    expect(await authenticateWithPassword(email, PASSWORD)).not.toBeNull();
    expect(await auditAbout(target.id, 'USER_ENABLED')).toHaveLength(1);
  });

  it('refuses to disable the admin’s own account', async () => {
    const admin = await signedInAdmin();
    expect(await disableUserAction({ userId: admin.id, version: await versionOf(admin.id) })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).active).toBe(true);
    // The same id in upper case is the same account (PostgreSQL compares uuids regardless of case).
    expect(
      await disableUserAction({ userId: admin.id.toUpperCase(), version: await versionOf(admin.id) }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).active).toBe(true);
  });

  it('may disable and enable a directory account', async () => {
    await signedInAdmin();
    const target = await officer();
    await db().user.update({ where: { id: target.id }, data: { oidcSubject: 'idp-subject-2' } });
    expect((await disableUserAction({ userId: target.id, version: await versionOf(target.id) })).ok).toBe(true);
    expect((await enableUserAction({ userId: target.id, version: await versionOf(target.id) })).ok).toBe(true);
  });

  it('refuses to disable twice from the same view', async () => {
    await signedInAdmin();
    const target = await officer();
    const version = await versionOf(target.id);
    expect((await disableUserAction({ userId: target.id, version })).ok).toBe(true);
    expect(await disableUserAction({ userId: target.id, version })).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await auditAbout(target.id, 'USER_DISABLED')).toHaveLength(1);
  });
});

describe('resetUserSecondFactorAction', () => {
  it('clears the factor and the recovery codes, ends the sessions and audits', async () => {
    const admin = await signedInAdmin();
    const target = await createActor('PARTNER', { partnerCode: 'MB-H' });
    await db().user.update({
      where: { id: target.id },
      data: { mfaSecret: 'sealed-secret', mfaEnabledAt: new Date(), mfaLastStep: 42 },
    });
    await db().recoveryCode.create({ data: { userId: target.id, codeHash: 'hash' } });
    const targetSession = await signedInTarget(admin, target);

    const result = await resetUserSecondFactorAction({ userId: target.id, version: await versionOf(target.id) });
    expect(result.ok).toBe(true);
    expect(await db().user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      mfaSecret: null,
      mfaEnabledAt: null,
      mfaLastStep: null,
    });
    expect(await db().recoveryCode.count({ where: { userId: target.id } })).toBe(0);
    expect(await validateSession(targetSession)).toBeNull();
    expect(await auditAbout(target.id, 'SECOND_FACTOR_RESET')).toEqual([
      { actorId: admin.id, actorRole: 'ADMIN', details: { wasEnrolled: true } },
    ]);
  });

  it('refuses when there is nothing to reset, and for oneself; resets a directory account’s own factor', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    expect(await resetUserSecondFactorAction({ userId: target.id, version: await versionOf(target.id) })).toMatchObject(
      {
        ok: false,
        code: 'INVALID_STATE',
      },
    );
    await db().user.update({ where: { id: admin.id }, data: { mfaSecret: 's', mfaEnabledAt: new Date() } });
    expect(await resetUserSecondFactorAction({ userId: admin.id, version: await versionOf(admin.id) })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await db().auditEvent.count({ where: { action: 'SECOND_FACTOR_RESET' } })).toBe(0);

    // An account from the identity provider with the app's own factor (the provider asked for none).
    await db().user.update({
      where: { id: target.id },
      data: { oidcSubject: 'idp-subject-3', mfaSecret: 's', mfaEnabledAt: new Date() },
    });
    expect(await resetUserSecondFactorAction({ userId: target.id, version: await versionOf(target.id) })).toMatchObject(
      { ok: true },
    );
    expect(await db().user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ mfaEnabledAt: null });
  });
});

describe('unlockUserAction', () => {
  it('lifts a lockout: the right password works again, and the unlock is audited', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    const email = await emailOf(target.id);
    for (let i = 0; i < 6; i++) await authenticateWithPassword(email, `falsch-${i}`);
    expect(await isAccountLocked(email)).toBe(true);
    expect(await authenticateWithPassword(email, PASSWORD)).toBeNull();

    expect(await unlockUserAction({ userId: target.id, version: await versionOf(target.id) })).toEqual({
      ok: true,
      data: null,
    });
    expect(await isAccountLocked(email)).toBe(false);
    expect(await authenticateWithPassword(email, PASSWORD)).not.toBeNull();
    expect(await auditAbout(target.id, 'ACCOUNT_UNLOCKED')).toEqual([
      { actorId: admin.id, actorRole: 'ADMIN', details: null },
    ]);
  });

  it('says so when the account is not locked, and audits nothing', async () => {
    await signedInAdmin();
    const target = await officer();
    expect(await unlockUserAction({ userId: target.id, version: await versionOf(target.id) })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
    });
    expect(await auditAbout(target.id, 'ACCOUNT_UNLOCKED')).toEqual([]);
  });

  it('works for directory accounts', async () => {
    await signedInAdmin();
    const target = await officer();
    await db().user.update({ where: { id: target.id }, data: { oidcSubject: 'idp-subject-4' } });
    const email = await emailOf(target.id);
    for (let i = 0; i < 5; i++) await authenticateWithPassword(email, `falsch-${i}`);
    expect((await unlockUserAction({ userId: target.id, version: await versionOf(target.id) })).ok).toBe(true);
  });
});

describe('issuePasswordLinkAction', () => {
  it('issues a new link and makes the older unused ones stop working', async () => {
    const admin = await signedInAdmin();
    const target = await officer();
    const version = await versionOf(target.id);
    const first = await issuePasswordLinkAction({ userId: target.id, version });
    const second = await issuePasswordLinkAction({ userId: target.id, version });
    expect(first.ok && second.ok).toBe(true);
    const usable = await db().passwordToken.count({
      where: { userId: target.id, usedAt: null, expiresAt: { gt: new Date() } },
    });
    expect(usable).toBe(1);
    // The current password keeps working until a link is used; the sessions stay.
    expect(await versionOf(target.id)).toBe(version);
    expect(await authenticateWithPassword(await emailOf(target.id), PASSWORD)).not.toBeNull();
    expect(await auditAbout(target.id, 'PASSWORD_LINK_ISSUED')).toHaveLength(2);
    expect((await auditAbout(target.id, 'PASSWORD_LINK_ISSUED'))[0]!.actorId).toBe(admin.id);
  });

  it('refuses for oneself, directory accounts and disabled accounts', async () => {
    const admin = await signedInAdmin();
    expect(await issuePasswordLinkAction({ userId: admin.id, version: await versionOf(admin.id) })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    const directory = await officer();
    await db().user.update({ where: { id: directory.id }, data: { oidcSubject: 'idp-subject-5' } });
    expect(
      await issuePasswordLinkAction({ userId: directory.id, version: await versionOf(directory.id) }),
    ).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    const disabled = await officer();
    await db().user.update({ where: { id: disabled.id }, data: { active: false } });
    expect(await issuePasswordLinkAction({ userId: disabled.id, version: await versionOf(disabled.id) })).toMatchObject(
      { ok: false, code: 'INVALID_STATE' },
    );
    expect(await db().passwordToken.count()).toBe(0);
  });
});

describe('step-up (ASVS 7.5.3)', () => {
  it('refuses every sensitive change while the second factor is older than ten minutes', async () => {
    await signedInAdmin();
    await makeSecondFactorStale();
    const target = await officer();
    const version = await versionOf(target.id);
    const command = { userId: target.id, version };
    const results = await Promise.all([
      createUserAction({
        email: 'neu@polizei.example',
        displayName: 'Neu',
        role: 'OFFICER',
        scope: await stationScope('PK-GARBSEN'),
      }),
      updateUserAccessAction({ ...command, role: 'AUDITOR', scope: '' }),
      disableUserAction(command),
      enableUserAction(command),
      resetUserSecondFactorAction(command),
      issuePasswordLinkAction(command),
      unlockUserAction(command),
    ]);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, code: 'STEP_UP_REQUIRED' });
      expect((result as { message: string }).message).toContain('Authenticator-App');
    }
    expect(await db().user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      role: 'OFFICER',
      active: true,
      sessionVersion: version,
    });
    expect(await db().user.count({ where: { email: 'neu@polizei.example' } })).toBe(0);
    expect(await db().passwordToken.count()).toBe(0);
    expect(
      await db().auditEvent.count({
        where: { action: 'ACCESS_DENIED', details: { path: ['reason'], equals: 'STEP_UP_REQUIRED' } },
      }),
    ).toBe(7);
  });

  it('accepts the change within ten minutes of the second factor', async () => {
    await signedInAdmin();
    const target = await officer();
    await db().session.update({
      where: { id: currentSession.value!.sid },
      data: { mfaVerifiedAt: new Date(Date.now() - 9 * 60_000) },
    });
    expect((await disableUserAction({ userId: target.id, version: await versionOf(target.id) })).ok).toBe(true);
  });
});
