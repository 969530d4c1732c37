import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';

import { Header } from '@/components/app-shell/header';
import { SkipLink } from '@/components/app-shell/skip-link';
import { SignInForm } from '@/components/auth/sign-in-form';
import { getActor } from '@/lib/auth/session';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('signIn'))('title') };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  if (await getActor()) redirect('/');
  const t = await getTranslations('signIn');
  const { next } = await searchParams;
  return (
    <>
      <SkipLink />
      <Header navItems={[]} />
      <main id="main" className="mx-auto max-w-md px-4 py-8">
        <h1 className="mb-2 text-2xl font-bold">{t('title')}</h1>
        <p className="mb-6 text-slate-700">{t('intro')}</p>
        <SignInForm next={typeof next === 'string' ? next : undefined} />
      </main>
    </>
  );
}
