import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { Alert } from '@/components/ui/alert';
import { dayFormatter } from '@/lib/routing/labels';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { coverageReport } from '@/lib/routing/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('routing:manage', 'routing', 'coverage.title');
}

/** Gaps in the responsibilities today and in the next 30 days, and active partners without any rule. */
export default async function CoveragePage() {
  await requirePermission('routing:manage');
  const [{ gaps, partnersWithoutRules }, t, day] = await Promise.all([
    coverageReport(),
    getTranslations('routing'),
    dayFormatter(),
  ]);
  return (
    <div className="space-y-5">
      <a href="/verwaltung/zustaendigkeit" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('history.back')}
      </a>
      <h1 className="text-2xl font-bold">{t('coverage.title')}</h1>
      <p className="max-w-prose text-slate-700">{t('coverage.intro')}</p>
      {gaps.length === 0 && (
        <Alert tone="success" testId="coverage-complete">
          {t('coverage.noGaps')}
        </Alert>
      )}
      {gaps.length > 0 && (
        <section aria-labelledby="gaps" className="space-y-2">
          <h2 id="gaps" className="text-xl font-bold">
            {t('coverage.gapsTitle')}
          </h2>
          <ul className="space-y-2" data-testid="coverage-gaps">
            {gaps.map((g) => (
              <li
                key={`${g.track}|${g.gender}|${g.municipalityId}`}
                className="rounded-md border-l-4 border-red-700 bg-red-50 p-3"
                data-testid="coverage-gap"
              >
                <p>
                  {t('coverage.gap', {
                    municipality: g.municipalityName,
                    gender: t(`genders.${g.gender}`),
                    track: t(`tracks.${g.track}`),
                    firstDay: day(g.firstDay),
                    days: g.uncoveredDays,
                  })}
                </p>
                <a
                  href={`/verwaltung/zustaendigkeit/aendern?bereich=${g.track}&gemeinde=${g.municipalityId}&gruppe=${g.gender}`}
                  className="text-brand-800 inline-flex min-h-11 items-center underline"
                >
                  {t('coverage.fix')}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {partnersWithoutRules.length > 0 && (
        <section aria-labelledby="idle" className="space-y-2">
          <h2 id="idle" className="text-xl font-bold">
            {t('coverage.idleTitle')}
          </h2>
          <ul className="list-disc pl-6" data-testid="partners-without-rules">
            {partnersWithoutRules.map((p) => (
              <li key={p.id}>
                <a href={`/verwaltung/partner/${p.id}`} className="text-brand-800 underline">
                  {p.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
