/**
 * The synthetic history behind `npm run db:fill` (lib/cli/fill.ts): when referrals happen, where, to whom,
 * and how each one has moved through the lifecycle by now. Pure (no database, no keys), so the integration
 * test and the benchmark get the same shape of data as a developer's database.
 *
 * Shapes follow DESIGN.md: ~6,800 cases a year in the PD Hannover area with evening and weekend peaks (at
 * 1,000,000 referrals over 8 years the volume is ~18 times that, and grows towards today); a referral is
 * routed by the rules valid at its incident time; each one's steps are simulated from its submission with
 * plausible delays, and whatever has happened by `now` decides its status, its timestamps and whether its
 * personal data is already erased (retention: 30 days after the last acknowledgement, 14 days after a
 * withdrawal, 90 days after submission if never dispatched). Old referrals therefore end up PURGED, recent
 * ones spread over the open statuses, and a few hundred wait for review across the directorate.
 *
 * Each delivery is the partner's to work, as the inbox records it (lib/inbox/service.ts): its own
 * acknowledgement, one to three contact attempts (about 70 % of victims are reached), and the outcome that
 * closes it, consistent with the attempts. The referral follows its tracks as lib/referrals/lifecycle.ts
 * moves it, replayed here step by step. Beside the referrals, the anonymous declined offers of the same
 * callouts (`declinedOffers`).
 */
import type {
  ContactAttemptChannel,
  Gender,
  Outcome,
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
  /** What the lifecycle keeps on the delivery (lib/referrals/lifecycle.ts, lib/inbox/service.ts), at `now`. */
  highRisk: boolean;
  dueAt: number | null;
  dispatchedAt: number | null;
  acknowledgedAt: number | null;
  /** The earliest contact attempt's stated time. */
  firstContactAt: number | null;
  outcome: Outcome | null;
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
  /** A contact attempt: when it was made (at or before `at`, to the minute), how, whether it reached the person. */
  contactAt: number | null;
  contactChannel: ContactAttemptChannel | null;
  reached: boolean | null;
  /** The outcome a partner's CLOSED step records. */
  outcome: Outcome | null;
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
) => Pick<SimTrack, 'partnerId' | 'ruleId' | 'ruleVersion' | 'reason' | 'overrideReason'>;

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

/** A delivery as the lifecycle needs it: its track, its partner's caseworkers, the channels the person allowed. */
type Delivery = { track: Track; caseworkers: number[]; channels: SimTrack['channels'] };

/** One timeline entry; what a contact attempt or a closing step records besides is set by the caller. */
const entry = (
  step: ReferralStep,
  track: Track | null,
  from: ReferralStatus | null,
  to: ReferralStatus,
  at: number,
  actor: number,
  role: Role | null,
): SimEvent => ({
  step,
  track,
  from,
  to,
  at: Math.round(at),
  actor,
  role,
  comment: step === 'RETURNED',
  contactAt: null,
  contactChannel: null,
  reached: null,
  outcome: null,
});

/** The share of persons a partner reaches at some attempt. */
const REACHED_SHARE: Record<Track, number> = { VICTIM: 0.7, PERPETRATOR: 0.55 };
/** The attempt that reaches a person, when one does: mostly the first (the first reached one ends the attempts). */
const REACHING_ATTEMPT = weighted([1, 2, 3], [60, 28, 12]);
/** How many attempts a partner makes before it gives up on a person it does not reach. */
const UNREACHED_ATTEMPTS = weighted([1, 2, 3], [12, 28, 60]);
/** Mostly a call; a person is reached by phone, now and then in person or by a reply to a text message. */
const REACHING_CHANNEL = weighted<ContactAttemptChannel>(['PHONE', 'IN_PERSON', 'SMS'], [88, 6, 6]);
const MISSED_CHANNEL = weighted<ContactAttemptChannel>(['PHONE', 'SMS', 'LETTER', 'IN_PERSON'], [78, 12, 7, 3]);
/** How the partner's work ends: it follows the attempts (lib/inbox/service.ts refuses the rest). */
const OUTCOME_REACHED = weighted<Outcome>(
  ['REACHED_SUPPORTED', 'DECLINED', 'FORWARDED', 'UNSAFE_TO_CONTACT'],
  [80, 12, 6, 2],
);
const OUTCOME_NOT_REACHED = weighted<Outcome>(['NOT_REACHABLE', 'UNSAFE_TO_CONTACT', 'FORWARDED'], [93, 4, 3]);

