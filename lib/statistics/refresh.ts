import 'server-only';

import { db, type Tx } from '@/lib/db';
import { CLASSES, classOf } from '@/lib/statistics/histogram';
import {
  cell,
  COUNT,
  GENDER,
  MEASURES,
  PARTNER,
  REACHED,
  REACHED_WITHIN_HOURS,
  RESULT,
  RESULTS,
  RISK,
  RISKS,
  ROUTING,
  ROUTINGS,
  GENDERS,
  type Measure,
  type StatsPopulation,
} from '@/lib/statistics/families';
import { MIN_PUBLISHED, protectPopulation, type Population } from '@/lib/statistics/protect';

/**
 * Keeps the published statistics (StatsCell, StatsDuration) in step with the facts (ADR 0014). Triggers mark
 * the month of every change in the transaction that makes it (StatsDirtyMonth); this job, every minute,
 * takes the marked months and computes each again from the pseudonymous facts: counts per atom (month,
 * station, municipality) and population, suppressed by lib/statistics/protect.ts, and the histograms of
 * the durations of published atoms. Taking the marks and writing the figures is one transaction: a crash
 * leaves the marks for the next run. One run at a time (an advisory lock); a run that finds the lock taken
 * leaves the work to the one holding it.
 */
const LOCK = 0x57a7; // "stat"

type TrackFact = {
  stationId: string;
  inspectionId: string;
  municipalityId: string;
  track: 'VICTIM' | 'PERPETRATOR';
  gender: string;
  highRisk: boolean;
  partnerId: string;
  routing: string;
  result: string;
  reached: boolean;
  submitted: number | null;
  approved: number | null;
  acknowledged: number | null;
  firstContact: number | null;
};

