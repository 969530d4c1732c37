import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { BarChart } from '@/components/statistics/bar-chart';
import type { ChartProps } from '@/components/statistics/chart-frame';
import { ColumnChart } from '@/components/statistics/column-chart';
import { formatStatValue, type StatFormat } from '@/components/statistics/format';

const NBSP = '\u00a0';

const base: ChartProps = {
  id: 'partner',
  title: 'Vermittlungen nach Fachberatungsstelle',
  description: 'Letzte 12 Monate',
  rows: [
    { label: 'BISS Hannover', values: [1234, 980] },
    { label: 'Frauenhaus Langenhagen', values: [40, 10] },
    { label: 'Männerberatung Garbsen', values: [6, null] },
  ],
  series: [{ label: 'Vermittlungen' }, { label: 'davon innerhalb 3 Tagen erreicht' }],
  format: 'count',
  suppressedLabel: '< 5',
  tableToggleLabel: 'Als Tabelle anzeigen',
  emptyLabel: 'Im gewählten Zeitraum gibt es keine Vermittlungen.',
  categoryLabel: 'Fachberatungsstelle',
};

type Chart = typeof BarChart | typeof ColumnChart;
const render = (chart: Chart, overrides: Partial<ChartProps> = {}) =>
  renderToStaticMarkup(createElement(chart, { ...base, ...overrides }));

const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
/** The chart's own SVG (the legend's swatches are SVGs too). */
const svgOf = (html: string) => /<svg[^>]*data-testid="chart-svg"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
const tableOf = (html: string) => /<table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
const svgTexts = (html: string) => [...svgOf(html).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!));
const bodyCells = (html: string) =>
  [...(/<tbody>[\s\S]*<\/tbody>/.exec(tableOf(html))?.[0] ?? '').matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) =>
    decode(m[1]!),
  );
const bars = (html: string) => [...svgOf(html).matchAll(/<rect[^>]*class="visx-bar"[^>]*>/g)].map((m) => m[0]);
const attr = (element: string, name: string) => Number(new RegExp(` ${name}="([^"]+)"`).exec(element)?.[1]);

describe('formatStatValue', () => {
  it.each<[number, StatFormat, string]>([
    [1234, 'count', '1.234'],
    [1234567, 'count', '1.234.567'],
    [0, 'count', '0'],
    [12.5, 'percent', `12,5${NBSP}%`],
    [50, 'percent', `50${NBSP}%`],
    [5.5, 'hours', `5,5${NBSP}Std.`],
    [47.9, 'hours', `47,9${NBSP}Std.`],
    [47.96, 'hours', `2${NBSP}Tage`],
    [48, 'hours', `2${NBSP}Tage`],
    [76.8, 'hours', `3,2${NBSP}Tage`],
  ])('%s as %s reads "%s"', (value, format, expected) => {
    expect(formatStatValue(value, format)).toBe(expected);
  });

  it('takes the unit words and the locale of another language', () => {
    const english = { hours: 'h', days: 'days' };
    expect(formatStatValue(76.8, 'hours', english, 'en-GB')).toBe(`3.2${NBSP}days`);
    expect(formatStatValue(5.5, 'hours', english, 'en-GB')).toBe(`5.5${NBSP}h`);
    expect(formatStatValue(12.5, 'percent', english, 'en-GB')).toBe('12.5%');
    expect(formatStatValue(1234, 'count', english, 'en-GB')).toBe('1,234');
  });
});