/** A text message or a letter only where the person allowed it (the track's consent scope); a call always. */
function attemptChannel(reached: boolean, allowed: SimTrack['channels']): ContactAttemptChannel {
  const channel = reached ? REACHING_CHANNEL() : MISSED_CHANNEL();
  return (channel === 'SMS' || channel === 'LETTER') && !allowed.includes(channel) ? 'PHONE' : channel;
}

/**
 * A moment within a partner's working hours (Europe/Berlin, from `open` to `close` o'clock): one outside
 * them moves to the next working day, mostly its morning (the calls put off overnight come first).
 */
function inWorkingHours(at: number, open: number, close: number): number {
  const offset = berlinOffset(at);
  const local = at + offset;
  const hour = Math.floor((local % DAY) / HOUR);
  if (hour >= open && hour < close) return at;
  const midnight = local - (local % DAY) + (hour >= close ? DAY : 0);
  return midnight + (open + (close - open) * random() ** 2) * HOUR - offset;
}

/**
 * From the acknowledgement to the first attempt: usually within a day or two (log-normal, which working
 * hours make a median of about 20 h; high risk about 7 h), and a tail of several days (a full caseload, a
 * holiday; shorter for high risk).
 */
function firstAttemptDelay(highRisk: boolean): number {
  if (chance(highRisk ? 0.02 : 0.05)) return uniform(3 * DAY, 9 * DAY);
  return Math.max(10 * 60_000, logNormal(highRisk ? 4 * HOUR : 14 * HOUR, 0.8));
}

/** After an attempt that did not reach the person, the next one: mostly the next day. */
const retryDelay = () => Math.max(30 * 60_000, logNormal(22 * HOUR, 0.6));

/** An attempt is recorded mostly within minutes of making it, now and then the next day. */
const recordingDelay = () => (chance(0.08) ? uniform(HOUR, 26 * HOUR) : Math.max(60_000, logNormal(12 * 60_000, 0.9)));

/**
 * One partner's work on its delivery, as its inbox records it (lib/inbox/service.ts), not yet cut at the
 * purge or `now`: the acknowledgement, contact attempts until the person is reached or the partner gives up
 * (one to three), and mostly the outcome that closes it. One caseworker takes the case.
 */
function partnerWork(delivery: Delivery, approvedAt: number, dispatchedAt: number, highRisk: boolean): SimEvent[] {
  const { track } = delivery;
  const caseworker = pick(delivery.caseworkers);
  const acknowledged = Math.max(dispatchedAt + 60_000, approvedAt + logNormal(highRisk ? 2 * HOUR : 5 * HOUR, 1));
  const events = [entry('ACKNOWLEDGED', track, 'DISPATCHED', 'ACKNOWLEDGED', acknowledged, caseworker, 'PARTNER')];
  const reaching = chance(REACHED_SHARE[track]) ? REACHING_ATTEMPT() : 0;
  const attempts = reaching || UNREACHED_ATTEMPTS();
  // Crisis work (high risk) starts earlier and goes on later in the day.
  const open = highRisk ? 7 : 8;
  const close = highRisk ? 22 : 20;
  let last = events[0]!.at;
  for (let n = 1; n <= attempts; n++) {
    const planned = last + (n === 1 ? firstAttemptDelay(highRisk) : retryDelay());
    const attempt = entry('CONTACT_ATTEMPTED', track, 'ACKNOWLEDGED', 'ACKNOWLEDGED', 0, caseworker, 'PARTNER');
    // Stated to the minute, as the inbox's form takes it (a Berlin wall-clock time); recorded then or later.
    attempt.contactAt = Math.floor(inWorkingHours(planned, open, close) / 60_000) * 60_000;
    attempt.at = Math.round(Math.max(last + 1, attempt.contactAt + recordingDelay()));
    attempt.reached = n === reaching;
    attempt.contactChannel = attemptChannel(attempt.reached, delivery.channels);
    events.push(attempt);
    last = attempt.at;
  }
  // Most close the delivery once the person is supported or out of reach; some leave it open until retention.
  if (chance(0.9)) {
    const closed = last + (reaching ? logNormal(4 * DAY, 0.7) : logNormal(1.5 * DAY, 0.7));
    const closing = entry('CLOSED', track, 'ACKNOWLEDGED', 'CLOSED', closed, caseworker, 'PARTNER');
    closing.outcome = reaching ? OUTCOME_REACHED() : OUTCOME_NOT_REACHED();
    events.push(closing);
  }
  return events;
}

