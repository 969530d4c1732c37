import type { Metadata, Viewport } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { clientTexts } from '@/lib/i18n/client-texts';

import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: { default: t('title'), template: `%s · ${t('title')}` }, robots: { index: false, follow: false } };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#123a61' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The error boundary (app/error.tsx) may show on any route: its texts come from here, not from next-intl
  // in the browser, which only the routes that need it load (their own layouts).
  const [locale, texts] = await Promise.all([getLocale(), clientTexts('error')]);
  return (
    <html lang={locale}>
      <body className="min-h-dvh">
        <ClientTextsProvider texts={texts}>{children}</ClientTextsProvider>
      </body>
    </html>
  );
}