export async function refreshStatistics(): Promise<{ months: number }> {
  return db().$transaction(
    async (tx) => {
      const [{ locked }] = (await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(${LOCK}) AS locked`) as [{ locked: boolean }];
      if (!locked) return { months: 0 };
      const marked = await tx.$queryRaw<{ month: Date }[]>`
        DELETE FROM "StatsDirtyMonth" RETURNING month`;
      const months = [...new Set(marked.map((m) => m.month.toISOString().slice(0, 10)))].sort();
      const codes = await familyCodes(tx);
      for (const month of months) await computeMonth(tx, month, codes);
      return { months: months.length };
    },
    { timeout: 600_000, maxWait: 10_000 },
  );
}

/** One month's published cells and histograms, from its facts. */
async function computeMonth(tx: Tx, month: string, codes: Codes): Promise<void> {
  const facts = await tx.$queryRaw<TrackFact[]>`
    SELECT r."stationId"::text AS "stationId", r."inspectionId"::text AS "inspectionId",
           r."municipalityId"::text AS "municipalityId", t.track::text AS track, t.gender::text AS gender,
           r."highRisk", t."partnerId"::text AS "partnerId",
           CASE WHEN t."routingReason" = 'OVERRIDE' THEN 'OVERRIDE:' || coalesce(t."overrideReason"::text, '')
                ELSE t."routingReason"::text END AS routing,
           coalesce(t.outcome::text,
                    CASE WHEN EXISTS (SELECT 1 FROM "ReferralEvent" w
                                       WHERE w."referralId" = r.id AND w.step = 'WITHDRAWN'
                                         AND (w.track IS NULL OR w.track = t.track)) THEN 'WITHDRAWN'
                         WHEN t.status IN ('CLOSED', 'PURGED') THEN 'NO_OUTCOME'
                         ELSE 'OPEN' END) AS result,
           coalesce((SELECT min(e."contactAt") FROM "ReferralEvent" e
                      WHERE e."referralId" = r.id AND e.track = t.track AND e.step = 'CONTACT_ATTEMPTED' AND e.reached)
                    <= r."incidentAt" + make_interval(hours => ${REACHED_WITHIN_HOURS}::int), false) AS reached,
           extract(epoch FROM r."submittedAt" - r."incidentAt")::float8 / 3600 AS submitted,
           extract(epoch FROM r."approvedAt" - r."incidentAt")::float8 / 3600 AS approved,
           extract(epoch FROM t."acknowledgedAt" - r."incidentAt")::float8 / 3600 AS acknowledged,
           extract(epoch FROM t."firstContactAt" - r."incidentAt")::float8 / 3600 AS "firstContact"
      FROM "Referral" r JOIN "ReferralTrack" t ON t."referralId" = r.id
     WHERE stats_month(r."incidentAt") = ${month}::date`;
  const declined = await tx.$queryRaw<
    { stationId: string; inspectionId: string; municipalityId: string; count: number }[]
  >`
    SELECT d."stationId"::text AS "stationId", s."inspectionId"::text AS "inspectionId",
           d."municipalityId"::text AS "municipalityId", count(*)::int AS count
      FROM "DeclinedOffer" d JOIN "Station" s ON s.id = d."stationId"
     WHERE date_trunc('month', d."incidentDate"::timestamp)::date = ${month}::date
     GROUP BY 1, 2, 3`;

  const cells: Row[] = [];
  const durations: { atom: Atom; measure: Measure; counts: number[] }[] = [];
  const atoms = new Map<string, { atom: Atom; facts: TrackFact[] }>();
  for (const fact of facts) {
    const id = `${fact.stationId}|${fact.municipalityId}`;
    const entry = atoms.get(id) ?? { atom: fact, facts: [] };
    entry.facts.push(fact);
    atoms.set(id, entry);
  }
  for (const { atom, facts: all } of atoms.values()) {
    for (const track of ['VICTIM', 'PERPETRATOR'] as const) {
      const mine = all.filter((f) => f.track === track);
      if (mine.length === 0) continue;
      const published = protectPopulation(population(mine, track, codes));
      emit(cells, atom, track, published);
      if (track === 'VICTIM' && published.count !== null) {
        for (const measure of MEASURES) {
          // A measure of fewer than 5 durations is suppressed like a small cell.
          const counts = histogram(mine, measure);
          if (counts.reduce((sum, n) => sum + n, 0) >= MIN_PUBLISHED) durations.push({ atom, measure, counts });
        }
      }
    }
  }
  for (const row of declined) {
    const published = protectPopulation({ count: row.count, families: {} });
    emit(cells, row, 'DECLINED', published);
  }

  await tx.$executeRaw`DELETE FROM "StatsCell" WHERE month = ${month}::date`;
  await tx.$executeRaw`DELETE FROM "StatsDuration" WHERE month = ${month}::date`;
  if (cells.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "StatsCell" (month, "stationId", "inspectionId", "municipalityId", family, key, value)
      SELECT ${month}::date, s::uuid, i::uuid, m::uuid, f, k, v
        FROM unnest(${cells.map((c) => c.stationId)}::text[], ${cells.map((c) => c.inspectionId)}::text[],
                    ${cells.map((c) => c.municipalityId)}::text[], ${cells.map((c) => c.family)}::text[],
                    ${cells.map((c) => c.key)}::text[], ${cells.map((c) => c.value)}::int[]) AS u(s, i, m, f, k, v)`;
  }
  for (const d of durations) {
    await tx.$executeRaw`
      INSERT INTO "StatsDuration" (month, "stationId", "inspectionId", "municipalityId", measure, counts)
      VALUES (${month}::date, ${d.atom.stationId}::uuid, ${d.atom.inspectionId}::uuid, ${d.atom.municipalityId}::uuid,
              ${d.measure}, ${d.counts}::int[])`;
  }
}

type Atom = { stationId: string; inspectionId: string; municipalityId: string };
type Row = Atom & { family: string; key: string; value: number | null };

/** The partners of each population: victim support and perpetrator programmes, by id. */
async function familyCodes(tx: Tx): Promise<Codes> {
  const partners = await tx.partner.findMany({ select: { id: true, kind: true }, orderBy: { id: 'asc' } });
  return {
    victimPartners: partners.filter((p) => p.kind === 'VICTIM_SUPPORT').map((p) => p.id),
    perpetratorPartners: partners.filter((p) => p.kind === 'PERPETRATOR_PROGRAMME').map((p) => p.id),
  };
}

function count(children: Map<string, number>, key: string): void {
  children.set(key, (children.get(key) ?? 0) + 1);
}

/** Every code of each family, zeros included (a family's "< 5" cells are read against the whole list). */
export type Codes = { victimPartners: string[]; perpetratorPartners: string[] };

/** One population of one atom as counts per family (lib/statistics/families.ts). */
function population(facts: TrackFact[], track: 'VICTIM' | 'PERPETRATOR', codes: Codes): Population {
  const partners = track === 'VICTIM' ? codes.victimPartners : codes.perpetratorPartners;
  const counts = {
    partner: new Map<string, number>(),
    reached: new Map<string, number>(),
    result: new Map<string, number>(),
    routing: new Map<string, number>(),
    gender: new Map<string, number>(),
    risk: new Map<string, number>(),
  };
  for (const f of facts) {
    count(counts.partner, f.partnerId);
    count(counts.reached, `${f.partnerId}:${f.reached ? 'YES' : 'NO'}`);
    count(counts.result, f.result);
    count(counts.routing, f.routing);
    count(counts.gender, f.gender);
    count(counts.risk, f.highRisk ? 'HIGH' : 'NORMAL');
  }
  // A partner no longer listed (removed since) still counts under its own id.
  const partnerCodes = [...new Set([...partners, ...counts.partner.keys()])];
  return {
    count: facts.length,
    families: {
      [PARTNER]: { counts: counts.partner, codes: partnerCodes },
      [REACHED]: {
        counts: counts.reached,
        codes: partnerCodes.flatMap((id) => [`${id}:YES`, `${id}:NO`]),
        nestedIn: { family: PARTNER, codeOf: (code) => code.slice(0, code.lastIndexOf(':')) },
      },
      [RESULT]: { counts: counts.result, codes: RESULTS },
      [ROUTING]: { counts: counts.routing, codes: ROUTINGS },
      ...(track === 'VICTIM' && {
        [GENDER]: { counts: counts.gender, codes: GENDERS },
        [RISK]: { counts: counts.risk, codes: RISKS },
      }),
    },
  };
}

function emit(
  rows: Row[],
  atom: Atom,
  population: StatsPopulation,
  published: ReturnType<typeof protectPopulation>,
): void {
  const base = { stationId: atom.stationId, inspectionId: atom.inspectionId, municipalityId: atom.municipalityId };
  rows.push({ ...base, family: cell(population, COUNT), key: '', value: published.count });
  for (const [family, children] of Object.entries(published.families)) {
    for (const [key, value] of children) rows.push({ ...base, family: cell(population, family), key, value });
  }
}

function histogram(facts: TrackFact[], measure: Measure): number[] {
  const counts = new Array<number>(CLASSES).fill(0);
  const field = {
    SUBMITTED: 'submitted',
    APPROVED: 'approved',
    ACKNOWLEDGED: 'acknowledged',
    FIRST_CONTACT: 'firstContact',
  } as const;
  for (const f of facts) {
    const hours = f[field[measure]];
    if (hours !== null) counts[classOf(Math.max(0, hours))]! += 1;
  }
  return counts;
}

/** Marks every month with facts, so that the next run computes all of them again. */
export async function markAllMonths(): Promise<void> {
  await db().$executeRaw`
    INSERT INTO "StatsDirtyMonth" (month)
    SELECT DISTINCT stats_month("incidentAt") FROM "Referral"
    UNION SELECT DISTINCT date_trunc('month', "incidentDate"::timestamp)::date FROM "DeclinedOffer"`;
}
