import 'server-only';

import { randomBytes } from 'node:crypto';

import { isGuessablePassword } from '@/lib/accounts/password-policy';
import { recordAudit } from '@/lib/audit/record';
import { resetSecondFactor } from '@/lib/auth/mfa/service';
import { hashPassword } from '@/lib/auth/password';
import { revokeAllSessions, type Actor } from '@/lib/auth/session-store';
import { isAccountLocked, unlockAccount } from '@/lib/auth/throttle';
import { db, type Tx } from '@/lib/db';
import { activePartnerWhere } from '@/lib/partners/queries';
import type { Role } from '@/lib/generated/prisma/client';
import { failure, success, type ActionResult, type Failure } from '@/lib/result';
import { findUsablePasswordToken, hashPasswordToken } from '@/lib/users/queries';
import {
  parseScope,
  type CreateUserInput,
  type Scope,
  type SetPasswordInput,
  type UpdateUserAccessInput,
  type UserCommandInput,
} from '@/lib/users/schema';

/**
 * User administration (issue: admins create and disable accounts, set role and scope, reset the second
 * factor, unlock). Every change and its audit event commit in one transaction; changes that affect access
 * end the account's sessions in the same transaction, so they apply on its next request (ASVS 8.3.2).
 */

/**
 * Where the one-time link leads; the admin hands the full address over. The token travels in the fragment
 * (`/anmelden/passwort#<token>`), which browsers never send to a server: no proxy or server access log holds
 * a live link. The page reads it, removes it from the address bar and posts it.
 */
export const PASSWORD_LINK_PATH = '/anmelden/passwort';
/**
 * How long a link lasts: the first one long enough for a weekend between creating the account and the first
 * shift; a new one (forgotten password, expired first link) only a day, because the person asked for it
 * and is waiting.
 */
export const PASSWORD_LINK_HOURS = { first: 72, renewed: 24 } as const;

export type PasswordLink = { path: string; expiresAt: Date };
export type CreatedUser = { id: string; passwordLink: PasswordLink };

type Command<I> = { actor: Actor; input: I };

const notFound = () => failure('NOT_FOUND', 'users.errors.notFound');
const changedMeanwhile = () => failure('CONFLICT', 'users.errors.changedMeanwhile');
const notOnOwnAccount = () => failure('FORBIDDEN', 'users.errors.notOnOwnAccount');
const managedByDirectory = () => failure('INVALID_STATE', 'users.errors.managedByDirectory');
const emailTaken = () => failure('CONFLICT', 'errors.codes.INVALID_INPUT', { email: ['users.errors.emailTaken'] });
const scopeUnknown = () =>
  failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { scope: ['users.errors.scopeUnknown'] });

function scopeColumns(scope: Scope | null) {
  return {
    stationId: scope?.kind === 'STATION' ? scope.id : null,
    inspectionId: scope?.kind === 'INSPECTION' ? scope.id : null,
    partnerId: scope?.kind === 'PARTNER' ? scope.id : null,
  };
}

/** The schema checked the shape; here: the station, inspection or (active) partner exists. */
async function scopeExists(tx: Tx, scope: Scope | null): Promise<boolean> {
  if (!scope) return true;
  const where = { id: scope.id };
  if (scope.kind === 'STATION') return (await tx.station.count({ where })) === 1;
  if (scope.kind === 'INSPECTION') return (await tx.inspection.count({ where })) === 1;
  return (await tx.partner.count({ where: { ...where, ...activePartnerWhere(new Date()) } })) === 1;
}

/**
 * A new one-time link for the account; older unused ones stop working. Only the token's hash is stored,
 * so neither the database nor its backups can set anyone's password.
 */
