import 'server-only';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import { reviewScope } from '@/lib/review/scope';
import type { Figure, StatsView } from '@/lib/statistics/dto';
import {
  cell,
  COUNT,
  GENDER,
  GENDERS,
  MEASURES,
  REACHED,
  RESULT,
  RESULTS,
  RISK,
  ROUTING,
  ROUTINGS,
} from '@/lib/statistics/families';
import { CLASSES, quantile } from '@/lib/statistics/histogram';
import {
  addMonths,
  monthsBetween,
  parseStatsFilters,
  type StatsFilters,
  type StatsProblem,
} from '@/lib/statistics/schema';

/**
 * The statistics for the page and its CSV (issue 14, ADR 0014): sums of the published cells (StatsCell) and
 * histograms (StatsDuration) over the months of the filter and the actor's scope, never the facts: a few
 * index range reads however many referrals there are. Directorate-wide for admins and auditors; a supervisor
 * sees their station or inspection only (the same scope as the review queue), whatever the address asks.
 */
type Sum = { family: string; key: string; value: number; hidden: number };

/**
 * A median or 90th percentile is shown from this many published durations on (each atom's are published
 * from 5 on): with fewer, it would come close to one person's time.
 */
const MIN_DURATIONS = 10;

/** `coalesce(sum(counts[1]), 0), …` for every class (constants: SQL text, no input). */
const CLASS_SUMS = Prisma.raw(
  Array.from({ length: CLASSES }, (_, i) => `coalesce(sum(counts[${i + 1}]), 0)`).join(', '),
);

const NONE: Figure = { value: 0, hidden: 0 };

function where(actor: Actor, filters: StatsFilters) {
  const scope = actor.role === 'SUPERVISOR' ? reviewScope(actor) : null;
  // A supervisor without a scope sees nothing (as in the review queue).
  const scoped =
    actor.role !== 'SUPERVISOR'
      ? Prisma.empty
      : scope && 'stationId' in scope
        ? Prisma.sql`AND "stationId" = ${scope.stationId}::uuid`
        : scope
          ? Prisma.sql`AND "inspectionId" = ${scope.inspectionId}::uuid`
          : Prisma.sql`AND false`;
  return Prisma.sql`
    month >= ${`${filters.from}-01`}::date AND month <= ${`${filters.to}-01`}::date ${scoped}
    ${filters.municipalityId ? Prisma.sql`AND "municipalityId" = ${filters.municipalityId}::uuid` : Prisma.empty}
    ${filters.stationId ? Prisma.sql`AND "stationId" = ${filters.stationId}::uuid` : Prisma.empty}`;
}

