import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { Header } from '@/components/app-shell/header';
import { SkipLink } from '@/components/app-shell/skip-link';
import { Alert } from '@/components/ui/alert';
import { PasswordLink } from '@/components/users/password-link';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('users.passwordLink'))('title') };
}

/**
 * Public, like the sign-in page: the one-time link from the admin is the proof. Its token is in the
 * address's fragment, which never reaches the server (lib/users/service.ts), so the page itself opens the
 * link in the browser.
 */
export default async function SetPasswordPage() {
  const t = await getTranslations('users.passwordLink');
  return (
    <>
      <SkipLink />
      <Header navItems={[]} />
      <main id="main" className="mx-auto max-w-md space-y-6 px-4 py-8">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <noscript>
          <Alert tone="error">{t('needsJavaScript')}</Alert>
        </noscript>
        <PasswordLink />
      </main>
    </>
  );
}
