'use server';

import 'server-only';

import { cookies } from 'next/headers';

import { isLocale, LOCALE_COOKIE } from '@/lib/i18n/config';
import { isTrustedOrigin } from '@/lib/security/origin';

/** Switches the interface language. Not personal data; open to everyone, including the sign-in page. */
export async function setLocaleAction(locale: unknown): Promise<void> {
  if (!isLocale(locale) || !(await isTrustedOrigin())) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
}
