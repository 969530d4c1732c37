import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';

import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { ReferralForm } from '@/components/referral-form/referral-form';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { clientTexts } from '@/lib/i18n/client-texts';
import { loadReferralFormOptions } from '@/lib/referrals/queries';
import { instantToBerlinLocal } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('referral:create', 'referralForm', 'title');
}

export default async function NewReferralPage() {
  await requirePermission('referral:create');
  const t = await getTranslations('referralForm');
  const now = new Date();
  const [options, texts] = await Promise.all([
    loadReferralFormOptions(now, await getLocale()),
    clientTexts('referralForm', 'gender', 'errors'),
  ]);
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="text-slate-700">{t('intro')}</p>
      <ClientTextsProvider texts={texts}>
        <ReferralForm options={options} now={instantToBerlinLocal(now)} />
      </ClientTextsProvider>
    </div>
  );
}
