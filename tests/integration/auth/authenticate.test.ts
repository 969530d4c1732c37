import { beforeEach, describe, expect, it } from 'vitest';

import { authenticateWithPassword } from '@/lib/auth/service';
import { db } from '@/lib/db';

import { createActor, freshWorld, PASSWORD } from '../support/world';

beforeEach(freshWorld);

async function emailOf(id: string) {
  return (await db().user.findUniqueOrThrow({ where: { id } })).email;
}

describe('authenticateWithPassword', () => {
  it('signs in with the right password, records the time and audits it', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const user = await authenticateWithPassword((await emailOf(officer.id)).toUpperCase(), PASSWORD);
    expect(user).toEqual({ id: officer.id, sessionVersion: 1 });
    expect((await db().user.findUniqueOrThrow({ where: { id: officer.id } })).lastSignInAt).not.toBeNull();
    expect(await db().auditEvent.findMany({ select: { action: true, actorId: true, actorRole: true } })).toEqual([
      { action: 'SIGN_IN_SUCCEEDED', actorId: officer.id, actorRole: 'OFFICER' },
    ]);
  });

  it('refuses a wrong password and audits the failure against the account', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    expect(await authenticateWithPassword(await emailOf(officer.id), 'wrong-password-123')).toBeNull();
    expect(await db().auditEvent.findMany({ select: { action: true, actorId: true, details: true } })).toEqual([
      { action: 'SIGN_IN_FAILED', actorId: officer.id, details: { reason: 'WRONG_PASSWORD', lockedNow: false } },
    ]);
  });

  it('refuses an unknown account without storing the typed address', async () => {
    expect(await authenticateWithPassword('someone@else.example', PASSWORD)).toBeNull();
    const events = await db().auditEvent.findMany();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'SIGN_IN_FAILED',
      actorId: null,
      details: { reason: 'UNKNOWN_ACCOUNT' },
    });
    expect(JSON.stringify(events[0], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'someone@else',
    );
  });

  it('refuses a disabled account even with the right password', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await db().user.update({ where: { id: officer.id }, data: { active: false } });
    expect(await authenticateWithPassword(await emailOf(officer.id), PASSWORD)).toBeNull();
  });
});