describe.each([
  ['BarChart', BarChart],
  ['ColumnChart', ColumnChart],
] as const)('%s', (_, chart) => {
  it('draws no bar for a suppressed value and prints the suppressed label in the chart and the table', () => {
    const html = render(chart, {
      rows: [
        { label: 'A', values: [12] },
        { label: 'B', values: [null] },
      ],
      series: [{ label: 'Vermittlungen' }],
    });
    expect(bars(html)).toHaveLength(1);
    expect(svgTexts(html)).toContain('< 5');
    expect(bodyCells(html)).toEqual(['A', '12', 'B', '< 5']);
  });

  it('prints in its table the numbers its bars show, and the bars are as long as the numbers', () => {
    const html = render(chart);
    // Both list each row's label, then its values series by series.
    expect(bodyCells(html)).toEqual([
      'BISS Hannover',
      '1.234',
      '980',
      'Frauenhaus Langenhagen',
      '40',
      '10',
      'Männerberatung Garbsen',
      '6',
      '< 5',
    ]);
    for (const text of ['1.234', '980', '40', '10', '6', '< 5']) expect(svgTexts(html)).toContain(text);

    const size = chart === BarChart ? 'width' : 'height';
    const lengths = bars(html).map((bar) => attr(bar, size));
    const values = [1234, 980, 40, 10, 6];
    expect(lengths).toHaveLength(values.length);
    lengths.forEach((length, index) => expect(length / lengths[0]!).toBeCloseTo(values[index]! / values[0]!, 2));
  });

  it('tells its series apart by fill and pattern, with a legend', () => {
    const html = render(chart);
    const legend = /<ul[^>]*data-testid="chart-legend"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
    expect(legend).toContain('Vermittlungen');
    expect(legend).toContain('davon innerhalb 3 Tagen erreicht');
    expect(legend).toContain('aria-hidden="true"');
    const fills = new Set(bars(html).map((bar) => / fill="([^"]+)"/.exec(bar)?.[1]));
    expect(fills).toEqual(new Set(['#174a7c', 'url(#partner-series-1)']));
    expect(svgOf(html)).toContain('<pattern id="partner-series-1"');
  });

  it('has no legend for a single series', () => {
    expect(render(chart, { series: [{ label: 'Vermittlungen' }] })).not.toContain('chart-legend');
  });

  it('is a figure with a caption, a hidden drawing and one table that the summary reveals', () => {
    const html = render(chart);
    expect(html).toMatch(
      /^<figure[^>]*><figcaption><span id="partner-title"[^>]*>Vermittlungen nach Fachberatungsstelle<\/span>/,
    );
    expect(html).toContain('Letzte 12 Monate');
    expect(svgOf(html)).toMatch(/^<svg[^>]*aria-hidden="true"[^>]*focusable="false"/);
    expect(svgOf(html)).toContain('viewBox="0 0 320 ');
    // One table, named by the title, sr-only until the details before it are open.
    expect(html.match(/<table/g)).toHaveLength(1);
    expect(html).toMatch(
      /<details class="peer[^"]*"><summary[^>]*>Als Tabelle anzeigen<\/summary><\/details><div class="sr-only peer-open:not-sr-only">/,
    );
    expect(tableOf(html)).toContain('aria-labelledby="partner-title"');
    expect(tableOf(html)).toContain('<th scope="col" class="px-2 py-2 font-semibold [overflow-wrap:anywhere]">Fachberatungsstelle</th>');
    expect(html).not.toContain('<script');
  });

  it('names its table by a caption when one is given', () => {
    const table = tableOf(render(chart, { tableCaption: 'Vermittlungen je Stelle, 2025' }));
    expect(table).toContain('Vermittlungen je Stelle, 2025</caption>');
    expect(table).not.toContain('aria-labelledby');
  });

  it.each([
    ['no rows', []],
    [
      'only zeros',
      [
        { label: 'A', values: [0, 0] },
        { label: 'B', values: [0, 0] },
      ],
    ],
  ])('shows the empty label instead of a chart when there are %s', (_case, rows) => {
    const html = render(chart, { rows });
    expect(html).toContain('<figcaption>');
    expect(html).toContain('Im gewählten Zeitraum gibt es keine Vermittlungen.');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<table');
    expect(html).not.toContain('<script');
  });
});

describe.each([
  ['BarChart', BarChart],
  ['ColumnChart', ColumnChart],
])('%s with only suppressed values', (_name, chart) => {
  it('is not "nothing": the chart and its table show the suppressed label', () => {
    const html = render(chart, { rows: [{ label: 'Uetze', values: [null, 0] }] });
    expect(html).not.toContain('Im gewählten Zeitraum gibt es keine Vermittlungen.');
    expect(html).toContain('<table');
    expect(html).toContain('&lt; 5');
    expect(html).not.toContain('NaN');
  });
});

describe('ColumnChart with 24 months', () => {
  const months = Array.from({ length: 24 }, (_, index) => ({
    label: `${['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'][index % 12]} ${24 + Math.floor(index / 12)}`,
    values: [100 + index, index === 5 ? null : 50],
  }));

  it('thins out the month labels, drops the values too crowded to print, and keeps them all in the table', () => {
    const html = render(ColumnChart, { rows: months });
    const texts = svgTexts(html);
    months.forEach((month, index) => expect(texts.includes(month.label)).toBe(index % 2 === 0));
    expect(texts).not.toContain('123');
    expect(texts).toContain('< 5');
    expect(bars(html)).toHaveLength(47);
    const cells = bodyCells(html);
    expect(cells).toHaveLength(24 * 3);
    expect(cells.slice(15, 18)).toEqual(['Jun 24', '105', '< 5']);
    expect(cells.slice(69)).toEqual(['Dez 25', '123', '50']);
  });

  it('prints every value when the columns are wide enough', () => {
    const html = render(ColumnChart, { rows: months.slice(0, 12), series: [{ label: 'Vermittlungen' }] });
    for (const month of months.slice(0, 12)) expect(svgTexts(html)).toContain(String(month.values[0]));
  });
});
