'use server';

import { cookies } from 'next/headers';

import { action } from '@/lib/actions';
import { env } from '@/lib/env';
import { failure, success, type ActionResult } from '@/lib/result';
import type { PasswordLinkDto } from '@/lib/users/dto';
import { passwordLinkAccount } from '@/lib/users/queries';
import {
  USER_SEARCH_COOKIE,
  userSearchInput,
  createUserInput,
  passwordLinkInput,
  setPasswordInput,
  updateUserAccessInput,
  userCommandInput,
} from '@/lib/users/schema';
import {
  createUser,
  issuePasswordLink,
  resetUserSecondFactor,
  setPasswordWithLink,
  setUserActive,
  unlockUser,
  updateUserAccess,
  type PasswordLink,
} from '@/lib/users/service';

/**
 * User administration. Every change needs the second factor proved within the last minutes (step-up,
 * ASVS 7.5.3): a stolen admin session alone must not hand out accounts, roles or password links.
 */
const MANAGE = { permission: 'users:manage', stepUp: true } as const;

/** Dates cross to the browser as ISO strings. */
const linkDto = (link: PasswordLink): PasswordLinkDto => ({ path: link.path, expiresAt: link.expiresAt.toISOString() });

const mapData =
  <T, U>(shape: (data: T) => U) =>
  (result: ActionResult<T>): ActionResult<U> =>
    result.ok ? success(shape(result.data)) : result;

/** "Konto anlegen": returns the one-time link to set the password, shown to the admin once. */
export const createUserAction = action({ ...MANAGE, input: createUserInput }, (command) =>
  createUser(command).then(mapData((user) => ({ id: user.id, passwordLink: linkDto(user.passwordLink) }))),
);

/** "Rolle und Zuständigkeit speichern". */
export const updateUserAccessAction = action({ ...MANAGE, input: updateUserAccessInput }, updateUserAccess);

/** "Konto deaktivieren": every session of the account ends at once. */
export const disableUserAction = action({ ...MANAGE, input: userCommandInput }, (command) =>
  setUserActive({ ...command, active: false }),
);

/** "Konto wieder aktivieren". */
export const enableUserAction = action({ ...MANAGE, input: userCommandInput }, (command) =>
  setUserActive({ ...command, active: true }),
);

/** "Zweiten Faktor zurücksetzen". */
export const resetUserSecondFactorAction = action({ ...MANAGE, input: userCommandInput }, resetUserSecondFactor);

/** "Neuen Link zum Setzen des Passworts": shown to the admin once. */
export const issuePasswordLinkAction = action({ ...MANAGE, input: userCommandInput }, (command) =>
  issuePasswordLink(command).then(mapData(linkDto)),
);

/**
 * "Sperre aufheben". With step-up too: unlocking again and again would otherwise let a stolen admin
 * session defeat the lock while it guesses another account's password.
 */
export const unlockUserAction = action({ ...MANAGE, input: userCommandInput }, unlockUser);

/**
 * The page behind the one-time link, as it opens: whose account the link is for (for the password manager),
 * or that it is unknown, expired or used (one message, that says nothing about any account).
 */
export const openPasswordLinkAction = action({ public: true, input: passwordLinkInput }, async ({ input }) => {
  const account = await passwordLinkAccount(input.token);
  return account ? success(account) : failure('INVALID_STATE', 'users.passwordLink.invalid');
});

/** The public page behind the one-time link: no session; the link itself is the proof. */
export const setPasswordWithLinkAction = action({ public: true, input: setPasswordInput }, setPasswordWithLink);

/**
 * "Suchen" in the account list (no step-up: it changes nothing). The term is kept in a short-lived cookie
 * for the list page, not in its URL: names and e-mail addresses of staff would otherwise end up in proxy
 * logs and browser history.
 */
export const searchUsersAction = action({ permission: 'users:manage', input: userSearchInput }, async ({ input }) => {
  const store = await cookies();
  if (input.q) {
    store.set(USER_SEARCH_COOKIE, input.q, {
      httpOnly: true,
      sameSite: 'strict',
      secure: env().APP_URL.startsWith('https://'),
      path: '/verwaltung/benutzer',
      maxAge: 30 * 60,
    });
  } else {
    store.delete({ name: USER_SEARCH_COOKIE, path: '/verwaltung/benutzer' });
  }
  return success(null);
});
