import { getLocale, getTranslations } from 'next-intl/server';

import { authorizeAction } from '@/lib/auth/guards';
import { toCsv } from '@/lib/csv';
import { statisticsFor } from '@/lib/statistics/queries';
import { parseStatsFilters } from '@/lib/statistics/schema';
import { keyFigures, statSections, type StatCell } from '@/lib/statistics/sections';
import { berlinDateOf } from '@/lib/time/berlin';

export const dynamic = 'force-dynamic';

/**
 * "Als CSV herunterladen": the statistics' aggregates as the page shows them (issue 14), values below 5 and
 * suppressed cells as "< 5". Pseudonymous aggregates only, so a plain link (GET) with the page's filters;
 * refused callers get "not found", as for the page.
 */
export async function GET(request: Request) {
  const auth = await authorizeAction('statistics:read');
  if (!auth.ok) return new Response(null, { status: 404 });
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  const { filters, problems } = parseStatsFilters(params, berlinDateOf(new Date()).slice(0, 7));
  if (problems.length > 0) return new Response(null, { status: 400 });
  const [view, t, locale] = await Promise.all([
    statisticsFor(auth.data.actor, filters),
    getTranslations('statistics'),
    getLocale(),
  ]);
  const translate = (key: string, values?: Record<string, string | number>) => t(key as never, values as never);
  const number = new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
    maximumFractionDigits: 1,
    useGrouping: false,
  });
  const value = (cell: StatCell) => (cell.value === null ? t('suppressed') : number.format(cell.value));
  const rows: (string | number | null)[][] = [
    ...keyFigures(view, translate).map((f) => [
      t('csv.keyFigures'),
      f.label,
      '',
      f.cell.value === null && f.format === 'percent' ? t('tooFew') : value(f.cell),
    ]),
    ...statSections(view, translate, (month) => month).flatMap((section) =>
      section.rows.flatMap((row) =>
        row.cells.map((cell, i) => [section.title, row.label, section.series[i] ?? '', value(cell)]),
      ),
    ),
    // What "< 5" means and that sums leave suppressed cells out, for whoever opens the file without the page.
    [t('csv.note'), t('privacy'), '', ''],
  ];
  const csv = toCsv([t('csv.section'), t('csv.category'), t('csv.series'), t('csv.value')], rows);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="statistik-${filters.from}-bis-${filters.to}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
