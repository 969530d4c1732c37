'use server';

import { cookies } from 'next/headers';

import { invalidInput, runAction } from '@/lib/actions';
import type { Actor } from '@/lib/auth/session-store';
import { authorizeAction } from '@/lib/auth/guards';
import { env } from '@/lib/env';
import type { ActionResult } from '@/lib/result';
import type { PasswordLinkDto } from '@/lib/users/dto';
import {
  USER_SEARCH_COOKIE,
  userSearchInput,
  createUserInput,
  setPasswordInput,
  updateUserAccessInput,
  userCommandInput,
  type CreateUserInput,
  type UpdateUserAccessInput,
  type UserCommandInput,
} from '@/lib/users/schema';
import {
  createUser,
  issuePasswordLink,
  resetUserSecondFactor,
  setPasswordWithLink,
  setUserActive,
  unlockUser,
  updateUserAccess,
  type CreatedUser,
  type PasswordLink,
} from '@/lib/users/service';

type Schema<I> = {
  safeParse: (
    raw: unknown,
  ) => { success: true; data: I } | { success: false; error: Parameters<typeof invalidInput>[0] };
};

/** Authorise (with a fresh second factor for the most sensitive changes, ASVS 7.5.3), validate, call the service. */
function manage<I, T>(
  raw: unknown,
  schema: Schema<I>,
  { stepUp }: { stepUp: boolean },
  service: (command: { actor: Actor; input: I }) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return runAction(async () => {
    const auth = await authorizeAction('users:manage', { stepUp });
    if (!auth.ok) return auth;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    return service({ actor: auth.data, input: parsed.data });
  });
}

/** Dates cross to the browser as ISO strings. */
const linkDto = (link: PasswordLink): PasswordLinkDto => ({ path: link.path, expiresAt: link.expiresAt.toISOString() });

/** "Konto anlegen": returns the one-time link to set the password, shown to the admin once. */
export async function createUserAction(
  raw: unknown,
): Promise<ActionResult<{ id: string; passwordLink: PasswordLinkDto }>> {
  return manage<CreateUserInput, CreatedUser>(raw, createUserInput, { stepUp: true }, createUser).then((r) =>
    r.ok ? { ok: true, data: { id: r.data.id, passwordLink: linkDto(r.data.passwordLink) } } : r,
  );
}

/** "Rolle und Zuständigkeit speichern". */
export async function updateUserAccessAction(raw: unknown): Promise<ActionResult<{ version: number }>> {
  return manage<UpdateUserAccessInput, { version: number }>(
    raw,
    updateUserAccessInput,
    { stepUp: true },
    updateUserAccess,
  );
}

/** "Konto deaktivieren": every session of the account ends at once. */
export async function disableUserAction(raw: unknown): Promise<ActionResult<{ version: number }>> {
  return manage<UserCommandInput, { version: number }>(raw, userCommandInput, { stepUp: true }, (command) =>
    setUserActive({ ...command, active: false }),
  );
}

/** "Konto wieder aktivieren". */
export async function enableUserAction(raw: unknown): Promise<ActionResult<{ version: number }>> {
  return manage<UserCommandInput, { version: number }>(raw, userCommandInput, { stepUp: true }, (command) =>
    setUserActive({ ...command, active: true }),
  );
}

/** "Zweiten Faktor zurücksetzen". */
export async function resetUserSecondFactorAction(raw: unknown): Promise<ActionResult<{ version: number }>> {
  return manage<UserCommandInput, { version: number }>(raw, userCommandInput, { stepUp: true }, resetUserSecondFactor);
}

/** "Neuen Link zum Setzen des Passworts": shown to the admin once. */
export async function issuePasswordLinkAction(raw: unknown): Promise<ActionResult<PasswordLinkDto>> {
  return manage<UserCommandInput, PasswordLink>(raw, userCommandInput, { stepUp: true }, issuePasswordLink).then((r) =>
    r.ok ? { ok: true, data: linkDto(r.data) } : r,
  );
}

/**
 * "Sperre aufheben". With step-up too: unlocking again and again would otherwise let a stolen admin
 * session defeat the lock while it guesses another account's password.
 */
export async function unlockUserAction(raw: unknown): Promise<ActionResult<null>> {
  return manage<UserCommandInput, null>(raw, userCommandInput, { stepUp: true }, unlockUser);
}

/** The public page behind the one-time link: no session; the link itself is the proof. */
export async function setPasswordWithLinkAction(raw: unknown): Promise<ActionResult<null>> {
  return runAction(async () => {
    const parsed = setPasswordInput.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    return setPasswordWithLink({ input: parsed.data });
  });
}

/**
 * "Suchen" in the account list. The term is kept in a short-lived cookie for the list page, not in its
 * URL: names and e-mail addresses of staff would otherwise end up in proxy logs and browser history.
 */
export async function searchUsersAction(raw: unknown): Promise<ActionResult<null>> {
  return runAction(async () => {
    const auth = await authorizeAction('users:manage');
    if (!auth.ok) return auth;
    const parsed = userSearchInput.safeParse(raw);
    if (!parsed.success) return invalidInput(parsed.error);
    const store = await cookies();
    if (parsed.data.q) {
      store.set(USER_SEARCH_COOKIE, parsed.data.q, {
        httpOnly: true,
        sameSite: 'strict',
        secure: env().APP_URL.startsWith('https://'),
        path: '/verwaltung/benutzer',
        maxAge: 30 * 60,
      });
    } else {
      store.delete({ name: USER_SEARCH_COOKIE, path: '/verwaltung/benutzer' });
    }
    return { ok: true, data: null };
  });
}
