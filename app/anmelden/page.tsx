import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';

import { Header } from '@/components/app-shell/header';
import { SkipLink } from '@/components/app-shell/skip-link';
import { OidcSignInButton } from '@/components/auth/oidc-sign-in-button';
import { SignInForm } from '@/components/auth/sign-in-form';
import { Alert } from '@/components/ui/alert';
import { oidcConfigured } from '@/lib/auth/oidc';
import { getActor } from '@/lib/auth/guards';
import { signInErrorKey } from '@/lib/auth/sign-in-error';
import { env } from '@/lib/env';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signIn'))('title') };
}

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; error?: string | string[]; passwort?: string | string[] }>;
}) {
  if (await getActor()) redirect('/');
  const t = await getTranslations('signIn');
  const params = await searchParams;
  const next = single(params.next);
  // Set by next-auth or our OIDC callback after a failed sign-in at the identity provider.
  const errorKey = signInErrorKey(single(params.error));
  const oidc = oidcConfigured();
  const localAccounts = env().LOCAL_ACCOUNTS === 'enabled';
  return (
    <>
      <SkipLink />
      <Header navItems={[]} />
      <main id="main" className="mx-auto max-w-md space-y-6 px-4 py-8">
        <div>
          <h1 className="mb-2 text-2xl font-bold">{t('title')}</h1>
          <p className="text-slate-700">{t(oidc ? 'oidcIntro' : 'intro')}</p>
        </div>
        {/* After the one-time link (app/anmelden/passwort/[token]). */}
        {single(params.passwort) === 'festgelegt' && (
          <Alert tone="success" announce testId="password-set">
            {(await getTranslations('users.passwordLink'))('done')}
          </Alert>
        )}
        {errorKey && (
          <Alert tone="error" announce testId="sign-in-redirect-error">
            {t(errorKey)}
          </Alert>
        )}
        {oidc && <OidcSignInButton next={next} />}
        {localAccounts && (
          <div className="space-y-4">
            {oidc && <p className="border-t border-slate-300 pt-6 text-slate-700">{t('localAccount')}</p>}
            <SignInForm next={next} />
          </div>
        )}
      </main>
    </>
  );
}
