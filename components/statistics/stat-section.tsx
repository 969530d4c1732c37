import { BarChart } from '@/components/statistics/bar-chart';
import { ColumnChart } from '@/components/statistics/column-chart';
import type { StatSection } from '@/lib/statistics/sections';

/** One section of the statistics as its chart with its data table; a partial figure is marked with "*". */
export function StatSectionChart({
  section,
  texts,
  locale,
}: {
  section: StatSection;
  texts: { hidden: string; tableToggle: string; empty: string };
  locale: string;
}) {
  const props = {
    id: `chart-${section.id}`,
    title: section.title,
    description: section.description,
    rows: section.rows.map((row) => ({ label: row.label, values: row.cells.map((c) => c.value) })),
    series: section.series.map((label) => ({ label })),
    format: section.format,
    suppressedLabel: texts.hidden,
    tableToggleLabel: texts.tableToggle,
    emptyLabel: texts.empty,
    categoryLabel: section.categoryLabel,
    locale: locale === 'en' ? 'en-GB' : 'de-DE',
    ...(locale === 'en' && { units: { hours: 'h', days: 'days' } }),
  };
  return (
    <section data-testid={`stats-${section.id}`}>
      {section.chart === 'column' ? <ColumnChart {...props} /> : <BarChart {...props} />}
    </section>
  );
}
