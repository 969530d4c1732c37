import 'server-only';

import { cookies } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';

import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE } from '@/lib/i18n/config';

/** The locale is a user choice kept in a cookie (no locale in URLs); German unless English was chosen. */
export default getRequestConfig(async () => {
  const cookieLocale = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(cookieLocale) ? cookieLocale : DEFAULT_LOCALE;
  return {
    locale,
    timeZone: 'Europe/Berlin',
    messages: (await import(`./messages/${locale}.json`)).default,
  };
});