export async function statisticsFor(actor: Actor, filters: StatsFilters): Promise<StatsView> {
  const w = where(actor, filters);
  const [sums, months, places, histograms, partners, municipalities, scope, [consent]] = await Promise.all([
    db().$queryRaw<Sum[]>`
      SELECT family, key, coalesce(sum(value), 0)::int AS value, count(*) FILTER (WHERE value IS NULL)::int AS hidden
        FROM "StatsCell" WHERE ${w} GROUP BY family, key`,
    db().$queryRaw<(Sum & { month: string })[]>`
      SELECT to_char(month, 'YYYY-MM') AS month, family, '' AS key, coalesce(sum(value), 0)::int AS value,
             count(*) FILTER (WHERE value IS NULL)::int AS hidden
        FROM "StatsCell" WHERE ${w} AND family IN (${cell('VICTIM', COUNT)}, ${cell('DECLINED', COUNT)})
       GROUP BY 1, 2`,
    db().$queryRaw<(Sum & { municipalityId: string })[]>`
      SELECT "municipalityId"::text AS "municipalityId", '' AS family, '' AS key,
             coalesce(sum(value), 0)::int AS value, count(*) FILTER (WHERE value IS NULL)::int AS hidden
        FROM "StatsCell" WHERE ${w} AND family = ${cell('VICTIM', COUNT)} GROUP BY 1`,
    // The histograms added class by class (a sum per array position: a tenth of unnest's time).
    db().$queryRaw<{ measure: string; counts: number[] }[]>`
      SELECT measure, ARRAY[${CLASS_SUMS}]::int[] AS counts FROM "StatsDuration" WHERE ${w} GROUP BY 1`,
    db().partner.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
    municipalitiesOf(actor, filters),
    scopeName(actor),
    // Referrals and declined offers of the same atoms, where neither is suppressed (a missing row is zero).
    db().$queryRaw<{ part: number; rest: number }[]>`
      WITH v AS (SELECT month, "stationId", "municipalityId", value FROM "StatsCell"
                  WHERE ${w} AND family = ${cell('VICTIM', COUNT)}),
           d AS (SELECT month, "stationId", "municipalityId", value FROM "StatsCell"
                  WHERE ${w} AND family = ${cell('DECLINED', COUNT)})
      SELECT coalesce(sum(v.value), 0)::int AS part, coalesce(sum(d.value), 0)::int AS rest
        FROM v FULL JOIN d USING (month, "stationId", "municipalityId")
       WHERE (v.value IS NOT NULL OR v."stationId" IS NULL) AND (d.value IS NOT NULL OR d."stationId" IS NULL)`,
  ]);
  const figure = (family: string, key = ''): Figure => {
    const sum = sums.find((s) => s.family === family && s.key === key);
    return sum ? { value: sum.value, hidden: sum.hidden } : NONE;
  };
  const add = (a: Figure, b: Figure): Figure => ({ value: a.value + b.value, hidden: a.hidden + b.hidden });

  // Every code of every list, whether it occurs or not: an absent code reads "< 5" like a suppressed one, so the
  // lists do not tell which codes occur. A partner working for both populations (men's counselling for male
  // victims and perpetrators) is one row, the sum of its published figures in both.
  // Both columns from the same published cells (reached or not, per partner), so that a row's share and the
  // headline share agree; a partner's cells that are not published count in neither.
  const reachedOf = (id: string, answer: 'YES' | 'NO') =>
    add(figure(cell('VICTIM', REACHED), `${id}:${answer}`), figure(cell('PERPETRATOR', REACHED), `${id}:${answer}`));
  const referredBy = partners.map(({ id, name }) => ({
    id,
    name,
    referred: add(reachedOf(id, 'YES'), reachedOf(id, 'NO')),
    reached: reachedOf(id, 'YES'),
  }));
  const merged = (family: string, codes: readonly string[]) =>
    codes.map((key) => ({
      key,
      count: add(figure(cell('VICTIM', family), key), figure(cell('PERPETRATOR', family), key)),
    }));
  const reachedSum = (answer: 'YES' | 'NO') =>
    sums
      .filter(
        (r) =>
          (r.family === cell('VICTIM', REACHED) || r.family === cell('PERPETRATOR', REACHED)) &&
          r.key.endsWith(`:${answer}`),
      )
      .reduce((total, r) => total + r.value, 0);

  const monthFigure = (month: string, family: string): Figure => {
    const row = months.find((m) => m.month === month && m.family === family);
    return row ? { value: row.value, hidden: row.hidden } : NONE;
  };
  return {
    filters,
    scope,
    totals: {
      referrals: figure(cell('VICTIM', COUNT)),
      perpetratorReferrals: figure(cell('PERPETRATOR', COUNT)),
      declined: figure(cell('DECLINED', COUNT)),
    },
    shares: {
      consent: consent ?? { part: 0, rest: 0 },
      highRisk: {
        part: figure(cell('VICTIM', RISK), 'HIGH').value,
        rest: figure(cell('VICTIM', RISK), 'NORMAL').value,
      },
      reached: { part: reachedSum('YES'), rest: reachedSum('NO') },
    },
    months: Array.from({ length: monthsBetween(filters.from, filters.to) }, (_, i) => {
      const month = addMonths(filters.from, i);
      return {
        month,
        referrals: monthFigure(month, cell('VICTIM', COUNT)),
        declined: monthFigure(month, cell('DECLINED', COUNT)),
      };
    }),
    partners: referredBy,
    municipalities: municipalities.map((m) => {
      const place = places.find((p) => p.municipalityId === m.id);
      return { id: m.id, name: m.name, referrals: place ? { value: place.value, hidden: place.hidden } : NONE };
    }),
    genders: GENDERS.map((key) => ({ key, referrals: figure(cell('VICTIM', GENDER), key) })),
    results: merged(RESULT, RESULTS),
    routing: merged(ROUTING, ROUTINGS),
    durations: MEASURES.map((measure) => {
      const dense = histograms.find((h) => h.measure === measure)?.counts ?? [];
      const count = dense.reduce((sum, n) => sum + n, 0);
      const shown = count >= MIN_DURATIONS;
      return {
        measure,
        count: shown ? count : null,
        median: shown ? quantile(dense, 0.5) : null,
        p90: shown ? quantile(dense, 0.9) : null,
      };
    }),
  };
}

