'use server';

import 'server-only';

import { cookies } from 'next/headers';

import { isLocale, LOCALE_COOKIE } from '@/lib/i18n/config';
import { isTrustedOrigin } from '@/lib/security/origin';

/**
 * Switches the interface language (the form's `locale` field). Not personal data; open to everyone,
 * including the sign-in page. Setting the cookie makes Next
 * render the page again, now in the new language.
 */
export async function setLocaleAction(form: FormData): Promise<void> {
  const locale = form.get('locale');
  if (!isLocale(locale) || !(await isTrustedOrigin())) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
}
