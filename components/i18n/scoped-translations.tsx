import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import type { ReactNode } from 'react';

/**
 * Translations for the client components inside, limited to the namespaces they use: a provider without
 * `messages` would put the whole catalogue (over 80 kB) into every page's payload. For pages whose other
 * parts render on the server (the auditor's workspace, viewed all day).
 */
export async function ScopedTranslations({ namespaces, children }: { namespaces: string[]; children: ReactNode }) {
  const messages = (await getMessages()) as Record<string, unknown>;
  return (
    <NextIntlClientProvider messages={Object.fromEntries(namespaces.map((name) => [name, messages[name]]))}>
      {children}
    </NextIntlClientProvider>
  );
}
