import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';

import { StatSectionChart } from '@/components/statistics/stat-section';
import { StatsFiltersForm } from '@/components/statistics/stats-filters';
import { formatStatValue } from '@/components/statistics/format';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { statisticsForAddress } from '@/lib/statistics/queries';
import { statsQuery } from '@/lib/statistics/schema';
import { hiddenLabelKey, keyFigures, statSections } from '@/lib/statistics/sections';
import { berlinDateOf } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('statistics:read', 'statistics', 'title');
}

/**
 * "Statistik" (issue 14): how the cooperation works, from pseudonymous facts with small cells suppressed
 * (ADR 0014): per partner how many were referred and reached within 3 days, per month, the times from the
 * callout, per municipality and gender, results and routing. Directorate-wide for admins and auditors, the
 * own scope for supervisors. No person and no referral: nothing to audit.
 */
export default async function StatisticsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('statistics:read');
  const currentMonth = berlinDateOf(new Date()).slice(0, 7);
  const [{ view, filters, options, place: chosen, problems, outside }, t, locale] = await Promise.all([
    statisticsForAddress(actor, await searchParams, currentMonth),
    getTranslations('statistics'),
    getLocale(),
  ]);
  const notices = [
    ...(problems.some((p) => p !== 'rangeTooLong') ? [t('problems')] : []),
    ...(problems.includes('rangeTooLong') ? [t('rangeShortened')] : []),
    ...(outside ? [t('outside')] : []),
  ];
  const place = [chosen.municipality, chosen.station].filter(Boolean);
  const monthFormat = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });
  const monthLabel = (month: string) => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
  const translate = (key: string, values?: Record<string, string | number>) => t(key as never, values as never);
  const sections = statSections(view, translate, monthLabel);
  const figures = keyFigures(view, translate);
  const numberLocale = locale === 'en' ? 'en-GB' : 'de-DE';
  const texts = { tableToggle: t('tableToggle'), empty: t('empty') };
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <p className="text-slate-700" data-testid="stats-scope">
          {view.scope ? t('scopeOwn', { scope: view.scope }) : t('scopeAll')} ·{' '}
          {t('period', { from: monthLabel(filters.from), to: monthLabel(filters.to) })}
          {place.length > 0 && ` · ${place.join(' · ')}`}
        </p>
        <p className="max-w-prose text-sm text-slate-700">{t('privacy')}</p>
      </div>
      {notices.length > 0 && (
        <Alert tone="warning" testId="stats-problems">
          {notices.join(' ')}
        </Alert>
      )}
      <StatsFiltersForm filters={filters} currentMonth={currentMonth} options={options} />
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="stats-key-figures">
        {figures.map((f) => (
          <div key={f.label} className="rounded-lg border border-slate-300 bg-white p-3">
            <dt className="text-sm font-semibold hyphens-auto text-slate-700">{f.label}</dt>
            <dd className="text-2xl font-bold">
              {f.cell.value === null
                ? t(hiddenLabelKey(f.format))
                : formatStatValue(f.cell.value, f.format, undefined, numberLocale)}
            </dd>
          </div>
        ))}
      </dl>
      {sections.map((section) => (
        <StatSectionChart
          key={section.id}
          section={section}
          texts={{ ...texts, hidden: t(hiddenLabelKey(section.format)) }}
          locale={locale}
        />
      ))}
      <p>
        <a
          href={`/statistik/export?${statsQuery(filters)}`}
          className={buttonClass('secondary')}
          download
          data-testid="stats-csv"
        >
          {t('download')}
        </a>
      </p>
    </div>
  );
}
