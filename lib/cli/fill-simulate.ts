/**
 * The synthetic history behind `npm run db:fill` (lib/cli/fill.ts): when referrals happen, where, to whom,
 * and how each one has moved through the lifecycle by now. Pure (no database, no keys), so the integration
 * test and the benchmark get the same shape of data as a developer's database.
 *
 * Shapes follow DESIGN.md: ~6,800 cases a year in the PD Hannover area with evening and weekend peaks (at
 * 1,000,000 referrals over 8 years the volume is ~18 times that, and grows towards today); a referral is
 * routed by the rules valid at its incident time; each one's steps are simulated from its submission with
 * plausible delays, and whatever has happened by `now` decides its status, its timestamps and whether its
 * personal data is already erased (retention: 30 days after acknowledgement, 14 days after a withdrawal,
 * 90 days after submission if never dispatched). Old referrals therefore end up PURGED, recent ones spread
 * over the open statuses, and a few hundred wait for review across the directorate.
 */
import type {
  Gender,
  OverrideReason,
  ReferralStatus,
  ReferralStep,
  ReviewMode,
  Role,
  RoutingReason,
  Track,
} from '@/lib/generated/prisma/enums';
import { decideRoute, isRuleValidAt, preferenceOptions, type RoutingRuleFact } from '@/lib/routing/decide';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

/** How far back the history reaches, and how much busier the last year is than the first. */
export const HISTORY_YEARS = 8;
const GROWTH_OVER_HISTORY = 1.6;

/** Timeliness targets in hours, [normal, high risk] (lib/env.ts TARGET_*). */
export type Targets = { approve: [number, number]; acknowledge: [number, number]; firstContact: [number, number] };

export type FillStation = { id: string; code: string; name: string; inspectionId: string; reviewMode: ReviewMode };
export type FillMunicipality = { id: string; name: string; inspectionId: string | null };
export type FillPartner = { id: string; tracks: Track[]; genders: Gender[]; activeFrom: Date; activeTo: Date | null };

/** Reference data read from the database, and the fill's own accounts as indices into `users`. */
export type FillWorld = {
  stations: FillStation[];
  municipalities: FillMunicipality[];
  partners: FillPartner[];
  rules: RoutingRuleFact[];
  /** Every account an event may name (officers, supervisors, caseworkers), by id. */
  users: string[];
  officersByStation: Map<string, number[]>;
  supervisorsByInspection: Map<string, number[]>;
  caseworkersByPartner: Map<string, number[]>;
};

export type SimTrack = {
  track: Track;
  gender: Gender;
  partnerId: string;
  ruleId: string | null;
  ruleVersion: number | null;
  reason: RoutingReason;
  overrideReason: OverrideReason | null;
  consentMethod: 'VERBAL' | 'SIGNED';
  consentGivenAt: number;
  channels: ('VOICEMAIL' | 'SMS' | 'LETTER')[];
  status: ReferralStatus;
  /** Its person is erased (the referral is, or this delivery's consent was withdrawn). */
  erased: boolean;
};

export type SimEvent = {
  step: ReferralStep;
  track: Track | null;
  from: ReferralStatus | null;
  to: ReferralStatus;
  at: number;
  /** Index into FillWorld.users; -1: the system. */
  actor: number;
  role: Role | null;
  /** A supervisor's return comment (sealed by the writer while the personal data exists). */
  comment: boolean;
};

export type SimReferral = {
  incidentAt: number;
  submittedAt: number;
  station: FillStation;
  municipality: FillMunicipality;
  /** Index into FillWorld.users. */
  officer: number;
  highRisk: boolean;
  status: ReferralStatus;
  statusChangedAt: number;
  dueAt: number | null;
  approvedAt: number | null;
  updatedAt: number;
  version: number;
  erased: boolean;
  tracks: SimTrack[];
  events: SimEvent[];
};

// ---------------------------------------------------------------------------------------------------------
// Random draws

const random = Math.random;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const uniform = (min: number, max: number) => min + random() * (max - min);

/** Standard normal (Box–Muller). */
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A log-normal delay: `median` ms, spread `sigma` (0.5: tight, 1.2: long tail). */
const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());

/** Picks from `items` by `weights` (same length). */
function weighted<T>(items: readonly T[], weights: readonly number[]): () => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return () => {
    const x = random() * sum;
    let i = 0;
    while (cumulative[i]! < x) i++;
    return items[i]!;
  };
}

// ---------------------------------------------------------------------------------------------------------
// When: days weighted by growth and weekday, hours by the callouts' evening peak (Europe/Berlin)

