import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { ChangePasswordForm } from '@/components/account/change-password-form';
import { SignOutEverywhere } from '@/components/account/sign-out-everywhere';
import { ownSecondFactorStatus } from '@/lib/auth/mfa/queries';
import { RECOVERY_CODE_COUNT } from '@/lib/auth/mfa/recovery-codes';
import { can } from '@/lib/auth/permissions';
import { requirePermission } from '@/lib/auth/guards';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('account'))('pageTitle') };
}

export default async function AccountPage() {
  const actor = await requirePermission('account:change-password');
  const t = await getTranslations('account');
  const secondFactor = await ownSecondFactorStatus(actor.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t('pageTitle')}</h1>
      <section aria-labelledby="password-heading" className="space-y-3">
        <h2 id="password-heading" className="text-lg font-bold">
          {t('passwordSection')}
        </h2>
        <ChangePasswordForm />
      </section>
      <section aria-labelledby="second-factor-heading" className="max-w-prose space-y-2">
        <h2 id="second-factor-heading" className="text-lg font-bold">
          {t('secondFactorSection')}
        </h2>
        {secondFactor.enabledAt ? (
          <>
            <p data-testid="second-factor-status">
              {t('secondFactorEnabled', { date: secondFactor.enabledAt })}{' '}
              {t('recoveryCodesLeft', { count: secondFactor.recoveryCodesLeft, total: RECOVERY_CODE_COUNT })}
            </p>
            <p className="text-slate-700">{t('secondFactorLost')}</p>
          </>
        ) : (
          <p data-testid="second-factor-status">{t('secondFactorNone')}</p>
        )}
      </section>
      {can(actor.role, 'account:sign-out-everywhere') && <SignOutEverywhere />}
    </div>
  );
}
