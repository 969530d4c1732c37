import type { ReactNode } from 'react';

import { formatStatValue, type StatFormat, type StatUnits } from '@/components/statistics/format';

/**
 * What both charts take. Every word comes in through props (the page translates), so the same charts serve a
 * German and an English page.
 */
export type ChartProps = {
  /** Unique on the page: prefixes the ids of the title and of the bar patterns. Letters, digits and dashes. */
  id: string;
  title: string;
  description?: string;
  /** One row per category (or month, in order); one value per series, `null` where the value is suppressed. */
  rows: { label: string; values: (number | null)[] }[];
  series: { label: string }[];
  format: StatFormat;
  /** Printed instead of a suppressed value (a small cell), e.g. "< 5". */
  suppressedLabel: string;
  /** The data table's caption; without one the table is named by the title. */
  tableCaption?: string;
  /** The summary that shows the data table, e.g. "Als Tabelle anzeigen". */
  tableToggleLabel: string;
  /** Shown instead of the chart when there is nothing to draw (no rows, or only zeros and suppressed values). */
  emptyLabel: string;
  /** Header of the table's first column, e.g. "Monat"; the cell stays empty without it. */
  categoryLabel?: string;
  /** Unit words and locale for the values; German by default. */
  units?: StatUnits;
  locale?: string;
};

/**
 * Series fills that differ in lightness and pattern, not in colour alone (WCAG 1.4.1), each at least 3:1 against
 * white (1.4.11) in every pixel, marks included: brand-700 solid (9.1:1), amber-600 with dark stripes (3.2:1),
 * teal-600 with dark dots (3.7:1). A fourth series would repeat the first; the statistics need two at most.
 */
const SERIES_STYLES = [
  { base: '#174a7c', mark: null },
  { base: '#d97706', mark: '#78350f' },
  { base: '#0d9488', mark: '#134e4a' },
] as const;

const styleOf = (index: number) => SERIES_STYLES[index % SERIES_STYLES.length] ?? SERIES_STYLES[0];
const patternId = (chartId: string, index: number) => `${chartId}-series-${index % SERIES_STYLES.length}`;

/** The fill of a series' bars: a colour, or a pattern from `SeriesPatterns` in the chart's own SVG. */
export function seriesFill(chartId: string, index: number): string {
  return styleOf(index).mark ? `url(#${patternId(chartId, index)})` : styleOf(index).base;
}

/** The patterns `seriesFill` refers to; the legend's swatches use them too (ids are page-wide). */
export function SeriesPatterns({ chartId, count }: { chartId: string; count: number }) {
  return (
    <defs>
      {Array.from({ length: Math.min(count, SERIES_STYLES.length) }, (_, index) => {
        const { base, mark } = styleOf(index);
        if (!mark) return null;
        return (
          <pattern
            key={index}
            id={patternId(chartId, index)}
            width={6}
            height={6}
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width={6} height={6} fill={base} />
            {index === 1 ? <rect width={2} height={6} fill={mark} /> : <circle cx={3} cy={3} r={1.4} fill={mark} />}
          </pattern>
        );
      })}
    </defs>
  );
}

/**
 * Both drawings are 320 units wide, about what a 360 px phone leaves for them (296 px inside the page's and the
 * figure's padding), so that their text stays near its nominal size there; the frame caps them at 384 px on wider
 * screens, where the text grows by a fifth at most (a 15-unit label: 14 px on the phone, 18 px on a desktop).
 */
export const VIEW_WIDTH = 320;

/** Text colours: slate-800 (14.6:1) for labels and values, slate-600 (7.6:1) for the secondary ones. */
export const TEXT = '#1e293b';
export const MUTED_TEXT = '#475569';

/**
 * Server-side there is no text to measure, so widths are estimated: 0.6 em per character is a little more than
 * system-ui's average, which leaves room rather than letting labels overlap.
 */
export const textWidth = (text: string, fontSize: number) => text.length * fontSize * 0.6;

/** A missing value (a row shorter than `series`) counts as suppressed: better "< 5" than a made-up zero. */
export const valueAt = (row: ChartProps['rows'][number], index: number) => row.values[index] ?? null;

