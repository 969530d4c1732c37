import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';

import { RuleHistory } from '@/components/routing/rule-history';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { findMunicipality, ruleHistory } from '@/lib/routing/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('routing:manage', 'routing', 'overview.history');
}

/** The history of every rule of one municipality, both tracks. */
export default async function MunicipalityHistoryPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission('routing:manage');
  const { id } = await params;
  const municipality = await findMunicipality(id);
  if (!municipality) notFound();
  const [entries, t] = await Promise.all([
    ruleHistory({ municipalityId: municipality.id }),
    getTranslations('routing'),
  ]);
  return (
    <div className="space-y-5">
      <a href="/verwaltung/zustaendigkeit" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('history.back')}
      </a>
      <h1 className="text-2xl font-bold">{t('history.title', { name: municipality.name })}</h1>
      <p className="max-w-prose text-slate-700">{t('history.intro')}</p>
      <RuleHistory entries={entries} />
    </div>
  );
}
