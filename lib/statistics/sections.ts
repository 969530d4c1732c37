import type { Figure, StatsView } from '@/lib/statistics/dto';
import { MIN_PUBLISHED } from '@/lib/statistics/protect';

/**
 * The statistics as the page draws them and the CSV lists them: one list of sections, so that the two
 * always show the same figures. Texts come from the caller's translator. Client-safe, pure.
 */
export type StatCell = {
  /** null: suppressed (shown as "< 5"). */
  value: number | null;
  /** A lower bound: suppressed cells are left out of this sum. */
  partial: boolean;
};
export type StatSection = {
  id: string;
  title: string;
  description?: string;
  chart: 'bar' | 'column';
  format: 'count' | 'percent' | 'hours';
  categoryLabel: string;
  series: string[];
  rows: { label: string; cells: StatCell[] }[];
};
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export const cellOf = (figure: Figure): StatCell =>
  figure.hidden > 0 && figure.value === 0
    ? { value: null, partial: false }
    : { value: figure.value, partial: figure.hidden > 0 };

/** A share in percent of published figures; null (not shown) below 5 in the denominator. */
export function shareOf(part: Figure, whole: Figure): StatCell {
  if (whole.value < MIN_PUBLISHED) return { value: null, partial: false };
  return { value: (100 * part.value) / whole.value, partial: part.hidden > 0 || whole.hidden > 0 };
}

/** The headline figures: referrals, consent rate, high-risk share, reached within 3 days. */
export function keyFigures(
  view: StatsView,
  t: Translate,
): { label: string; cell: StatCell; format: 'count' | 'percent' }[] {
  const { referrals, perpetratorReferrals, declined, highRisk, reached } = view.totals;
  const offers: Figure = { value: referrals.value + declined.value, hidden: referrals.hidden + declined.hidden };
  const persons: Figure = {
    value: referrals.value + perpetratorReferrals.value,
    hidden: referrals.hidden + perpetratorReferrals.hidden,
  };
  return [
    { label: t('kpi.referrals'), cell: cellOf(referrals), format: 'count' },
    { label: t('kpi.consentRate'), cell: shareOf(referrals, offers), format: 'percent' },
    { label: t('kpi.highRisk'), cell: shareOf(highRisk, referrals), format: 'percent' },
    { label: t('kpi.reached'), cell: shareOf(reached, persons), format: 'percent' },
  ];
}

export function statSections(view: StatsView, t: Translate, monthLabel: (month: string) => string): StatSection[] {
  return [
    {
      id: 'partners',
      title: t('sections.partners.title'),
      description: t('sections.partners.description'),
      chart: 'bar',
      format: 'count',
      categoryLabel: t('sections.partners.category'),
      series: [t('sections.partners.referred'), t('sections.partners.reached')],
      rows: view.partners.map((p) => ({ label: p.name, cells: [cellOf(p.referred), cellOf(p.reached)] })),
    },
    {
      id: 'months',
      title: t('sections.months.title'),
      description: t('sections.months.description'),
      chart: 'column',
      format: 'count',
      categoryLabel: t('sections.months.category'),
      series: [t('sections.months.referrals'), t('sections.months.declined')],
      rows: view.months.map((m) => ({ label: monthLabel(m.month), cells: [cellOf(m.referrals), cellOf(m.declined)] })),
    },
    {
      id: 'durations',
      title: t('sections.durations.title'),
      description: t('sections.durations.description'),
      chart: 'bar',
      format: 'hours',
      categoryLabel: t('sections.durations.category'),
      series: [t('sections.durations.median'), t('sections.durations.p90')],
      rows: view.durations.map((d) => ({
        label: t(`sections.durations.measures.${d.measure}`),
        cells: [
          { value: d.median, partial: false },
          { value: d.p90, partial: false },
        ],
      })),
    },
    {
      id: 'municipalities',
      title: t('sections.municipalities.title'),
      chart: 'bar',
      format: 'count',
      categoryLabel: t('sections.municipalities.category'),
      series: [t('sections.municipalities.referrals')],
      rows: view.municipalities.map((m) => ({ label: m.name, cells: [cellOf(m.referrals)] })),
    },
    {
      id: 'genders',
      title: t('sections.genders.title'),
      chart: 'bar',
      format: 'count',
      categoryLabel: t('sections.genders.category'),
      series: [t('sections.genders.referrals')],
      rows: view.genders.map((g) => ({ label: t(`genders.${g.key}`), cells: [cellOf(g.referrals)] })),
    },
    {
      id: 'results',
      title: t('sections.results.title'),
      description: t('sections.results.description'),
      chart: 'bar',
      format: 'count',
      categoryLabel: t('sections.results.category'),
      series: [t('sections.results.count')],
      rows: view.results.map((r) => ({ label: t(`results.${r.key}`), cells: [cellOf(r.count)] })),
    },
    {
      id: 'routing',
      title: t('sections.routing.title'),
      description: t('sections.routing.description'),
      chart: 'bar',
      format: 'count',
      categoryLabel: t('sections.routing.category'),
      series: [t('sections.routing.count')],
      rows: view.routing.map((r) => ({ label: t(`routing.${r.key.replace(':', '.')}`), cells: [cellOf(r.count)] })),
    },
  ];
}
