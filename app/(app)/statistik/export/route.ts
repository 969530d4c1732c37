import { getLocale, getTranslations } from 'next-intl/server';

import { authorizeAction } from '@/lib/auth/guards';
import { toCsv } from '@/lib/csv';
import { statisticsForAddress } from '@/lib/statistics/queries';
import { queryParams } from '@/lib/statistics/schema';
import { hiddenLabelKey, keyFigures, statSections, type StatCell, type StatSection } from '@/lib/statistics/sections';
import { berlinDateOf } from '@/lib/time/berlin';

export const dynamic = 'force-dynamic';

/**
 * "Zahlen als CSV herunterladen": the statistics' aggregates as the page shows them (issue 14), with the
 * selection they are for and each value's unit; values below 5 and suppressed cells read "< 5" (shares and
 * times "too few cases"). Pseudonymous aggregates only, so a plain link (GET) with the page's filters.
 * Refused callers get "not found", as for the page; filters the page would not apply send the reader to the
 * page, which says why.
 */
export async function GET(request: Request) {
  const auth = await authorizeAction('statistics:read');
  if (!auth.ok) return text(404, 'Seite nicht gefunden.');
  const url = new URL(request.url);
  const [{ view, filters, options, place, problems, outside }, t, locale] = await Promise.all([
    statisticsForAddress(auth.data.actor, queryParams(url.searchParams), berlinDateOf(new Date()).slice(0, 7)),
    getTranslations('statistics'),
    getLocale(),
  ]);
  if (problems.length > 0 || outside) {
    return new Response(null, { status: 303, headers: { Location: `/statistik${url.search}` } });
  }
  const translate = (key: string, values?: Record<string, string | number>) => t(key as never, values as never);
  const number = new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
    maximumFractionDigits: 1,
    useGrouping: false,
  });
  const value = (cell: StatCell, format: StatSection['format']) =>
    cell.value === null ? t(hiddenLabelKey(format)) : number.format(cell.value);
  const unit = (format: StatSection['format']) => t(`csv.units.${format}`);
  const selection = t('csv.selection');
  const rows: (string | number | null)[][] = [
    [selection, t('csv.area'), '', view.scope ?? t('scopeAll'), ''],
    [selection, t('csv.period'), '', `${filters.from} – ${filters.to}`, ''],
    [selection, t('filters.municipality'), '', place.municipality ?? t('filters.allMunicipalities'), ''],
    ...(options.stations.length > 0
      ? [[selection, t('filters.station'), '', place.station ?? t('filters.allStations'), '']]
      : []),
    ...keyFigures(view, translate).map((f) => [
      t('csv.keyFigures'),
      f.label,
      '',
      value(f.cell, f.format),
      unit(f.format),
    ]),
    ...statSections(view, translate, (month) => month).flatMap((section) =>
      section.rows.flatMap((row) =>
        row.cells.map((cell, i) => [
          section.title,
          row.label,
          section.series[i] ?? '',
          value(cell, section.format),
          unit(section.format),
        ]),
      ),
    ),
    // What "< 5" means and that sums leave suppressed cells out, for whoever opens the file without the page.
    [t('csv.note'), t('privacy'), '', '', ''],
  ];
  const csv = toCsv([t('csv.section'), t('csv.category'), t('csv.series'), t('csv.value'), t('csv.unit')], rows);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="statistik-${filters.from}-bis-${filters.to}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
