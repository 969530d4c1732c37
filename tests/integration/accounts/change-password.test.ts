import { beforeEach, describe, expect, it } from 'vitest';

import { changePasswordAction } from '@/lib/accounts/actions';
import { authenticateWithPassword } from '@/lib/auth/service';
import { validateSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';

import { currentSession } from '../support/request-context';
import { createActor, freshWorld, PASSWORD, signInAs } from '../support/world';

const NEW_PASSWORD = 'Drei Katzen sitzen im Streifenwagen';

beforeEach(freshWorld);

async function signedInOfficer() {
  const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  const { email } = await db().user.findUniqueOrThrow({ where: { id: officer.id } });
  await signInAs(officer);
  return { officer, email };
}

describe('changePasswordAction', () => {
  it('changes the password, keeps this session and ends all others', async () => {
    const { officer, email } = await signedInOfficer();
    const otherDevice = currentSession.value!;
    await signInAs(officer);
    const thisDevice = currentSession.value!;

    const result = await changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    expect(result).toEqual({ ok: true, data: null });
    expect(await validateSession(thisDevice)).not.toBeNull();
    expect(await validateSession(otherDevice)).toBeNull();
    expect(await authenticateWithPassword(email, PASSWORD)).toBeNull();
    expect(await authenticateWithPassword(email, NEW_PASSWORD)).not.toBeNull();
    expect(await db().auditEvent.count({ where: { action: 'PASSWORD_CHANGED', actorId: officer.id } })).toBe(1);
  });

  it.each([
    [
      { currentPassword: 'falsch-falsch-falsch', newPassword: NEW_PASSWORD, confirmation: NEW_PASSWORD },
      'currentPassword',
      'errors.passwordWrong',
    ],
    [
      { currentPassword: PASSWORD, newPassword: 'kurz', confirmation: 'kurz' },
      'newPassword',
      'errors.passwordTooShort',
    ],
    [
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmation: `${NEW_PASSWORD}!` },
      'confirmation',
      'errors.passwordMismatch',
    ],
    [
      { currentPassword: PASSWORD, newPassword: PASSWORD, confirmation: PASSWORD },
      'newPassword',
      'errors.passwordUnchanged',
    ],
    [
      { currentPassword: PASSWORD, newPassword: '1qaz2wsx3edc', confirmation: '1qaz2wsx3edc' },
      'newPassword',
      'errors.passwordCommon',
    ],
    [
      { currentPassword: PASSWORD, newPassword: 'Polizei2026!!', confirmation: 'Polizei2026!!' },
      'newPassword',
      'errors.passwordCommon',
    ],
  ])('refuses %j with a message on %s and changes nothing', async (input, field, key) => {
    const { officer, email } = await signedInOfficer();
    const before = (await db().user.findUniqueOrThrow({ where: { id: officer.id } })).passwordHash;
    const result = await changePasswordAction(input);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { [field]: [key] } });
    expect((await db().user.findUniqueOrThrow({ where: { id: officer.id } })).passwordHash).toBe(before);
    expect(await authenticateWithPassword(email, PASSWORD)).not.toBeNull();
  });

  it('counts wrong current passwords towards the lockout', async () => {
    await signedInOfficer();
    for (let i = 0; i < 5; i++) {
      await changePasswordAction({
        currentPassword: `falsch-${i}-falsch`,
        newPassword: NEW_PASSWORD,
        confirmation: NEW_PASSWORD,
      });
    }
    expect(
      await changePasswordAction({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmation: NEW_PASSWORD }),
    ).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });
});
