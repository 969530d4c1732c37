import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { Header } from '@/components/app-shell/header';
import { SkipLink } from '@/components/app-shell/skip-link';
import { buttonClass } from '@/components/ui/button';
import { Alert } from '@/components/ui/alert';
import { SetPasswordForm } from '@/components/users/set-password-form';
import { passwordLinkAccount } from '@/lib/users/queries';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('users.passwordLink'))('title') };
}

/**
 * Public, like the sign-in page: the one-time link from the admin is the proof. An unknown, expired or
 * used link gets one message that says nothing about the account.
 */
export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const account = await passwordLinkAccount(token);
  const t = await getTranslations('users.passwordLink');
  return (
    <>
      <SkipLink />
      <Header navItems={[]} />
      <main id="main" className="mx-auto max-w-md space-y-6 px-4 py-8">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        {account ? (
          <>
            <p className="text-slate-700">{t('intro')}</p>
            <SetPasswordForm token={token} email={account.email} />
          </>
        ) : (
          <>
            <Alert tone="error" testId="password-link-invalid">
              {t('invalid')}
            </Alert>
            <a href="/anmelden" className={buttonClass('secondary')}>
              {t('toSignIn')}
            </a>
          </>
        )}
      </main>
    </>
  );
}
