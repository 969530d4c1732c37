/**
 * Authorisation matrix for server actions (CONVENTIONS.md, "Authorisation, in layers" 4): every exported
 * server action × every role, plus anonymous, a disabled account with a still-valid session, a user demoted
 * after sign-in, and a request without Origin. A denied call must change nothing, look like "not signed
 * in" or "forbidden", and leave an ACCESS_DENIED audit event. An action without a row fails this test.
 */
import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import { ROLES, type Role } from '@/lib/auth/permissions';
import { db } from '@/lib/db';

import { currentHeaders } from './support/request-context';
import { anHourAgo, createActor, freshWorld, municipalityId, PASSWORD, signInAs } from './support/world';

type Action = (...args: never[]) => Promise<unknown>;
// Every feature's actions.ts ('use server' modules); lib/actions.ts is the shared runner, not an action.
const modules = import.meta.glob<Record<string, unknown>>(['/lib/**/actions.ts', '!/lib/actions.ts'], { eager: true });
const actions: Record<string, Action> = Object.fromEntries(
  Object.values(modules).flatMap((module) => Object.entries(module).filter(([name]) => name.endsWith('Action'))),
) as Record<string, Action>;

type Row = {
  /** Roles the permission table allows; everyone else is denied. 'PUBLIC' = no sign-in needed. */
  allowed: readonly Role[] | 'PUBLIC';
  /** Calls the action with valid input for an allowed actor. */
  call: (action: Action) => Promise<unknown>;
  /** A value that changes when the action had an effect. */
  effect: () => Promise<unknown>;
};

const MATRIX: Record<string, Row> = {
  submitReferralAction: {
    allowed: ['OFFICER'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        idempotencyKey: randomUUID(),
        incidentAt: anHourAgo(),
        municipalityId: await municipalityId('Garbsen'),
        gender: 'MALE',
        consent: 'yes',
        caseNumber: '2026/004711',
        firstName: 'Thomas',
        lastName: 'Adler',
        phone: '0511 9876543',
      }),
    effect: () => db().referral.count(),
  },
  signOutEverywhereAction: {
    allowed: ROLES,
    call: (action) => (action as () => Promise<unknown>)(),
    effect: async () => (await db().user.aggregate({ _sum: { sessionVersion: true } }))._sum.sessionVersion ?? 0,
  },
  changePasswordAction: {
    allowed: ROLES,
    call: (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        currentPassword: PASSWORD,
        newPassword: 'Ein langer Satz als Passwort 42',
        confirmation: 'Ein langer Satz als Passwort 42',
      }),
    effect: async () =>
      (await db().user.findMany({ select: { passwordHash: true }, orderBy: { id: 'asc' } })).map((u) => u.passwordHash),
  },
  setLocaleAction: {
    allowed: 'PUBLIC',
    call: (action) => (action as (locale: unknown) => Promise<unknown>)('en'),
    effect: async () => 0,
  },
};

const SCOPE: Record<Role, Parameters<typeof createActor>[1]> = {
  OFFICER: { stationCode: 'PK-GARBSEN' },
  SUPERVISOR: { stationCode: 'PK-GARBSEN', inspectionCode: 'PI-GAR' },
  ADMIN: {},
  PARTNER: { partnerCode: 'MB-H' },
  AUDITOR: {},
};

async function deniedCount() {
  return db().auditEvent.count({ where: { action: 'ACCESS_DENIED' } });
}

async function expectDenied(row: Row, action: Action) {
  const [effectBefore, deniedBefore] = [await row.effect(), await deniedCount()];
  const result = await row.call(action);
  expect(result).toMatchObject({ ok: false });
  expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain((result as { code: string }).code);
  expect(await row.effect()).toEqual(effectBefore);
  expect(await deniedCount()).toBe(deniedBefore + 1);
}

beforeEach(freshWorld);

describe('authorisation matrix of server actions', () => {
  it('has a row for every server action, and no row without an action', () => {
    expect(Object.keys(actions).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [name, row] of Object.entries(MATRIX)) {
    // Public actions (the language switch) change nothing but the caller's own preference cookie.
    if (row.allowed === 'PUBLIC') continue;
    const allowed = row.allowed;

    describe(name, () => {
      it('denies an anonymous caller', async () => {
        await expectDenied(row, actions[name]!);
      });

      for (const role of ROLES) {
        it(`${allowed.includes(role) ? 'allows' : 'denies'} ${role}`, async () => {
          await signInAs(await createActor(role, SCOPE[role]));
          if (allowed.includes(role)) {
            const before = await row.effect();
            expect(await row.call(actions[name]!)).toMatchObject({ ok: true });
            expect(await row.effect()).not.toEqual(before);
          } else {
            await expectDenied(row, actions[name]!);
          }
        });
      }

      it('denies a disabled account whose session cookie is still valid', async () => {
        const actor = await createActor(allowed[0]!, SCOPE[allowed[0]!]);
        await signInAs(actor);
        await db().user.update({ where: { id: actor.id }, data: { active: false } });
        await expectDenied(row, actions[name]!);
      });

      it('denies a user demoted after signing in', async () => {
        const demotedTo = ROLES.find((r) => !allowed.includes(r));
        if (!demotedTo) return; // every role may: there is nothing to demote to
        const actor = await createActor(allowed[0]!, SCOPE[allowed[0]!]);
        await signInAs(actor);
        await db().user.update({ where: { id: actor.id }, data: { role: demotedTo } });
        await expectDenied(row, actions[name]!);
      });

      it('denies a request without an Origin header (CSRF)', async () => {
        await signInAs(await createActor(allowed[0]!, SCOPE[allowed[0]!]));
        currentHeaders.value = { host: 'localhost:3000' };
        await expectDenied(row, actions[name]!);
      });
    });
  }
});