async function issueToken(
  tx: Tx,
  userId: string,
  kind: keyof typeof PASSWORD_LINK_HOURS,
  now = new Date(),
): Promise<{ id: string; link: PasswordLink }> {
  await tx.passwordToken.updateMany({
    where: { userId, usedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_HOURS[kind] * 3_600_000);
  const { id } = await tx.passwordToken.create({
    data: { userId, tokenHash: hashPasswordToken(token), expiresAt },
    select: { id: true },
  });
  return { id, link: { path: `${PASSWORD_LINK_PATH}#${token}`, expiresAt } };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

export async function createUser({ actor, input }: Command<CreateUserInput>): Promise<ActionResult<CreatedUser>> {
  const scope = parseScope(input.scope) ?? null;
  try {
    return await db().$transaction(async (tx) => {
      if (await tx.user.count({ where: { email: input.email } })) return emailTaken();
      if (!(await scopeExists(tx, scope))) return scopeUnknown();
      const user = await tx.user.create({
        data: { email: input.email, displayName: input.displayName, role: input.role, ...scopeColumns(scope) },
        select: { id: true },
      });
      const token = await issueToken(tx, user.id, 'first');
      const audit = { actorId: actor.id, actorRole: actor.role, entityType: 'User', entityId: user.id } as const;
      await recordAudit(tx, {
        ...audit,
        action: 'USER_CREATED',
        details: { role: input.role, scopeKind: scope?.kind ?? null, scopeId: scope?.id ?? null },
      });
      await recordAudit(tx, { ...audit, action: 'PASSWORD_LINK_ISSUED', details: { tokenId: token.id } });
      return success({ id: user.id, passwordLink: token.link });
    });
  } catch (error) {
    // Two admins creating the same address at once: the unique index decides.
    if (isUniqueViolation(error)) return emailTaken();
    throw error;
  }
}

type LockedUser = {
  id: string;
  role: Role;
  active: boolean;
  sessionVersion: number;
  oidcSubject: string | null;
  stationId: string | null;
  inspectionId: string | null;
  partnerId: string | null;
  mfaSecret: string | null;
  mfaEnabledAt: Date | null;
};

/**
 * Reads the account and holds its row lock until the transaction ends, so that changes to one account
 * happen one after the other; then checks the version the admin saw.
 */
async function lockForChange(tx: Tx, { userId, version }: UserCommandInput): Promise<LockedUser | Failure> {
  const rows = await tx.$queryRaw<LockedUser[]>`
    SELECT id, role, active, "sessionVersion", "oidcSubject", "stationId", "inspectionId", "partnerId",
           "mfaSecret", "mfaEnabledAt"
      FROM "User" WHERE id = ${userId}::uuid FOR UPDATE`;
  const user = rows[0];
  if (!user) return notFound();
  if (user.sessionVersion !== version) return changedMeanwhile();
  return user;
}

const isFailure = (value: LockedUser | Failure): value is Failure => 'ok' in value;

/**
 * One change to an existing account: refuses it on one's own account where `notSelf`, locks and
 * version-checks the row, then runs `change` inside the same transaction.
 */
async function changeUser<T>(
  actor: Actor,
  input: UserCommandInput,
  { notSelf }: { notSelf: boolean },
  change: (tx: Tx, user: LockedUser) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  if (notSelf && input.userId === actor.id) return notOnOwnAccount();
  return db().$transaction(async (tx) => {
    const user = await lockForChange(tx, input);
    if (isFailure(user)) return user;
    return change(tx, user);
  });
}

const auditOf = (actor: Actor, userId: string) =>
  ({ actorId: actor.id, actorRole: actor.role, entityType: 'User', entityId: userId }) as const;

/**
 * Role and scope. Not for one's own account (an admin cannot raise or lower themselves) and not for
 * accounts of the directorate's identity provider, which owns their role and scope.
 */
export async function updateUserAccess({
  actor,
  input,
}: Command<UpdateUserAccessInput>): Promise<ActionResult<{ version: number }>> {
  const scope = parseScope(input.scope) ?? null;
  return changeUser(actor, input, { notSelf: true }, async (tx, user) => {
    if (user.oidcSubject) return managedByDirectory();
    if (!(await scopeExists(tx, scope))) return scopeUnknown();
    const next = { role: input.role, ...scopeColumns(scope) };
    const fields = (['role', 'stationId', 'inspectionId', 'partnerId'] as const).filter((f) => next[f] !== user[f]);
    if (fields.length === 0) return success({ version: user.sessionVersion });
    await tx.user.update({ where: { id: user.id }, data: next });
    await revokeAllSessions(tx, user.id);
    await recordAudit(tx, {
      ...auditOf(actor, user.id),
      action: 'USER_UPDATED',
      details: {
        role: input.role,
        previousRole: user.role,
        fields: fields.join(','),
        scopeKind: scope?.kind ?? null,
        scopeId: scope?.id ?? null,
      },
    });
    return success({ version: user.sessionVersion + 1 });
  });
}

/** Disabling ends every session at once; the account keeps its data and can be enabled again. */
export async function setUserActive({
  actor,
  input,
  active,
}: Command<UserCommandInput> & { active: boolean }): Promise<ActionResult<{ version: number }>> {
  return changeUser(actor, input, { notSelf: true }, async (tx, user) => {
    if (user.active === active) return failure('INVALID_STATE', 'users.errors.alreadyInState');
    await tx.user.update({ where: { id: user.id }, data: { active } });
    // Also on enabling: the version moves with every change, for the concurrency check.
    await revokeAllSessions(tx, user.id);
    await recordAudit(tx, { ...auditOf(actor, user.id), action: active ? 'USER_ENABLED' : 'USER_DISABLED' });
    return success({ version: user.sessionVersion + 1 });
  });
}

/** The account enrols a new second factor at its next sign-in (lost phone). Local accounts only. */
export async function resetUserSecondFactor({
  actor,
  input,
}: Command<UserCommandInput>): Promise<ActionResult<{ version: number }>> {
  // Directory accounts too: the factor reset is the app's own (enrolled when the provider asked for none).
  return changeUser(actor, input, { notSelf: true }, async (tx, user) => {
    if (!user.mfaEnabledAt) return failure('INVALID_STATE', 'users.errors.noSecondFactor');
    await resetSecondFactor(tx, user.id);
    await recordAudit(tx, {
      ...auditOf(actor, user.id),
      action: 'SECOND_FACTOR_RESET',
      details: { wasEnrolled: user.mfaEnabledAt !== null },
    });
    return success({ version: user.sessionVersion + 1 });
  });
}

/**
 * A new one-time link to set the password (forgotten password, or the first link expired). The current
 * password keeps working until the link is used. Not for one's own account: changing one's own password
 * needs the current one (ASVS 6.2.3), on the account page.
 */
export async function issuePasswordLink({
  actor,
  input,
}: Command<UserCommandInput>): Promise<ActionResult<PasswordLink>> {
  return changeUser(actor, input, { notSelf: true }, async (tx, user) => {
    if (user.oidcSubject) return managedByDirectory();
    if (!user.active) return failure('INVALID_STATE', 'users.errors.inactive');
    const token = await issueToken(tx, user.id, 'renewed');
    await recordAudit(tx, {
      ...auditOf(actor, user.id),
      action: 'PASSWORD_LINK_ISSUED',
      details: { tokenId: token.id },
    });
    return success(token.link);
  });
}

/**
 * Lifts the sign-in lock. The counters live in the rate-limit store, outside this transaction, so the
 * audit event is written once the lock is gone.
 */
export async function unlockUser({ actor, input }: Command<UserCommandInput>): Promise<ActionResult<null>> {
  const user = await db().user.findUnique({ where: { id: input.userId }, select: { id: true, email: true } });
  if (!user) return notFound();
  if (!(await isAccountLocked(user.email))) return failure('INVALID_STATE', 'users.errors.notLocked');
  await unlockAccount(user.email);
  await recordAudit(db(), { ...auditOf(actor, user.id), action: 'ACCOUNT_UNLOCKED' });
  return success(null);
}

const linkInvalid = () => failure('INVALID_STATE', 'users.passwordLink.invalid');

/** Rolls the transaction back when the link or the account changed after it was checked. */
class LinkUnusable extends Error {}

/**
 * The account holder sets their password through the link. The link is used up in the same transaction
 * (of two requests with it, one wins), every session of the account ends, and a sign-in lock is lifted:
 * whoever holds the link may set the password anyway.
 */
export async function setPasswordWithLink({ input }: { input: SetPasswordInput }): Promise<ActionResult<null>> {
  const row = await findUsablePasswordToken(input.token);
  if (!row) return linkInvalid();
  if (isGuessablePassword(input.newPassword, row.user.email)) {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { newPassword: ['errors.passwordCommon'] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  try {
    await db().$transaction(async (tx) => {
      const now = new Date();
      const used = await tx.passwordToken.updateMany({
        where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      const updated = await tx.user.updateMany({
        where: { id: row.user.id, active: true, oidcSubject: null },
        data: { passwordHash },
      });
      if (used.count === 0 || updated.count === 0) throw new LinkUnusable();
      await tx.passwordToken.updateMany({
        where: { userId: row.user.id, usedAt: null, expiresAt: { gt: now } },
        data: { expiresAt: now },
      });
      await revokeAllSessions(tx, row.user.id);
      await recordAudit(tx, {
        actorId: row.user.id,
        actorRole: row.user.role,
        action: 'PASSWORD_SET',
        entityType: 'User',
        entityId: row.user.id,
        details: { tokenId: row.id },
      });
    });
  } catch (error) {
    if (error instanceof LinkUnusable) return linkInvalid();
    throw error;
  }
  await unlockAccount(row.user.email);
  return success(null);
}