/** Every step the referral and its deliveries take (ignoring `now`), in order of time. */
function lifecycle(
  submittedAt: number,
  highRisk: boolean,
  station: FillStation,
  deliveries: Delivery[],
  actors: { officer: number; supervisors: number[] },
  targets: Targets,
): SimEvent[] {
  // No named closures in here: the CLI runs under tsx, which names each one as it is made (a cost per referral).
  const events: SimEvent[] = [];
  events.push(entry('SUBMITTED', null, null, 'SUBMITTED', submittedAt, actors.officer, 'OFFICER'));

  if (station.reviewMode === 'DIRECT') {
    // Direct dispatch: the system approves in the submit's own transaction.
    events.push(entry('AUTO_APPROVED', null, 'SUBMITTED', 'APPROVED', submittedAt + uniform(5, 50), -1, null));
  } else {
    let decided = submittedAt + reviewDelay(submittedAt);
    if (chance(0.03)) {
      const at = uniform(submittedAt + 60_000, decided - 1_000);
      events.push(entry('CORRECTED', null, 'SUBMITTED', 'SUBMITTED', at, actors.officer, 'OFFICER'));
    }
    if (chance(0.06)) {
      events.push(entry('RETURNED', null, 'SUBMITTED', 'RETURNED', decided, pick(actors.supervisors), 'SUPERVISOR'));
      if (chance(0.15)) {
        // Never corrected: erased 90 days after submission, having never left the police.
        events.push(entry('PURGED', null, 'RETURNED', 'PURGED', submittedAt + 90 * DAY, -1, null));
        return events;
      }
      const resubmitted = decided + Math.max(10 * 60_000, logNormal(5 * HOUR, 1));
      events.push(entry('RESUBMITTED', null, 'RETURNED', 'SUBMITTED', resubmitted, actors.officer, 'OFFICER'));
      decided = resubmitted + reviewDelay(resubmitted);
    }
    events.push(entry('APPROVED', null, 'SUBMITTED', 'APPROVED', decided, pick(actors.supervisors), 'SUPERVISOR'));
  }
  const approvedAt = events.at(-1)!.at;
  // Delivery within minutes; now and then a partner's system is down for hours.
  const dispatched =
    approvedAt + (chance(0.02) ? uniform(2 * HOUR, 30 * HOUR) : Math.max(5_000, logNormal(90_000, 0.8)));
  events.push(entry('DISPATCHED', null, 'APPROVED', 'DISPATCHED', dispatched, -1, null));
  const dispatchedAt = events.at(-1)!.at;
  // Each partner works its own delivery; the high-risk flag reaches the victim's only.
  const work = deliveries.map((d) => partnerWork(d, approvedAt, dispatchedAt, highRisk && d.track === 'VICTIM'));

  // The person withdraws consent while something is still open (recorded by a supervisor): erased at once,
  // purged 14 days later. Or only the perpetrator withdraws: that delivery ends, the referral goes on.
  let withdrawal: number | null = null;
  if (chance(0.02)) withdrawal = Math.round(submittedAt + uniform(HOUR, 20 * DAY));
  else if (deliveries.length > 1 && chance(0.03)) {
    const at = Math.round(submittedAt + uniform(HOUR, 10 * DAY));
    const done = work[1]!.filter((e) => e.at < at);
    // Until its partner acknowledges it, the delivery stands where the referral's own steps left it.
    const status = done.at(-1)?.to ?? events.filter((e) => e.at < at).at(-1)!.to;
    if (status !== 'CLOSED') {
      done.push(entry('WITHDRAWN', 'PERPETRATOR', status, 'WITHDRAWN', at, pick(actors.supervisors), 'SUPERVISOR'));
      work[1] = done;
    }
  }

  // Retention erases it 30 days after the last acknowledgement: whatever a partner had not done by then, it
  // never does (its delivery goes from ACKNOWLEDGED to PURGED). The referral then stands where its least
  // advanced delivery does: acknowledged while one is still open, else closed.
  let purged = 0;
  for (const own of work) if (own[0]!.step === 'ACKNOWLEDGED') purged = Math.max(purged, own[0]!.at + 30 * DAY);
  let open = false;
  for (const own of work) {
    let status: ReferralStatus | null = null;
    for (const e of own) {
      if (e.at >= purged) break;
      events.push(e);
      status = e.to;
    }
    open ||= status === 'ACKNOWLEDGED';
  }
  events.sort((a, b) => a.at - b.at);
  events.push(entry('PURGED', null, open ? 'ACKNOWLEDGED' : 'CLOSED', 'PURGED', purged, -1, null));

  if (withdrawal !== null) {
    const before = events.filter((e) => e.at < withdrawal);
    const kinds = deliveries.map((d) => d.track);
    const { status } = replay(before, kinds, submittedAt, highRisk, targets);
    if ((OPEN_STATUSES as readonly ReferralStatus[]).includes(status)) {
      events.length = before.length;
      events.push(entry('WITHDRAWN', null, status, 'WITHDRAWN', withdrawal, pick(actors.supervisors), 'SUPERVISOR'));
      events.push(entry('PURGED', null, 'WITHDRAWN', 'PURGED', withdrawal + 14 * DAY, -1, null));
    }
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------
// Where the referral and its deliveries stand: the lifecycle's moves (lib/referrals/lifecycle.ts), replayed

type TrackState = Pick<
  SimTrack,
  'track' | 'status' | 'highRisk' | 'dueAt' | 'dispatchedAt' | 'acknowledgedAt' | 'firstContactAt' | 'outcome'
>;
type ReferralState = {
  status: ReferralStatus;
  statusChangedAt: number;
  dueAt: number | null;
  approvedAt: number | null;
  updatedAt: number;
  version: number;
  tracks: TrackState[];
};

const OPEN_STATUSES = ['SUBMITTED', 'RETURNED', 'APPROVED', 'DISPATCHED', 'ACKNOWLEDGED'] as const;

/** The statuses a referral's step leaves from (TRANSITIONS): its tracks standing there move with it. */
const LEAVES_FROM: Partial<Record<ReferralStep, readonly ReferralStatus[]>> = {
  CORRECTED: ['SUBMITTED'],
  RESUBMITTED: ['RETURNED'],
  APPROVED: ['SUBMITTED'],
  AUTO_APPROVED: ['SUBMITTED'],
  RETURNED: ['SUBMITTED'],
  DISPATCHED: ['APPROVED'],
  WITHDRAWN: OPEN_STATUSES,
  PURGED: [...OPEN_STATUSES, 'CLOSED', 'WITHDRAWN'],
};

const targetMs = (target: [number, number], highRisk: boolean) => (highRisk ? target[1] : target[0]) * HOUR;

/** How much later the normal target of a status is than the high-risk one (lifecycle.ts normalTargetShift). */
function normalTargetShift(status: ReferralStatus, targets: Targets): number {
  const target =
    status === 'SUBMITTED'
      ? targets.approve
      : status === 'APPROVED' || status === 'DISPATCHED'
        ? targets.acknowledge
        : status === 'ACKNOWLEDGED'
          ? targets.firstContact
          : null;
  return target ? (target[0] - target[1]) * HOUR : 0;
}

/**
 * Where a referral and its deliveries stand after `events` (in order of time), moved as `transition` moves
 * them: a referral's step moves it and the tracks that stand where it leaves from, which take over its
 * deadline; a delivery's step moves that track, and a delivered referral then stands where its least
 * advanced delivery stands, due when the earliest of them is (`followTracks`). A contact attempt sets the
 * first-contact time and ends what was due; the closing step keeps its outcome.
 */
export function replay(
  events: readonly SimEvent[],
  kinds: readonly Track[],
  submittedAt: number,
  highRisk: boolean,
  targets: Targets,
): ReferralState {
  const state: ReferralState = {
    status: 'SUBMITTED',
    statusChangedAt: submittedAt,
    dueAt: submittedAt + targetMs(targets.approve, highRisk),
    approvedAt: null,
    updatedAt: submittedAt,
    version: 1,
    tracks: kinds.map((track) => ({
      track,
      status: 'SUBMITTED',
      highRisk: false,
      dueAt: null,
      dispatchedAt: null,
      acknowledgedAt: null,
      firstContactAt: null,
      outcome: null,
    })),
  };
  for (const e of events) {
    if (e.step === 'SUBMITTED') continue;
    if (e.track === null) {
      if (e.from !== e.to) state.statusChangedAt = e.at;
      state.status = e.to;
      if (e.to === 'APPROVED') state.approvedAt = e.at;
      if (e.step === 'CORRECTED') state.dueAt = state.statusChangedAt + targetMs(targets.approve, highRisk);
      else if (e.step === 'RESUBMITTED') state.dueAt = e.at + targetMs(targets.approve, highRisk);
      else if (e.step === 'APPROVED' || e.step === 'AUTO_APPROVED') {
        state.dueAt = e.at + targetMs(targets.acknowledge, highRisk);
      } else if (e.step !== 'DISPATCHED') state.dueAt = null;
      if (e.step === 'CORRECTED' || e.step === 'RESUBMITTED') state.version++;
      state.updatedAt = e.at;
      const shift = normalTargetShift(e.to, targets);
      for (const t of state.tracks) {
        if (!LEAVES_FROM[e.step]?.includes(t.status)) continue;
        t.status = e.to;
        t.dueAt = t.track === 'VICTIM' || !highRisk || state.dueAt === null ? state.dueAt : state.dueAt + shift;
        t.highRisk = highRisk && t.track === 'VICTIM';
        if (e.to === 'DISPATCHED') t.dispatchedAt = e.at;
      }
      continue;
    }
    const t = state.tracks.find((x) => x.track === e.track)!;
    t.status = e.to;
    t.dueAt = null;
    if (e.step === 'ACKNOWLEDGED') {
      t.acknowledgedAt = e.at;
      t.dueAt = (state.approvedAt ?? e.at) + targetMs(targets.firstContact, t.highRisk);
    } else if (e.step === 'CONTACT_ATTEMPTED') {
      t.firstContactAt = t.firstContactAt === null ? e.contactAt : Math.min(t.firstContactAt, e.contactAt!);
    } else if (e.step === 'CLOSED') t.outcome = e.outcome;
    if (state.status !== 'DISPATCHED' && state.status !== 'ACKNOWLEDGED') continue;
    const delivered = state.tracks.filter(
      (x) => x.status === 'DISPATCHED' || x.status === 'ACKNOWLEDGED' || x.status === 'CLOSED',
    );
    if (delivered.length === 0) continue;
    const status = delivered.some((x) => x.status === 'DISPATCHED')
      ? 'DISPATCHED'
      : delivered.some((x) => x.status === 'ACKNOWLEDGED')
        ? 'ACKNOWLEDGED'
        : 'CLOSED';
    if (status !== state.status) state.statusChangedAt = e.at;
    state.status = status;
    const due = delivered.filter((x) => x.dueAt !== null).map((x) => x.dueAt!);
    state.dueAt = due.length ? Math.min(...due) : null;
    state.updatedAt = e.at;
  }
  return state;
}

// ---------------------------------------------------------------------------------------------------------

/** Where callouts happen: a municipality by its population, and a station that takes callouts there. */
function places(world: FillWorld): () => { municipality: FillMunicipality; station: FillStation } {
  const served = world.municipalities.filter((m) => m.inspectionId);
  const municipality = weighted(
    served,
    served.map((m) => POPULATION[m.name] ?? 20),
  );
  const stationCache = new Map<string, FillStation[]>();
  return () => {
    const place = municipality();
    let found = stationCache.get(place.id);
    if (!found) stationCache.set(place.id, (found = stationsFor(place, world)));
    return { municipality: place, station: pick(found) };
  };
}

/** Builds referrals for the given incident times, each with its routing and its lifecycle up to `now`. */
export function simulator(world: FillWorld, now: number, targets: Targets) {
  const route = router(world);
  const placeOf = places(world);

  return (incidentAt: number): SimReferral => {
    const { municipality: place, station } = placeOf();
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
      highRisk: false,
      dueAt: null,
      dispatchedAt: null,
      acknowledgedAt: null,
      firstContactAt: null,
      outcome: null,
    });
    const tracks = [trackOf('VICTIM', VICTIM_GENDER())];
    if (chance(0.12)) tracks.push(trackOf('PERPETRATOR', PERPETRATOR_GENDER()));

    const all = lifecycle(
      submittedAt,
      highRisk,
      station,
      tracks.map((t) => ({
        track: t.track,
        caseworkers: world.caseworkersByPartner.get(t.partnerId)!,
        channels: t.channels,
      })),
      { officer, supervisors: world.supervisorsByInspection.get(station.inspectionId)! },
      targets,
    );
    // In order of time: only what has happened by now.
    let happened = all.length;
    while (all[happened - 1]!.at > now) happened--;
    const events = happened === all.length ? all : all.slice(0, happened);
    const state = replay(
      events,
      tracks.map((t) => t.track),
      submittedAt,
      highRisk,
      targets,
    );
    const erased = state.status === 'WITHDRAWN' || state.status === 'PURGED';
    tracks.forEach((track, i) => {
      const final = state.tracks[i]!;
      track.status = final.status;
      // A withdrawn delivery's person is erased at once; it stays WITHDRAWN until retention purges the referral.
      track.erased = erased || final.status === 'WITHDRAWN';
      track.highRisk = final.highRisk;
      track.dueAt = final.dueAt;
      track.dispatchedAt = final.dispatchedAt;
      track.acknowledgedAt = final.acknowledgedAt;
      track.firstContactAt = final.firstContactAt;
      track.outcome = final.outcome;
    });
    return {
      incidentAt,
      submittedAt,
      station,
      municipality: place,
      officer,
      highRisk,
      status: state.status,
      statusChangedAt: state.statusChangedAt,
      dueAt: state.dueAt,
      approvedAt: state.approvedAt,
      updatedAt: state.updatedAt,
      version: state.version,
      erased,
      tracks,
      events: erased ? events.map((e) => (e.comment ? { ...e, comment: false } : e)) : events,
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Declined offers

/** Declined offers per referral: in reality about one for every three to four referrals. */
export const DECLINED_PER_REFERRAL = 0.3;

export type SimDeclinedOffer = {
  /** The Berlin day of the callout, YYYY-MM-DD. */
  incidentDate: string;
  municipality: FillMunicipality;
  station: FillStation;
  gender: Gender;
};

/**
 * Consent refused at the callout (lib/referrals/service.ts recordDeclinedOffer): only the Berlin day, the
 * municipality, the station and the person's gender, at the same places as the referrals (pass it
 * `incidentTimes` like the referrals, for the same days and growth).
 */
export function declinedOffers(world: FillWorld): (incidentAt: number) => SimDeclinedOffer {
  const placeOf = places(world);
  return (incidentAt) => {
    const { municipality, station } = placeOf();
    return {
      incidentDate: new Date(incidentAt + berlinOffset(incidentAt)).toISOString().slice(0, 10),
      municipality,
      station,
      gender: VICTIM_GENDER(),
    };
  };
}
