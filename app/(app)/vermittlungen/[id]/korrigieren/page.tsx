import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';

import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { ReferralForm } from '@/components/referral-form/referral-form';
import { ReturnedComment } from '@/components/review/returned-comment';
import { Alert } from '@/components/ui/alert';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { clientTexts } from '@/lib/i18n/client-texts';
import { loadReferralFormOptions, ownReferral } from '@/lib/referrals/queries';
import { formValuesOf } from '@/lib/referrals/stored';
import { instantToBerlinLocal } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('referral:correct-own', 'referralDetail', 'correctTitle');
}

/** The officer corrects an own referral with the same form, until the supervisor approved it. */
export default async function CorrectReferralPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission('referral:correct-own', params);
  const { id } = await params;
  const referral = await ownReferral({ actor, id });
  if (!referral) notFound();
  const t = await getTranslations('referralDetail');
  const values = referral.correctable && referral.draft ? formValuesOf(referral.draft, referral) : null;
  const now = new Date();
  const [options, texts] = await Promise.all([
    loadReferralFormOptions(now, await getLocale()),
    clientTexts('referralForm', 'gender', 'errors'),
  ]);
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <a
        href={`/vermittlungen/${referral.id}`}
        className="inline-flex min-h-11 items-center underline underline-offset-4"
      >
        {t('backToReferral')}
      </a>
      <h1 className="text-2xl font-bold">{t('correctTitle')}</h1>
      <ReturnedComment status={referral.status} timeline={referral.timeline} />
      {values ? (
        <ClientTextsProvider texts={texts}>
          <ReferralForm
            options={options}
            now={instantToBerlinLocal(now)}
            correction={{ values, referralId: referral.id }}
          />
        </ClientTextsProvider>
      ) : (
        <Alert tone="info">{t('notCorrectable')}</Alert>
      )}
    </div>
  );
}
