import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';
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

const LABEL_FONT = 15;
const LINE = 19;
const VALUE_FONT = 14;
const BAR = 16;
const BAR_GAP = 3;
const ROW_GAP = 14;
const VALUE_GAP = 5;

/**
 * Horizontal bars, one row per category (partner, municipality, gender, outcome, override). The label stands
 * above its bars rather than beside them, so that long names (a counselling centre's) keep the full width on a
 * phone; each bar has its value at its end, so no axis is needed.
 */
export function BarChart(props: ChartProps) {
  return (
    <ChartFrame chart={props}>
      <HorizontalBars {...props} />
    </ChartFrame>
  );
}

function HorizontalBars(props: ChartProps) {
  const { id, rows, series } = props;
  const texts = cellTexts(props);
  // Room at the right for the longest value label, so that the longest bar's label still fits.
  const valueRoom = Math.max(...texts.flat().map((text) => textWidth(text, VALUE_FONT))) + 2 * VALUE_GAP;
  const x = scaleLinear({ domain: [0, maxValue(rows)], range: [0, VIEW_WIDTH - valueRoom] });
  const maxChars = Math.floor(VIEW_WIDTH / textWidth('x', LABEL_FONT));

  const layout: { lines: string[]; top: number }[] = [];
  let top = 0;
  for (const row of rows) {
    const lines = wrapLabel(row.label, maxChars);
    layout.push({ lines, top });
    top += lines.length * LINE + 4 + series.length * (BAR + BAR_GAP) - BAR_GAP + ROW_GAP;
  }
  const height = top - ROW_GAP;

  return (
    <svg
      viewBox={`0 0 ${VIEW_WIDTH} ${height}`}
      className="block h-auto w-full"
      aria-hidden="true"
      focusable="false"
      data-testid="chart-svg"
    >
      <SeriesPatterns chartId={id} count={series.length} />
      {rows.map((row, rowIndex) => {
        const { lines, top: rowTop } = layout[rowIndex] ?? { lines: [], top: 0 };
        const barsTop = lines.length * LINE + 4;
        return (
          <Group key={rowIndex} top={rowTop}>
            {lines.map((line, lineIndex) => (
              <text key={lineIndex} y={lineIndex * LINE + LABEL_FONT} fontSize={LABEL_FONT} fill={TEXT}>
                {line}
              </text>
            ))}
            {series.map((_, index) => {
              const value = valueAt(row, index);
              const y = barsTop + index * (BAR + BAR_GAP);
              // A tiny value still shows a sliver, so that it does not look like zero.
              const width = value === null ? 0 : Math.max(x(Math.max(0, value)), value > 0 ? 1 : 0);
              return (
                <g key={index}>
                  {value !== null && <Bar x={0} y={y} width={width} height={BAR} fill={seriesFill(id, index)} />}
                  <text
                    x={width + VALUE_GAP}
                    y={y + BAR / 2}
                    dy="0.35em"
                    fontSize={VALUE_FONT}
                    fill={value === null ? MUTED_TEXT : TEXT}
                  >
                    {texts[rowIndex]?.[index]}
                  </text>
                </g>
              );
            })}
          </Group>
        );
      })}
    </svg>
  );
}

/**
 * Greedy word wrap, as SVG text does not wrap by itself: three lines at most, the last shortened with "…" if need
 * be. The full label is in the data table.
 */
function wrapLabel(label: string, maxChars: number, maxLines = 3): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= maxChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const kept = lines.slice(0, maxLines - 1);
  const rest = lines.slice(maxLines - 1).join(' ');
  return [...kept, ...(rest ? [rest] : [])].map((line) =>
    line.length > maxChars ? `${line.slice(0, maxChars - 1).trimEnd()}…` : line,
  );
}
