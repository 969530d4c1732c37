import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';

import { PartnerForm } from '@/components/partners/partner-form';
import { PartnerWebhook } from '@/components/partners/partner-webhook';
import { RuleHistory } from '@/components/routing/rule-history';
import { validityFormatter } from '@/lib/routing/labels';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { languageOptions } from '@/lib/partners/languages';
import { partnerForEdit, partnerWebhookOf } from '@/lib/partners/queries';
import { ruleHistory, rulesOfPartner } from '@/lib/routing/queries';
import { isUuid } from '@/lib/validation/uuid';
import { berlinDateOf } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('partners:manage', 'partners', 'title');
}

export default async function PartnerPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission('partners:manage');
  const { id } = await params;
  const partner = isUuid(id) ? await partnerForEdit(id) : null;
  if (!partner) notFound();
  const [session, t, tRouting, locale, rules, history, validity, webhook] = await Promise.all([
    getSession(),
    getTranslations('partners'),
    getTranslations('routing'),
    getLocale(),
    rulesOfPartner(partner.id),
    ruleHistory({ partnerId: partner.id }),
    validityFormatter(),
    partnerWebhookOf(partner.id),
  ]);
  return (
    <div className="space-y-6">
      <a href="/verwaltung/partner" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('back')}
      </a>
      <h1 className="text-2xl font-bold">
        {partner.name} <span className="text-base font-normal text-slate-700">({partner.code})</span>
      </h1>
      <PartnerForm
        partner={partner}
        languages={languageOptions(locale)}
        totpEnrolled={session?.totpEnrolled ?? false}
        today={berlinDateOf(new Date())}
      />
      {webhook && <PartnerWebhook webhook={webhook} totpEnrolled={session?.totpEnrolled ?? false} />}
      <section aria-labelledby="partner-rules" className="space-y-3">
        <h2 id="partner-rules" className="text-xl font-bold">
          {t('detail.rules')}
        </h2>
        {rules.length === 0 ? (
          <p>{t('detail.noRules')}</p>
        ) : (
          <ul className="grid gap-1 text-sm sm:grid-cols-2" data-testid="partner-rules">
            {rules.map((r) => (
              <li key={r.id}>
                {r.municipalityName} · {tRouting(`genders.${r.gender}`)} · {tRouting(`tracks.${r.track}`)}:{' '}
                {validity(r.firstDay, r.lastDay)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="partner-history" className="space-y-3">
        <h2 id="partner-history" className="text-xl font-bold">
          {t('detail.history')}
        </h2>
        <RuleHistory entries={history} />
      </section>
    </div>
  );
}
