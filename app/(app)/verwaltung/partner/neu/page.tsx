import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';

import { PartnerForm } from '@/components/partners/partner-form';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { languageOptions } from '@/lib/partners/languages';
import { berlinDateOf } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('partners:manage', 'partners', 'new');
}

export default async function NewPartnerPage() {
  await requirePermission('partners:manage');
  const [session, t, locale] = await Promise.all([getSession(), getTranslations('partners'), getLocale()]);
  return (
    <div className="space-y-5">
      <a href="/verwaltung/partner" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('back')}
      </a>
      <h1 className="text-2xl font-bold">{t('new')}</h1>
      <PartnerForm
        languages={languageOptions(locale)}
        totpEnrolled={session?.totpEnrolled ?? false}
        today={berlinDateOf(new Date())}
      />
    </div>
  );
}
