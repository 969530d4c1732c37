import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

import { EmailAddress } from '@/components/ui/email-address';
import { UserAccessForm } from '@/components/users/user-access-form';
import { UserAccountActions } from '@/components/users/user-account-actions';
import { UserStatus } from '@/components/users/user-status';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { TIME_ZONE } from '@/lib/time/berlin';
import type { ManagedUserDto } from '@/lib/users/dto';
import { getUserDetail, loadScopeOptions } from '@/lib/users/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('users:manage', 'users', 'title');
}

export default async function UserDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission('users:manage');
  const { id } = await params;
  const user = await getUserDetail(id);
  if (!user) notFound();
  const [session, options, t, tRoles, format] = await Promise.all([
    getSession(),
    loadScopeOptions(),
    getTranslations('users'),
    getTranslations('roles'),
    getFormatter(),
  ]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE });
  const self = user.id === actor.id;
  const totpEnrolled = session?.totpEnrolled ?? false;
  const dto: ManagedUserDto = {
    id: user.id,
    displayName: user.displayName,
    version: user.version,
    role: user.role,
    scopeValue: user.scopeValue,
    active: user.active,
    locked: user.locked,
    directoryAccount: user.directoryAccount,
    secondFactorPresent: user.secondFactorPresent,
  };

  const passwordState = [
    user.hasPassword ? t('detail.passwordYes') : t('detail.passwordNo'),
    user.passwordLinkExpiresAt && t('detail.passwordLinkOpen', { expiresAt: when(user.passwordLinkExpiresAt) }),
  ]
    .filter(Boolean)
    .join(', ');
  const facts: { key: string; label: string; value: ReactNode }[] = [
    { key: 'email', label: t('columns.email'), value: <EmailAddress email={user.email} /> },
    { key: 'role', label: t('columns.role'), value: tRoles(user.role) },
    {
      key: 'scope',
      label: t('columns.scope'),
      value: user.scopeKind ? `${user.scopeName} (${t(`scopeKinds.${user.scopeKind}`)})` : t('noScope'),
    },
    { key: 'status', label: t('columns.status'), value: <UserStatus active={user.active} locked={user.locked} /> },
    {
      key: 'secondFactor',
      label: t('columns.secondFactor'),
      value: user.secondFactorEnrolled ? t('secondFactor.enrolled') : t('secondFactor.notEnrolled'),
    },
    {
      key: 'lastSignIn',
      label: t('columns.lastSignIn'),
      value: user.lastSignInAt ? when(user.lastSignInAt) : t('neverSignedIn'),
    },
    {
      key: 'method',
      label: t('detail.signInMethod'),
      value: user.directoryAccount ? t('detail.methodDirectory') : t('detail.methodLocal'),
    },
    ...(user.directoryAccount ? [] : [{ key: 'password', label: t('detail.password'), value: passwordState }]),
    { key: 'createdAt', label: t('detail.createdAt'), value: when(user.createdAt) },
  ];

  return (
    <div className="space-y-6">
      <a href="/verwaltung/benutzer" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('detail.back')}
      </a>
      <h1 className="text-2xl font-bold break-words">{user.displayName}</h1>

      <section aria-labelledby="facts-heading" className="space-y-3">
        <h2 id="facts-heading" className="text-lg font-bold">
          {t('detail.facts')}
        </h2>
        <dl
          className="grid grid-cols-1 gap-x-6 gap-y-1 rounded-lg border border-slate-300 bg-white p-4 sm:grid-cols-[auto_1fr]"
          data-testid="user-facts"
        >
          {facts.map(({ key, label, value }) => (
            <div key={key} className="contents" data-testid={`fact-${key}`}>
              <dt className="font-semibold">{label}</dt>
              <dd className="mb-2 sm:mb-0">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="access-heading" className="space-y-3">
        <h2 id="access-heading" className="text-lg font-bold">
          {t('detail.accessSection')}
        </h2>
        {self ? (
          <p className="max-w-prose" data-testid="own-access">
            {t('detail.ownAccess')}
          </p>
        ) : user.directoryAccount ? (
          <p className="max-w-prose">{t('detail.directoryManaged')}</p>
        ) : (
          <UserAccessForm user={dto} options={options} totpEnrolled={totpEnrolled} />
        )}
      </section>

      <section aria-labelledby="account-heading" className="space-y-3">
        <h2 id="account-heading" className="text-lg font-bold">
          {t('detail.accountSection')}
        </h2>
        <UserAccountActions user={dto} self={self} totpEnrolled={totpEnrolled} />
      </section>
    </div>
  );
}