/** Callouts by local hour 0–23: few in the morning, most in the evening and the first hours of the night. */
const HOUR_WEIGHTS = [5, 4, 3, 2, 1.5, 1, 1, 1.5, 2, 2.5, 3, 3, 3.5, 3.5, 4, 4.5, 5, 6, 7, 8, 8.5, 8, 7, 6];
/** By weekday, Sunday first: weekends are busier. */
const WEEKDAY_WEIGHTS = [1.35, 0.9, 0.85, 0.85, 0.9, 1.05, 1.4];
const localHour = weighted(
  HOUR_WEIGHTS.map((_, h) => h),
  HOUR_WEIGHTS,
);

/** Berlin's UTC offset in ms at `utc`: CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC. */
function berlinOffset(utc: number): number {
  const year = new Date(utc).getUTCFullYear();
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0, 1));
    return last.getTime() - last.getUTCDay() * DAY;
  };
  return utc >= lastSunday(2) && utc < lastSunday(9) ? 2 * HOUR : HOUR;
}

/**
 * `count` incident times over the HISTORY_YEARS before `now`, in ascending order of their day: sorted
 * uniform draws walk the cumulative weight of the days, so a caller filling in batches writes time-ordered
 * ids (uuid v7) and keeps the primary key's index compact.
 */
export function incidentTimes(count: number, now: number): Float64Array {
  const start = now - HISTORY_YEARS * YEAR;
  const days = Math.ceil((now - start) / DAY);
  const growth = Math.log(GROWTH_OVER_HISTORY) / days;
  const cumulative = new Float64Array(days);
  let sum = 0;
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * DAY);
    const month = date.getUTCMonth();
    // Holidays and the summer add a little; the last (current) day counts for the part already past.
    const season = month === 11 || month === 0 ? 1.1 : month >= 5 && month <= 7 ? 1.05 : 1;
    const part = d === days - 1 ? Math.min(1, (now - (start + d * DAY)) / DAY) : 1;
    sum += Math.exp(growth * d) * WEEKDAY_WEIGHTS[date.getUTCDay()]! * season * part;
    cumulative[d] = sum;
  }
  const draws = new Float64Array(count);
  for (let i = 0; i < count; i++) draws[i] = random() * sum;
  draws.sort();
  const times = new Float64Array(count);
  let d = 0;
  for (let i = 0; i < count; i++) {
    while (cumulative[d]! < draws[i]!) d++;
    const midnightUtc = Math.floor((start + d * DAY) / DAY) * DAY;
    const localMidnight = midnightUtc - berlinOffset(midnightUtc + 12 * HOUR);
    const at = localMidnight + localHour() * HOUR + Math.floor(random() * 60) * 60_000 + Math.floor(random() * 60_000);
    // Today's callouts lie in the hours already past.
    times[i] = at < now - 20 * 60_000 ? at : Math.round(now - uniform(20 * 60_000, 6 * HOUR));
  }
  return times;
}

/** Officers file at the scene or back at the station, mostly within the hour; a few the next days. */
function submissionDelay(): number {
  if (chance(0.03)) return uniform(12 * HOUR, 5 * DAY);
  return Math.max(10 * 60_000, logNormal(50 * 60_000, 0.7));
}

// ---------------------------------------------------------------------------------------------------------
// Where and to whom

/** Residents (thousands, 2023) as the weight of each municipality: callouts follow population. */
const POPULATION: Record<string, number> = {
  Hannover: 548,
  Barsinghausen: 34,
  Burgdorf: 31,
  Burgwedel: 21,
  Garbsen: 62,
  Gehrden: 15,
  Hemmingen: 19,
  Isernhagen: 25,
  Laatzen: 43,
  Langenhagen: 55,
  Lehrte: 45,
  'Neustadt am Rübenberge': 45,
  Pattensen: 14,
  Ronnenberg: 24,
  Seelze: 34,
  Sehnde: 24,
  Springe: 29,
  Uetze: 20,
  Wedemark: 30,
  'Wennigsen (Deister)': 14,
  Wunstorf: 42,
};

/**
 * The stations that take callouts in a municipality: those named after it (PK Garbsen, PK Mellendorf
 * (Wedemark)); for the inspection's largest municipality also the stations named after none (the city's
 * districts: Döhren, Südstadt, Limmer); where no station is named after it, any station of its inspection.
 */