/** Each cell's text, rows × series: the chart and its table print these same strings. */
export function cellTexts({ rows, series, format, suppressedLabel, units, locale }: ChartProps): string[][] {
  return rows.map((row) =>
    series.map((_, index) => {
      const value = valueAt(row, index);
      return value === null ? suppressedLabel : formatStatValue(value, format, units, locale);
    }),
  );
}

export const maxValue = (rows: ChartProps['rows']) =>
  Math.max(0, ...rows.flatMap((row) => row.values.filter((value) => value !== null)));

/**
 * The frame both charts share: caption, legend, the chart, and the data table with the same numbers.
 *
 * The table exists once. It follows the `<details>` as its sibling and is `sr-only` until the details open
 * (`peer-open:not-sr-only`): screen readers always find it, read it once, and never have to open anything,
 * while sighted users open it with the summary. Inside a closed `<details>` it would be hidden from screen
 * readers too; a second, visible copy would be announced twice. The SVG is `aria-hidden`, and so is the legend,
 * whose words are the table's column headers. Pure CSS: no client JavaScript.
 */
export function ChartFrame({ chart, children }: { chart: ChartProps; children: ReactNode }) {
  const { id, title, description, rows, series, tableCaption, tableToggleLabel, emptyLabel, categoryLabel } = chart;
  const titleId = `${id}-title`;
  // Only zeros: nothing happened. Suppressed values are not nothing: the chart and its table say "< 5".
  const empty = rows.every((row) => row.values.every((value) => value === 0));
  const texts = cellTexts(chart);
  return (
    <figure className="relative rounded-lg border border-slate-300 bg-white p-4" data-testid={`chart-${id}`}>
      <figcaption>
        <span id={titleId} className="block text-lg font-semibold">
          {title}
        </span>
        {description && <span className="mt-1 block text-sm text-slate-700">{description}</span>}
      </figcaption>
      {empty ? (
        <p className="mt-3 text-slate-700">{emptyLabel}</p>
      ) : (
        <>
          {series.length > 1 && (
            <ul aria-hidden="true" className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="chart-legend">
              {series.map((entry, index) => (
                <li key={index} className="flex items-center gap-2">
                  <svg viewBox="0 0 16 16" className="size-4 shrink-0">
                    <rect width={16} height={16} fill={seriesFill(id, index)} />
                  </svg>
                  {entry.label}
                </li>
              ))}
            </ul>
          )}
          {/* Capped at 384 px: see VIEW_WIDTH. */}
          <div className="mt-3 max-w-sm">{children}</div>
          <details className="peer mt-2">
            <summary className="min-h-11 cursor-pointer content-center font-semibold">{tableToggleLabel}</summary>
          </details>
          <div className="sr-only peer-open:not-sr-only">
            {/* No scrolling box: the table wraps its labels instead. A scrollable box inside the visually
                hidden wrapper is a region keyboard users cannot reach (axe: scrollable-region-focusable). */}
            <table
              className="w-full border-collapse text-sm"
              aria-labelledby={tableCaption ? undefined : titleId}
              data-testid="chart-table"
            >
              {tableCaption && <caption className="mb-1 text-left font-semibold">{tableCaption}</caption>}
              <thead>
                <tr className="border-b-2 border-slate-400 text-left">
                  {/* An empty header cell is a td: an empty th would be a header without a name. */}
                  {categoryLabel ? (
                    <th scope="col" className="px-2 py-2 font-semibold [overflow-wrap:anywhere]">
                      {categoryLabel}
                    </th>
                  ) : (
                    <td />
                  )}
                  {series.map((entry, index) => (
                    <th key={index} scope="col" className="px-2 py-2 text-right font-semibold [overflow-wrap:anywhere]">
                      {entry.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, rowIndex) => (
                  <tr key={rowIndex} className="border-b border-slate-200">
                    <th scope="row" className="px-2 py-2 text-left font-normal [overflow-wrap:anywhere]">
                      {row.label}
                    </th>
                    {texts[rowIndex]?.map((text, index) => (
                      <td key={index} className="px-2 py-2 text-right whitespace-nowrap tabular-nums">
                        {text}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}
