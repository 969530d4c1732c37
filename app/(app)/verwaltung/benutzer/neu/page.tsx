import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { CreateUserForm } from '@/components/users/create-user-form';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { loadScopeOptions } from '@/lib/users/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('users:manage', 'users', 'new');
}

export default async function NewUserPage() {
  await requirePermission('users:manage');
  const [session, options, t] = await Promise.all([getSession(), loadScopeOptions(), getTranslations('users')]);
  return (
    <div className="space-y-5">
      <a href="/verwaltung/benutzer" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('detail.back')}
      </a>
      <h1 className="text-2xl font-bold">{t('new')}</h1>
      <CreateUserForm options={options} totpEnrolled={session?.totpEnrolled ?? false} />
    </div>
  );
}