function stationsFor(municipality: FillMunicipality, world: FillWorld): FillStation[] {
  const own = world.stations.filter((s) => s.inspectionId === municipality.inspectionId);
  const neighbours = world.municipalities.filter((m) => m.inspectionId === municipality.inspectionId);
  const mentions = (station: FillStation, name: string) => station.name.toLowerCase().includes(name.toLowerCase());
  const largest = neighbours.reduce((a, b) => ((POPULATION[b.name] ?? 0) > (POPULATION[a.name] ?? 0) ? b : a));
  const named = own.filter((s) => mentions(s, municipality.name));
  const unnamed = largest.id === municipality.id ? own.filter((s) => !neighbours.some((m) => mentions(s, m.name))) : [];
  const found = [...named, ...unnamed];
  return found.length ? found : own;
}

const VICTIM_GENDER = weighted<Gender>(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED'], [78, 18, 1.5, 2.5]);
const PERPETRATOR_GENDER = weighted<Gender>(['MALE', 'FEMALE', 'DIVERSE', 'NOT_STATED'], [80, 18, 1, 1]);
const OVERRIDE_REASONS: OverrideReason[] = ['PERSON_WISH', 'ALREADY_IN_CONTACT', 'LANGUAGE', 'SAFETY'];

type Router = (
  track: Track,
  gender: Gender,
  municipalityId: string,
  at: number,
) => Omit<SimTrack, 'consentMethod' | 'consentGivenAt' | 'channels' | 'status' | 'erased' | 'track' | 'gender'>;

/**
 * Routes like the submit does (lib/routing/decide.ts): the rule of (track, gender, municipality) valid at
 * the incident; a person who did not state a gender chooses among the responsible services; ~2 % are an
 * officer's override to another partner of the track, with a reason. Incidents before the first rule of a
 * key (the seed's rules start in 2024, the history reaches further back) are routed by that first rule: the
 * agreements of the time, as the seed knows them.
 */
function router(world: FillWorld): Router {
  const byKey = new Map<string, RoutingRuleFact[]>();
  for (const rule of world.rules) {
    const key = `${rule.track}|${rule.municipalityId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), rule]);
  }
  return (track, gender, municipalityId, incidentAt) => {
    const rules = byKey.get(`${track}|${municipalityId}`) ?? [];
    const first = Math.min(...rules.map((r) => r.validFrom.getTime()));
    const at = new Date(Math.max(incidentAt, first));
    const options = gender === 'NOT_STATED' ? preferenceOptions(rules, { track, municipalityId, at }) : [];
    const decision = decideRoute(rules, {
      track,
      gender,
      municipalityId,
      at,
      preferredPartnerId: options.length ? pick(options) : undefined,
    });
    if (!decision.ok)
      throw new Error(`no routing rule for ${track} ${gender} in ${municipalityId} at ${at.toISOString()}`);
    if (gender !== 'NOT_STATED' && chance(0.02)) {
      const others = world.partners.filter(
        (p) =>
          p.id !== decision.partnerId &&
          p.tracks.includes(track) &&
          p.genders.includes(gender) &&
          isRuleValidAt({ validFrom: p.activeFrom, validTo: p.activeTo }, at),
      );
      if (others.length) {
        const partner = pick(others);
        return {
          partnerId: partner.id,
          ruleId: null,
          ruleVersion: null,
          reason: 'OVERRIDE',
          overrideReason: pick(OVERRIDE_REASONS),
        };
      }
    }
    return {
      partnerId: decision.partnerId,
      ruleId: decision.ruleId,
      ruleVersion: decision.ruleVersion,
      reason: decision.reason,
      overrideReason: null,
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// The lifecycle, step by step (lib/referrals/lifecycle.ts), cut at `now`

/**
 * A supervisor's review of what arrived at `at`: mostly within hours, with a long tail and some left for
 * days; what arrives in the night (23:00 to 06:00 in Berlin) mostly waits for the early shift.
 */
function reviewDelay(at: number): number {
  if (chance(0.08)) return uniform(1 * DAY, 10 * DAY);
  const hour = new Date(at + berlinOffset(at)).getUTCHours();
  if ((hour >= 23 || hour < 6) && chance(0.7)) {
    const untilSix = ((6 - hour + 24) % 24) * HOUR - (at % HOUR);
    return untilSix + Math.max(5 * 60_000, logNormal(1.5 * HOUR, 0.8));
  }
  return Math.max(5 * 60_000, logNormal(2.5 * HOUR, 1.1));
}

type Timeline = { events: SimEvent[]; trackWithdrawnAt: number | null };

/** Every step the referral takes (ignoring `now`), in order of time. */
function lifecycle(
  submittedAt: number,
  highRisk: boolean,
  station: FillStation,
  hasPerpetrator: boolean,
  actors: { officer: number; supervisors: number[]; caseworkers: number[] },
): Timeline {
  const events: SimEvent[] = [];
  const supervisor = () => pick(actors.supervisors);
  const caseworker = () => pick(actors.caseworkers);
  const step = (
    step: ReferralStep,
    from: ReferralStatus | null,
    to: ReferralStatus,
    at: number,
    actor: number,
    role: Role | null,
  ) => events.push({ step, track: null, from, to, at: Math.round(at), actor, role, comment: step === 'RETURNED' });
  step('SUBMITTED', null, 'SUBMITTED', submittedAt, actors.officer, 'OFFICER');

  let approvedAt: number;
  if (station.reviewMode === 'DIRECT') {
    // Direct dispatch: the system approves in the submit's own transaction.
    approvedAt = submittedAt + uniform(5, 50);
    step('AUTO_APPROVED', 'SUBMITTED', 'APPROVED', approvedAt, -1, null);
  } else {
    let decided = submittedAt + reviewDelay(submittedAt);
    if (chance(0.03)) {
      step(
        'CORRECTED',
        'SUBMITTED',
        'SUBMITTED',
        uniform(submittedAt + 60_000, decided - 1_000),
        actors.officer,
        'OFFICER',
      );
    }
    if (chance(0.06)) {
      step('RETURNED', 'SUBMITTED', 'RETURNED', decided, supervisor(), 'SUPERVISOR');
      if (chance(0.15)) {
        // Never corrected: erased 90 days after submission, having never left the police.
        step('PURGED', 'RETURNED', 'PURGED', submittedAt + 90 * DAY, -1, null);
        return { events, trackWithdrawnAt: null };
      }
      const resubmitted = decided + Math.max(10 * 60_000, logNormal(5 * HOUR, 1));
      step('RESUBMITTED', 'RETURNED', 'SUBMITTED', resubmitted, actors.officer, 'OFFICER');
      decided = resubmitted + reviewDelay(resubmitted);
    }
    approvedAt = decided;
    step('APPROVED', 'SUBMITTED', 'APPROVED', approvedAt, supervisor(), 'SUPERVISOR');
  }
  // Delivery within minutes; now and then a partner's system is down for hours.
  const dispatched =
    approvedAt + (chance(0.02) ? uniform(2 * HOUR, 30 * HOUR) : Math.max(5_000, logNormal(90_000, 0.8)));
  step('DISPATCHED', 'APPROVED', 'DISPATCHED', dispatched, -1, null);
  const acknowledged = Math.max(dispatched + 60_000, approvedAt + logNormal(highRisk ? 2 * HOUR : 5 * HOUR, 1));
  step('ACKNOWLEDGED', 'DISPATCHED', 'ACKNOWLEDGED', acknowledged, caseworker(), 'PARTNER');
  const purged = acknowledged + 30 * DAY;
  const closed = acknowledged + logNormal(6 * DAY, 0.6);
  if (chance(0.9) && closed < purged) step('CLOSED', 'ACKNOWLEDGED', 'CLOSED', closed, caseworker(), 'PARTNER');
  step('PURGED', events.at(-1)!.to, 'PURGED', purged, -1, null);

  // The person withdraws consent while something is still open (recorded by a supervisor): erased at once,
  // purged 14 days later. Or only the perpetrator withdraws: that delivery ends, the referral goes on.
  let trackWithdrawnAt: number | null = null;
  if (chance(0.02)) {
    const at = Math.round(submittedAt + uniform(HOUR, 20 * DAY));
    const before = events.filter((e) => e.at < at);
    const status = before.at(-1)!.to;
    if (status !== 'CLOSED' && status !== 'PURGED') {
      events.length = before.length;
      step('WITHDRAWN', status, 'WITHDRAWN', at, supervisor(), 'SUPERVISOR');
      step('PURGED', 'WITHDRAWN', 'PURGED', at + 14 * DAY, -1, null);
    }
  } else if (hasPerpetrator && chance(0.03)) {
    const at = Math.round(submittedAt + uniform(HOUR, 10 * DAY));
    const status = events.filter((e) => e.at < at).at(-1)!.to;
    if (status !== 'CLOSED' && status !== 'PURGED') {
      trackWithdrawnAt = at;
      events.push({
        step: 'WITHDRAWN',
        track: 'PERPETRATOR',
        from: status,
        to: 'WITHDRAWN',
        at,
        actor: supervisor(),
        role: 'SUPERVISOR',
        comment: false,
      });
      events.sort((a, b) => a.at - b.at);
    }
  }
  return { events, trackWithdrawnAt };
}

/** What is due in a status (lib/referrals/lifecycle.ts): approval, acknowledgement, first contact, or nothing. */
function dueAt(
  status: ReferralStatus,
  statusChangedAt: number,
  approvedAt: number | null,
  highRisk: boolean,
  targets: Targets,
) {
  const hours = (target: [number, number]) => (highRisk ? target[1] : target[0]) * HOUR;
  switch (status) {
    case 'SUBMITTED':
      return statusChangedAt + hours(targets.approve);
    case 'APPROVED':
    case 'DISPATCHED':
      return approvedAt! + hours(targets.acknowledge);
    case 'ACKNOWLEDGED':
      return approvedAt! + hours(targets.firstContact);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------

/** Builds referrals for the given incident times, each with its routing and its lifecycle up to `now`. */
export function simulator(world: FillWorld, now: number, targets: Targets) {
  const route = router(world);
  const municipality = weighted(
    world.municipalities.filter((m) => m.inspectionId),
    world.municipalities.filter((m) => m.inspectionId).map((m) => POPULATION[m.name] ?? 20),
  );
  const stationCache = new Map<string, FillStation[]>();
  const stationOf = (m: FillMunicipality) => {
    let found = stationCache.get(m.id);
    if (!found) stationCache.set(m.id, (found = stationsFor(m, world)));
    return pick(found);
  };

  return (incidentAt: number): SimReferral => {
    const place = municipality();
    const station = stationOf(place);
    // A late filing whose delay would reach past `now` is filed at some moment up to now instead.
    const latest = now - 60_000;
    const planned = incidentAt + submissionDelay();
    // Whole milliseconds, as timestamptz(3) keeps them: a return comment's seal is bound to its exact moment.
    const submittedAt = Math.round(planned <= latest ? planned : incidentAt + random() * (latest - incidentAt));
    const highRisk = chance(0.15);
    const officer = pick(world.officersByStation.get(station.id)!);

    const trackOf = (track: Track, gender: Gender): SimTrack => ({
      track,
      gender,
      ...route(track, gender, place.id, incidentAt),
      consentMethod: chance(0.75) ? 'VERBAL' : 'SIGNED',
      consentGivenAt: Math.round(incidentAt + Math.min(submittedAt - incidentAt, uniform(10 * 60_000, 50 * 60_000))),
      channels: (['VOICEMAIL', 'SMS', 'LETTER'] as const).filter(() => chance(0.35)),
      status: 'SUBMITTED',
      erased: false,
    });
    const tracks = [trackOf('VICTIM', VICTIM_GENDER())];
    if (chance(0.12)) tracks.push(trackOf('PERPETRATOR', PERPETRATOR_GENDER()));

    const { events: all, trackWithdrawnAt } = lifecycle(submittedAt, highRisk, station, tracks.length > 1, {
      officer,
      supervisors: world.supervisorsByInspection.get(station.inspectionId)!,
      caseworkers: world.caseworkersByPartner.get(tracks[0]!.partnerId)!,
    });
    const events = all.filter((e) => e.at <= now);
    const own = events.filter((e) => e.track === null);
    const last = own.at(-1)!;
    const status = last.to;
    const statusChangedAt = own.filter((e) => e.from !== e.to).at(-1)!.at;
    const approval = own.find((e) => e.step === 'APPROVED' || e.step === 'AUTO_APPROVED');
    const approvedAt = approval ? approval.at : null;
    const erased = status === 'WITHDRAWN' || status === 'PURGED';
    const perpetratorWithdrawn = trackWithdrawnAt !== null && trackWithdrawnAt <= now;
    for (const track of tracks) {
      const withdrawn = track.track === 'PERPETRATOR' && perpetratorWithdrawn;
      // A withdrawn delivery stays WITHDRAWN until the retention job purges the referral (and it with it).
      track.status = withdrawn && status !== 'PURGED' ? 'WITHDRAWN' : status;
      track.erased = erased || withdrawn;
    }
    return {
      incidentAt,
      submittedAt,
      station,
      municipality: place,
      officer,
      highRisk,
      status,
      statusChangedAt,
      dueAt: dueAt(status, statusChangedAt, approvedAt, highRisk, targets),
      approvedAt,
      updatedAt: last.at,
      version: 1 + own.filter((e) => e.step === 'CORRECTED' || e.step === 'RESUBMITTED').length,
      erased,
      tracks,
      events: events.map((e) => ({ ...e, comment: e.comment && !erased })),
    };
  };
}
