import { z } from 'zod/mini';

import { confirmationMatches, newPasswordFields } from '@/lib/accounts/schema';
import { ROLES, type Role } from '@/lib/auth/permissions';
import { emailAddress, personName } from '@/lib/validation/text';
import { UUID_PATTERN, uuidField } from '@/lib/validation/uuid';

/**
 * User administration (DESIGN.md section 2). One schema per form for react-hook-form in the browser and
 * the server action; the service adds what needs the database (e-mail unique, scope exists, not oneself).
 *
 * A scope travels as one value, `KIND:id`, so that "exactly one of station or inspection" cannot be
 * violated by construction and the form has a single field to show the error at.
 */
export const SCOPE_KINDS = ['STATION', 'INSPECTION', 'PARTNER'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];
export type Scope = { kind: ScopeKind; id: string };

/** What each role is scoped to (DESIGN.md section 2); an empty list means the role has no scope. */
export const SCOPES_OF_ROLE: Record<Role, readonly ScopeKind[]> = {
  OFFICER: ['STATION'],
  SUPERVISOR: ['STATION', 'INSPECTION'],
  ADMIN: [],
  PARTNER: ['PARTNER'],
  AUDITOR: [],
};

export function scopeValue(scope: Scope | null): string {
  return scope ? `${scope.kind}:${scope.id}` : '';
}

/** `''` → null (no scope); anything malformed → undefined. */
export function parseScope(value: string): Scope | null | undefined {
  if (value === '') return null;
  const [kind, id, ...rest] = value.split(':');
  if (rest.length || !id || !UUID_PATTERN.test(id) || !(SCOPE_KINDS as readonly string[]).includes(kind ?? '')) {
    return undefined;
  }
  return { kind: kind as ScopeKind, id: id.toLowerCase() };
}

/** The message key of what is wrong with this role/scope pair, or null when it fits. */
export function scopeProblem(role: Role, value: string): string | null {
  const scope = parseScope(value);
  const allowed = SCOPES_OF_ROLE[role];
  if (scope === undefined) return 'users.errors.scopeInvalid';
  if (allowed.length === 0) return scope === null ? null : 'users.errors.scopeNotForRole';
  if (scope === null) return `users.errors.scopeRequired.${role}`;
  return allowed.includes(scope.kind) ? null : 'users.errors.scopeNotForRole';
}

const role = z.enum(ROLES, { error: 'users.errors.roleRequired' });
const scope = z.string({ error: 'users.errors.scopeInvalid' });

function checkScope(value: { role: Role; scope: string }, ctx: z.core.$RefinementCtx<unknown>) {
  const problem = scopeProblem(value.role, value.scope);
  if (problem) ctx.addIssue({ code: 'custom', path: ['scope'], message: problem });
}

/**
 * Role and scope alone. An object's own checks do not run while one of its fields failed (zod), so the
 * forms add these issues themselves to show every problem of an empty form at once.
 */
export const accessInput = z.object({ role, scope }).check(z.superRefine(checkScope));

const email = emailAddress();

/** "Konto anlegen": no password; the account holder sets it through a one-time link. */
export const createUserInput = z
  .strictObject({ email, displayName: personName(), role, scope })
  .check(z.superRefine(checkScope));
export type CreateUserInput = z.infer<typeof createUserInput>;

/**
 * Every change to an existing account names the version the admin saw (the account's session version,
 * which each of these changes moves on), so that two admins never silently overwrite each other.
 */
const target = {
  userId: uuidField('errors.reload'),
  version: z.int({ error: 'errors.reload' }),
};

export const updateUserAccessInput = z.strictObject({ ...target, role, scope }).check(z.superRefine(checkScope));
export type UpdateUserAccessInput = z.infer<typeof updateUserAccessInput>;

/** Disable, enable, reset the second factor, unlock, new password link. */
export const userCommandInput = z.strictObject(target);
export type UserCommandInput = z.infer<typeof userCommandInput>;

/** The token is 32 random bytes in base64url (43 characters); anything else cannot be one. */
export const PASSWORD_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const linkToken = z.string({ error: 'users.passwordLink.invalid' });

/** The page behind the one-time link asks whose link it is (the token comes from the link's fragment). */
export const passwordLinkInput = z.strictObject({ token: linkToken });

/** The public page behind the one-time link. */
export const setPasswordInput = z.strictObject({ token: linkToken, ...newPasswordFields }).check(confirmationMatches);
export type SetPasswordInput = z.infer<typeof setPasswordInput>;

/** The account list's search term; kept in this cookie, never in the URL (lib/users/actions.ts). */
export const USER_SEARCH_COOKIE = 'benutzersuche';
export const USER_SEARCH_MAX_LENGTH = 100;
export const userSearchInput = z.strictObject({
  q: z.string().check(z.trim(), z.maxLength(USER_SEARCH_MAX_LENGTH, { error: 'errors.tooLong' })),
});
