import { beforeEach, describe, expect, it } from 'vitest';

import { authenticateWithPassword } from '@/lib/auth/service';
import { validateSession } from '@/lib/auth/session-store';
import { isAccountLocked } from '@/lib/auth/throttle';
import { db } from '@/lib/db';
import {
  createUserAction,
  issuePasswordLinkAction,
  openPasswordLinkAction,
  setPasswordWithLinkAction,
} from '@/lib/users/actions';
import { passwordLinkAccount } from '@/lib/users/queries';

import { currentSession } from '../support/request-context';
import { createActor, freshWorld, PASSWORD, signInAs } from '../support/world';
import { auditAbout, emailOf, signedInAdmin, stationScope, versionOf } from './support';

const NEW_PASSWORD = 'Sieben Igel tanzen im Revier';
const INVALID = 'Dieser Link ist ungültig oder abgelaufen, oder er wurde schon verwendet.';

beforeEach(freshWorld);

/** An admin creates an account; returns its id, the link and the token from it, and signs nobody in. */
async function newAccount() {
  await signedInAdmin();
  const result = await createUserAction({
    email: 'lea.sommer@polizei.example',
    displayName: 'PKin Lea Sommer',
    role: 'OFFICER',
    scope: await stationScope('PK-GARBSEN'),
  });
  if (!result.ok) throw new Error(result.message);
  currentSession.value = null;
  const { path } = result.data.passwordLink;
  return { id: result.data.id, path, token: path.split('#').at(-1)! };
}

const setPassword = (token: string, password = NEW_PASSWORD, confirmation = password) =>
  setPasswordWithLinkAction({ token, newPassword: password, confirmation });

describe('setting the password through the one-time link', () => {
  it('carries the token in the fragment, which no server or proxy ever sees', async () => {
    expect((await newAccount()).path).toMatch(/^\/anmelden\/passwort#[\w-]{43}$/);
    expect(await openPasswordLinkAction({ token: 'A'.repeat(43) })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      message: expect.stringContaining(INVALID),
    });
  });

  it('sets the password once, without a session, audits it, and the account can sign in', async () => {
    const { id, token } = await newAccount();
    expect(await openPasswordLinkAction({ token })).toEqual({
      ok: true,
      data: { email: 'lea.sommer@polizei.example' },
    });

    expect(await setPassword(token)).toEqual({ ok: true, data: null });
    expect(await authenticateWithPassword('lea.sommer@polizei.example', NEW_PASSWORD)).not.toBeNull();
    expect(await auditAbout(id, 'PASSWORD_SET')).toEqual([
      { actorId: id, actorRole: 'OFFICER', details: { tokenId: expect.any(String) } },
    ]);
    expect((await db().passwordToken.findFirstOrThrow({ where: { userId: id } })).usedAt).not.toBeNull();

    // Used: the page and the action both say "invalid", and the password stays.
    expect(await passwordLinkAccount(token)).toBeNull();
    expect(await setPassword(token, 'Ein ganz anderes langes Passwort')).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
      message: expect.stringContaining(INVALID),
    });
    expect(await authenticateWithPassword('lea.sommer@polizei.example', NEW_PASSWORD)).not.toBeNull();
    expect(await auditAbout(id, 'PASSWORD_SET')).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous uses of the link through', async () => {
    const { id, token } = await newAccount();
    const results = await Promise.all([setPassword(token), setPassword(token, 'Ein ganz anderes langes Passwort')]);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(await auditAbout(id, 'PASSWORD_SET')).toHaveLength(1);
  });

  it('refuses an expired link with the same message as an unknown one', async () => {
    const { id, token } = await newAccount();
    await db().passwordToken.updateMany({ where: { userId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await setPassword(token);
    const unknown = await setPassword('A'.repeat(43));
    const malformed = await setPassword('kurz');
    expect(expired).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(unknown).toEqual(expired);
    expect(malformed).toEqual(expired);
    expect(await passwordLinkAccount(token)).toBeNull();
    expect((await db().user.findUniqueOrThrow({ where: { id } })).passwordHash).toBeNull();
  });

  it('refuses a link whose account was disabled, or superseded by a newer link', async () => {
    const { id, token } = await newAccount();
    await signedInAdmin();
    const newer = await issuePasswordLinkAction({ userId: id, version: await versionOf(id) });
    expect(newer.ok).toBe(true);
    expect(await setPassword(token)).toMatchObject({ ok: false, code: 'INVALID_STATE' });

    const newerToken = newer.ok ? newer.data.path.split('#').at(-1)! : '';
    // A link asked for again lasts a day; the first one (a weekend before the first shift) three.
    const hoursLeft = newer.ok ? (Date.parse(newer.data.expiresAt) - Date.now()) / 3_600_000 : 0;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24);
    await db().user.update({ where: { id }, data: { active: false } });
    expect(await passwordLinkAccount(newerToken)).toBeNull();
    expect(await setPassword(newerToken)).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect((await db().user.findUniqueOrThrow({ where: { id } })).passwordHash).toBeNull();
  });

  it('applies the password policy and leaves the link usable after a refusal', async () => {
    const { token } = await newAccount();
    expect(await setPassword(token, 'kurz')).toMatchObject({
      code: 'INVALID_INPUT',
      fieldErrors: { newPassword: ['errors.passwordTooShort'] },
    });
    expect(await setPassword(token, NEW_PASSWORD, 'anders')).toMatchObject({
      fieldErrors: { confirmation: ['errors.passwordMismatch'] },
    });
    expect(await setPassword(token, '1qaz2wsx3edc')).toMatchObject({
      fieldErrors: { newPassword: ['errors.passwordCommon'] },
    });
    expect(await setPassword(token, 'lea.sommer-2026')).toMatchObject({
      fieldErrors: { newPassword: ['errors.passwordCommon'] },
    });
    expect(await passwordLinkAccount(token)).not.toBeNull();
    expect((await setPassword(token)).ok).toBe(true);
  });

  it('ends every session of an existing account and lifts its lockout (forgotten password)', async () => {
    const admin = await createActor('ADMIN');
    const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const email = await emailOf(target.id);
    await signInAs(target);
    const targetSession = currentSession.value!;
    for (let i = 0; i < 6; i++) await authenticateWithPassword(email, `falsch-${i}`);
    expect(await isAccountLocked(email)).toBe(true);

    await signInAs(admin);
    const link = await issuePasswordLinkAction({ userId: target.id, version: await versionOf(target.id) });
    if (!link.ok) throw new Error(link.message);
    currentSession.value = null;
    expect((await setPassword(link.data.path.split('#').at(-1)!)).ok).toBe(true);

    expect(await validateSession(targetSession)).toBeNull();
    expect(await isAccountLocked(email)).toBe(false);
    expect(await authenticateWithPassword(email, PASSWORD)).toBeNull();
    expect(await authenticateWithPassword(email, NEW_PASSWORD)).not.toBeNull();
  });
});
