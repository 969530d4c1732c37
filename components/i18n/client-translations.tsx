import { NextIntlClientProvider } from 'next-intl';
import type { ReactNode } from 'react';

/**
 * Layout for routes whose client components translate in the browser (next-intl). Only these routes load
 * next-intl's client; the officer's form gets its texts from the server instead (lib/i18n/client-texts.ts)
 * to stay within its JavaScript budget.
 */
export default function ClientTranslations({ children }: { children: ReactNode }) {
  return <NextIntlClientProvider>{children}</NextIntlClientProvider>;
}
