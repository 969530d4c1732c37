import type { Figure, StatsView } from '@/lib/statistics/dto';
import { MIN_PUBLISHED } from '@/lib/statistics/protect';

/**
 * The statistics as the page draws them and the CSV lists them: one list of sections, so that the two
 * always show the same figures. Texts come from the caller's translator. Client-safe, pure.
 */

/** A value as shown: null reads "< 5" (below 5, or suppressed), or for a share "too few cases". */
export type StatCell = { value: number | null };
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

/**
 * What a value that is not shown reads: a count "< 5"; a share or a duration "too few cases" (a share or a
 * time reading "< 5" would look like 5 % or 5 hours).
 */
export const hiddenLabelKey = (format: StatSection['format']) => (format === 'count' ? 'suppressed' : 'tooFew');

export const cellOf = (figure: Figure): StatCell => ({ value: figure.value < MIN_PUBLISHED ? null : figure.value });

/** A share in percent of published parts; not shown below 5 in the whole. */
export function shareOf({ part, rest }: { part: number; rest: number }): StatCell {
  const whole = part + rest;
  return { value: whole < MIN_PUBLISHED ? null : (100 * part) / whole };
}

/** The headline figures: referrals, consent rate, high-risk share, reached within 3 days. */
export function keyFigures(
  view: StatsView,
  t: Translate,
): { label: string; cell: StatCell; format: 'count' | 'percent' }[] {
  return [
    { label: t('kpi.referrals'), cell: cellOf(view.totals.referrals), format: 'count' },
    { label: t('kpi.consentRate'), cell: shareOf(view.shares.consent), format: 'percent' },
    { label: t('kpi.highRisk'), cell: shareOf(view.shares.highRisk), format: 'percent' },
    { label: t('kpi.reached'), cell: shareOf(view.shares.reached), format: 'percent' },
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
        cells: [{ value: d.median }, { value: d.p90 }],
      })),
    },
    {
      id: 'municipalities',
      title: t('sections.municipalities.title'),
      description: t('sections.municipalities.description'),
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
