'use server';

import { cookies } from 'next/headers';

import { formAction } from '@/lib/actions';
import { LOCALE_COOKIE } from '@/lib/i18n/config';
import { localeForm } from '@/lib/i18n/schema';
import { success } from '@/lib/result';

/**
 * Switches the interface language (a plain form, also on the sign-in page). Not personal data, open to
 * everyone. Setting the cookie makes Next render the page again, now in the new language.
 */
export const setLocaleAction = formAction({ public: true, input: localeForm }, async ({ input }) => {
  (await cookies()).set(LOCALE_COOKIE, input, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
  return success(null);
});
