import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';

import {
  cellTexts,
  ChartFrame,
  type ChartProps,
  maxValue,
  MUTED_TEXT,
  SeriesPatterns,
  seriesFill,
  TEXT,
  textWidth,
  valueAt,
  VIEW_WIDTH,
} from '@/components/statistics/chart-frame';
import { formatStatValue } from '@/components/statistics/format';

const PLOT_HEIGHT = 180;
const FONT = 13;
const VALUE_FONT = 12;
const GRID = '#cbd5e1';
const BASELINE = '#64748b';

/**
 * Vertical columns over time ("per month"), rows in order, up to 24 of them. With few columns each has its value
 * above it, turned upright so that it fits a thin column. When the columns get thinner than a line of text
 * (more than 10 months with two series, or 24 with one), the values are left out rather than overlapping: the
 * gridlines give the size, the data table every number. Month labels turn upright when they do not fit side by
 * side, and only every second one shows when even upright they would touch (24 months).
 */
export function ColumnChart(props: ChartProps) {
  return (
    <ChartFrame chart={props}>
      <Columns {...props} />
    </ChartFrame>
  );
}

function Columns(props: ChartProps) {
  const { id, rows, series, format, units, locale } = props;
  const texts = cellTexts(props);

  const y = scaleLinear({ domain: [0, maxValue(rows)], range: [PLOT_HEIGHT, 0], nice: true });
  // Half a person is not a count: counts get whole ticks only.
  const ticks = y.ticks(4).filter((tick) => format !== 'count' || Number.isInteger(tick));
  const tickTexts = ticks.map((tick) => formatStatValue(tick, format, units, locale));
  const left = Math.max(...tickTexts.map((text) => textWidth(text, FONT))) + 8;

  // Indices, not labels, as the domain: "Jan." may stand for two years' Januaries.
  const x = scaleBand({ domain: rows.map((_, index) => index), range: [left, VIEW_WIDTH], paddingInner: 0.1 });
  const inner = scaleBand({ domain: series.map((_, index) => index), range: [0, x.bandwidth()] });
  const showValues = inner.bandwidth() >= VALUE_FONT;

  const labelWidth = Math.max(...rows.map((row) => textWidth(row.label, FONT)));
  const upright = labelWidth > x.step() - 4;
  // Upright labels need a line's height each.
  const labelEvery = upright ? Math.ceil(FONT / x.step()) : 1;

  const valueRoom = Math.max(...texts.flat().map((text) => textWidth(text, VALUE_FONT)));
  const top = showValues ? valueRoom + 6 : FONT;
  const height = top + PLOT_HEIGHT + (upright ? labelWidth : FONT) + 8;

  return (
    <svg
      viewBox={`0 0 ${VIEW_WIDTH} ${height}`}
      className="block h-auto w-full"
      aria-hidden="true"
      focusable="false"
      data-testid="chart-svg"
    >
      <SeriesPatterns chartId={id} count={series.length} />
      <Group top={top}>
        {ticks.map((tick, index) => (
          <g key={tick}>
            <line x1={left} x2={VIEW_WIDTH} y1={y(tick)} y2={y(tick)} stroke={tick === 0 ? BASELINE : GRID} />
            <text x={left - 6} y={y(tick)} dy="0.35em" textAnchor="end" fontSize={FONT} fill={MUTED_TEXT}>
              {tickTexts[index]}
            </text>
          </g>
        ))}
        {rows.map((row, rowIndex) => {
          const slot = x(rowIndex) ?? 0;
          const center = slot + x.bandwidth() / 2;
          return (
            <g key={rowIndex}>
              {series.map((_, index) => {
                const value = valueAt(row, index);
                const columnX = slot + (inner(index) ?? 0);
                const columnTop = value === null ? PLOT_HEIGHT : Math.min(y(Math.max(0, value)), PLOT_HEIGHT - 1);
                const text = texts[rowIndex]?.[index];
                const labelX = columnX + inner.bandwidth() / 2;
                return (
                  <g key={index}>
                    {/* A hairline gap between a month's columns; a tiny value still shows a sliver. */}
                    {value !== null && value > 0 && (
                      <Bar
                        x={columnX}
                        y={columnTop}
                        width={Math.max(inner.bandwidth() - 1, 1)}
                        height={PLOT_HEIGHT - columnTop}
                        fill={seriesFill(id, index)}
                      />
                    )}
                    {/* The suppressed label is always printed, or a suppressed month would look like a zero; its
                        white halo keeps it legible where, in a crowded chart, it touches a neighbouring column. */}
                    {(showValues || value === null) && (
                      <text
                        transform={`translate(${labelX}, ${columnTop - 4}) rotate(-90)`}
                        dy="0.35em"
                        fontSize={VALUE_FONT}
                        fill={value === null ? MUTED_TEXT : TEXT}
                        stroke="#fff"
                        strokeWidth={3}
                        paintOrder="stroke"
                      >
                        {text}
                      </text>
                    )}
                  </g>
                );
              })}
              {rowIndex % labelEvery === 0 && (
                <text
                  transform={
                    upright
                      ? `translate(${center}, ${PLOT_HEIGHT + 6}) rotate(-90)`
                      : `translate(${center}, ${PLOT_HEIGHT + 6 + FONT})`
                  }
                  dy={upright ? '0.35em' : undefined}
                  textAnchor={upright ? 'end' : 'middle'}
                  fontSize={FONT}
                  fill={TEXT}
                >
                  {row.label}
                </text>
              )}
            </g>
          );
        })}
      </Group>
    </svg>
  );
}
