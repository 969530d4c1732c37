/**
 * The audit event commits with the change or not at all (Art. 25 Directive 2016/680): when writing the
 * event fails, the change it describes is rolled back too.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type * as AuditRecord from '@/lib/audit/record';
import { validateSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { createUserAction, disableUserAction, updateUserAccessAction } from '@/lib/users/actions';

import { createActor, freshWorld } from '../support/world';
import { signedInAdmin, signedInTarget, stationScope, versionOf } from './support';

const failOn = vi.hoisted(() => ({ action: null as string | null }));

vi.mock('@/lib/audit/record', async (importOriginal) => {
  const original = await importOriginal<typeof AuditRecord>();
  return {
    ...original,
    recordAudit: async (...args: Parameters<typeof original.recordAudit>) => {
      if (args[1].action === failOn.action) throw new Error('audit store unavailable');
      return original.recordAudit(...args);
    },
  };
});

beforeEach(async () => {
  failOn.action = null;
  // The failure is logged as unexpected; that log line is expected here.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  await freshWorld();
});

describe('a change whose audit event cannot be written does not happen', () => {
  it('role change: role, scope and sessions stay as they were', async () => {
    const admin = await signedInAdmin();
    const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const targetSession = await signedInTarget(admin, target);
    const version = await versionOf(target.id);
    failOn.action = 'USER_UPDATED';
    const result = await updateUserAccessAction({ userId: target.id, version, role: 'AUDITOR', scope: '' });
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN' });
    expect(await db().user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      role: 'OFFICER',
      sessionVersion: version,
    });
    expect(await validateSession(targetSession)).not.toBeNull();
  });

  it('disable: the account stays active', async () => {
    await signedInAdmin();
    const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    failOn.action = 'USER_DISABLED';
    expect(await disableUserAction({ userId: target.id, version: await versionOf(target.id) })).toMatchObject({
      ok: false,
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.id } })).active).toBe(true);
  });

  it('create: neither the account nor its link exists', async () => {
    await signedInAdmin();
    failOn.action = 'PASSWORD_LINK_ISSUED';
    const result = await createUserAction({
      email: 'lea.sommer@polizei.example',
      displayName: 'Lea Sommer',
      role: 'OFFICER',
      scope: await stationScope('PK-GARBSEN'),
    });
    expect(result).toMatchObject({ ok: false, code: 'UNKNOWN' });
    expect(await db().user.count({ where: { email: 'lea.sommer@polizei.example' } })).toBe(0);
    expect(await db().passwordToken.count()).toBe(0);
  });
});