/** A supervisor's inspection (their own, or their station's); undefined for the directorate-wide roles. */
async function inspectionOf(actor: Actor): Promise<string | undefined> {
  const scope = actor.role === 'SUPERVISOR' ? reviewScope(actor) : null;
  if (!scope) return undefined;
  if ('inspectionId' in scope) return scope.inspectionId;
  return (await db().station.findUnique({ where: { id: scope.stationId }, select: { inspectionId: true } }))
    ?.inspectionId;
}

/** The municipalities the figures list: the filter's, else the supervisor's inspection's, else all 21. */
async function municipalitiesOf(actor: Actor, filters: StatsFilters) {
  const inspectionId = await inspectionOf(actor);
  return db().municipality.findMany({
    where: {
      ...(filters.municipalityId && { id: filters.municipalityId }),
      ...(inspectionId && { inspectionId }),
    },
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
}

/** The supervisor's scope by name, for the page's heading; null for the directorate-wide roles. */
async function scopeName(actor: Actor): Promise<string | null> {
  if (actor.role !== 'SUPERVISOR') return null;
  if (actor.stationId) {
    return (await db().station.findUnique({ where: { id: actor.stationId }, select: { name: true } }))?.name ?? null;
  }
  if (actor.inspectionId) {
    return (
      (await db().inspection.findUnique({ where: { id: actor.inspectionId }, select: { name: true } }))?.name ?? null
    );
  }
  return null;
}

/**
 * What the filter offers: the municipalities and stations of the actor's area (a supervisor's inspection; a
 * station supervisor chooses no station), by name.
 */
export async function statsFilterOptions(actor: Actor) {
  const inspectionId = await inspectionOf(actor);
  const stationScoped = actor.role === 'SUPERVISOR' && Boolean(actor.stationId);
  const [municipalities, stations] = await Promise.all([
    db().municipality.findMany({
      where: inspectionId ? { inspectionId } : {},
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
    stationScoped
      ? Promise.resolve([])
      : db().station.findMany({
          where: inspectionId ? { inspectionId } : {},
          orderBy: { name: 'asc' },
          select: { id: true, name: true },
        }),
  ]);
  return { municipalities, stations };
}
export type StatsFilterOptions = Awaited<ReturnType<typeof statsFilterOptions>>;

/**
 * The filters as far as they lie in the actor's area: a municipality or station it does not offer (another
 * inspection's, or an unknown id) is dropped and reported, rather than answered with empty figures.
 */
function withinOptions(
  filters: StatsFilters,
  options: StatsFilterOptions,
): { filters: StatsFilters; outside: boolean } {
  const within = { ...filters };
  let outside = false;
  if (within.municipalityId && !options.municipalities.some((m) => m.id === within.municipalityId)) {
    delete within.municipalityId;
    outside = true;
  }
  if (within.stationId && !options.stations.some((s) => s.id === within.stationId)) {
    delete within.stationId;
    outside = true;
  }
  return { filters: within, outside };
}

/**
 * The statistics as the page and its CSV ask for them: the address's filters read, held to the actor's
 * area, and the figures for what remains, with the names of the chosen place and what was not applied.
 */
export async function statisticsForAddress(
  actor: Actor,
  params: Record<string, string | string[] | undefined>,
  currentMonth: string,
): Promise<{
  view: StatsView;
  filters: StatsFilters;
  options: StatsFilterOptions;
  place: { municipality?: string; station?: string };
  problems: StatsProblem[];
  outside: boolean;
}> {
  const parsed = parseStatsFilters(params, currentMonth);
  const options = await statsFilterOptions(actor);
  const { filters, outside } = withinOptions(parsed.filters, options);
  const view = await statisticsFor(actor, filters);
  const place = {
    municipality: options.municipalities.find((m) => m.id === filters.municipalityId)?.name,
    station: options.stations.find((s) => s.id === filters.stationId)?.name,
  };
  return { view, filters, options, place, problems: parsed.problems, outside };
}
