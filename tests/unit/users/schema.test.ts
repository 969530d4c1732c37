import { describe, expect, it } from 'vitest';

import { can, ROLES } from '@/lib/auth/permissions';
import {
  accessInput,
  createUserInput,
  parseScope,
  scopeProblem,
  scopeValue,
  setPasswordInput,
  updateUserAccessInput,
  userCommandInput,
} from '@/lib/users/schema';

const STATION = 'STATION:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b';
const INSPECTION = 'INSPECTION:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5c';
const PARTNER = 'PARTNER:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5d';
const USER_ID = '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5e';

const valid = { email: 'jana.berger@polizei.example', displayName: 'POK Jana Berger', role: 'OFFICER', scope: STATION };

type Schema = {
  safeParse: (input: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
};

function errorFor(schema: Schema, input: unknown, field: string) {
  const result = schema.safeParse(input);
  if (result.success) return undefined;
  return result.error!.issues.find((i) => i.path.join('.') === field)?.message;
}

describe('role and scope', () => {
  it.each([
    ['OFFICER', STATION, null],
    ['OFFICER', '', 'users.errors.scopeRequired.OFFICER'],
    ['OFFICER', INSPECTION, 'users.errors.scopeNotForRole'],
    ['OFFICER', PARTNER, 'users.errors.scopeNotForRole'],
    ['SUPERVISOR', STATION, null],
    ['SUPERVISOR', INSPECTION, null],
    ['SUPERVISOR', '', 'users.errors.scopeRequired.SUPERVISOR'],
    ['SUPERVISOR', PARTNER, 'users.errors.scopeNotForRole'],
    ['PARTNER', PARTNER, null],
    ['PARTNER', '', 'users.errors.scopeRequired.PARTNER'],
    ['PARTNER', STATION, 'users.errors.scopeNotForRole'],
    ['ADMIN', '', null],
    ['ADMIN', STATION, 'users.errors.scopeNotForRole'],
    ['AUDITOR', '', null],
    ['AUDITOR', INSPECTION, 'users.errors.scopeNotForRole'],
  ] as const)('%s with scope %j → %s', (role, scope, problem) => {
    expect(scopeProblem(role, scope)).toBe(problem);
    expect(errorFor(createUserInput, { ...valid, role, scope }, 'scope')).toBe(problem ?? undefined);
    expect(errorFor(updateUserAccessInput, { userId: USER_ID, version: 1, role, scope }, 'scope')).toBe(
      problem ?? undefined,
    );
  });

  it.each([
    'STATION',
    'STATION:',
    'STATION:not-a-uuid',
    'CITY:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b',
    `${STATION}:extra`,
    `station:0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b`,
  ])('rejects the malformed scope %j for every role', (scope) => {
    expect(parseScope(scope)).toBeUndefined();
    for (const role of ROLES) expect(scopeProblem(role, scope)).toBe('users.errors.scopeInvalid');
  });

  it('round-trips a scope value, and the empty value means no scope', () => {
    expect(parseScope(STATION)).toEqual({ kind: 'STATION', id: STATION.slice('STATION:'.length) });
    expect(scopeValue(parseScope(INSPECTION)!)).toBe(INSPECTION);
    expect(parseScope('')).toBeNull();
    expect(scopeValue(null)).toBe('');
  });
});

describe('create user schema', () => {
  it('accepts a valid account and normalises the e-mail address', () => {
    const result = createUserInput.safeParse({ ...valid, email: '  Jana.Berger@Polizei.Example ' });
    expect(result.success && result.data.email).toBe('jana.berger@polizei.example');
  });

  it.each([
    ['email', '', 'errors.required'],
    ['email', 'jana.berger', 'errors.emailFormat'],
    ['email', `${'a'.repeat(250)}@x.de`, 'errors.tooLong'],
    ['displayName', '', 'errors.required'],
    ['displayName', 'Jana\u202EBerger', 'errors.invalidCharacters'],
    ['role', 'ROOT', 'users.errors.roleRequired'],
    ['role', '', 'users.errors.roleRequired'],
  ])('rejects %s = %j with %s', (field, value, key) => {
    expect(errorFor(createUserInput, { ...valid, [field]: value }, field)).toBe(key);
  });

  it('takes no password and no other field from the client', () => {
    expect(createUserInput.safeParse({ ...valid, password: 'Ein langes Passwort 1' }).success).toBe(false);
    expect(createUserInput.safeParse({ ...valid, stationId: USER_ID }).success).toBe(false);
  });
});

describe('commands on an existing account', () => {
  it('need the account id and the version the admin saw', () => {
    expect(userCommandInput.safeParse({ userId: USER_ID, version: 3 }).success).toBe(true);
    expect(errorFor(userCommandInput, { userId: 'x', version: 3 }, 'userId')).toBe('errors.reload');
    expect(errorFor(userCommandInput, { userId: USER_ID }, 'version')).toBe('errors.reload');
    expect(errorFor(userCommandInput, { userId: USER_ID, version: 1.5 }, 'version')).toBe('errors.reload');
  });
});

describe('set password schema', () => {
  const token = 'a'.repeat(43);
  it('accepts a long password typed twice', () => {
    expect(
      setPasswordInput.safeParse({
        token,
        newPassword: 'Drei Katzen im Streifenwagen',
        confirmation: 'Drei Katzen im Streifenwagen',
      }).success,
    ).toBe(true);
  });
  it.each([
    [{ newPassword: 'kurz', confirmation: 'kurz' }, 'newPassword', 'errors.passwordTooShort'],
    [
      { newPassword: 'Drei Katzen im Streifenwagen', confirmation: 'Drei Katzen' },
      'confirmation',
      'errors.passwordMismatch',
    ],
  ])('rejects %j on %s', (input, field, key) => {
    expect(errorFor(setPasswordInput, { token, ...input }, field)).toBe(key);
  });
});

describe('permission', () => {
  it('lets only admins manage users', () => {
    expect(ROLES.filter((role) => can(role, 'users:manage'))).toEqual(['ADMIN']);
  });
});

describe('an empty form', () => {
  it('gets its role and scope checked on their own, beside the other fields', () => {
    const empty = { email: '', displayName: '', role: 'SUPERVISOR', scope: '' };
    expect(errorFor(accessInput, empty, 'scope')).toBe('users.errors.scopeRequired.SUPERVISOR');
    expect(accessInput.safeParse({ ...empty, scope: STATION }).success).toBe(true);
  });
});
