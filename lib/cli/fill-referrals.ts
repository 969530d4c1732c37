/**
 * Fills a database with many realistic referrals (`npm run db:fill`, the queue benchmark, the query-plan
 * test): rows exactly like the submit writes them and the lifecycle moves them (lib/referrals/service.ts,
 * lib/referrals/lifecycle.ts), with the partners' feedback as their inbox records it (lib/inbox/service.ts:
 * acknowledgements, contact attempts, outcomes) and the declined offers of the same callouts, with the
 * history of lib/cli/fill-simulate.ts.
 *
 * Encrypted like real ones, with the app's own functions: a data key per referral wrapped by the keyring
 * (ENCRYPTION_KEYS), the case's sections and each track's person sealed under it, the Vorgangsnummer's blind
 * index from HASH_SECRET, a return's comment sealed to its referral and moment. So the app opens them, and
 * a referral whose data is erased holds exactly what erasure leaves (lib/referrals/erasure.ts).
 *
 * Speed: batches of a few thousand referrals, each one transaction of four INSERT … SELECT FROM unnest()
 * statements (referrals with their submission keys, tracks with the facts the lifecycle keeps on them,
 * timeline events, declined offers with their submission keys), the arrays sent as single text parameters,
 * so a batch costs four round trips. While PostgreSQL writes one or two batches, Node builds and seals the
 * next. The synchronous commit is off for these sessions only: a crash can lose the
 * last batches, never corrupt anything, and a fill is repeatable. As a superuser (the development and
 * benchmark databases) the per-row foreign-key checks are skipped too (`mayBypassForeignKeyTriggers`).
 *
 * Imports lib/referrals/sealed.ts and lib/referrals/lifecycle.ts, which are marked server-only: the CLI
 * loads this module after lib/cli/fill-server-only.ts has let it (Vitest aliases the marker anyway).
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { newDataKey, sealJson } from '@/lib/crypto/envelope';
import { env } from '@/lib/env';
import type { Gender, ReviewMode, Track } from '@/lib/generated/prisma/enums';
import { commentContext } from '@/lib/referrals/lifecycle';
import { caseNumberIndex, sealDetails, sealPerson } from '@/lib/referrals/sealed';
import type { RoutingRuleFact } from '@/lib/routing/decide';

import { caseDetails, perpetratorPerson, RETURN_COMMENTS, victimPerson } from './fill-people';
import {
  declinedOffers,
  DECLINED_PER_REFERRAL,
  incidentTimes,
  simulator,
  type FillWorld,
  type SimDeclinedOffer,
  type SimReferral,
  type Targets,
} from './fill-simulate';

export type FillProgress = { done: number; total: number; elapsedMs: number };

export type FillOptions = {
  count: number;
  /** The moment the history ends (default: now). */
  now?: Date;
  /** Referrals per transaction. */
  batchSize?: number;
  /** Batches PostgreSQL writes at the same time (2 cores: 2). */
  concurrency?: number;
  onProgress?: (progress: FillProgress) => void;
};

export type FillResult = {
  referrals: number;
  tracks: number;
  events: number;
  /** Declined offers (with their submission keys) written beside the referrals. */
  declinedOffers: number;
  /** Referrals by status, of this fill. */
  byStatus: Record<string, number>;
  /** Referrals of this fill still waiting for review whose approval is overdue at `now`. */
  overdueToReview: number;
  elapsedMs: number;
};

/** Fill accounts per station (officers), per inspection (supervisors) and per partner (caseworkers). */
const OFFICERS_PER_STATION = 12;
const SUPERVISORS_PER_INSPECTION = 3;
const CASEWORKERS_PER_PARTNER = 3;

/**
 * Adds `count` referrals to the database at `url` (its reference data must be seeded), and about
 * DECLINED_PER_REFERRAL × `count` declined offers over the same years. Running it again adds as many again:
 * new ids, new case numbers, the same fill accounts.
 */
export async function fillReferrals(url: string, options: FillOptions): Promise<FillResult> {
  const started = Date.now();
  const now = (options.now ?? new Date()).getTime();
  const batchSize = options.batchSize ?? 4_000;
  const concurrency = options.concurrency ?? 2;
  const pool = new pg.Pool({
    connectionString: url,
    max: concurrency + 1,
    options: `-c synchronous_commit=off${(await mayBypassForeignKeyTriggers(url)) ? ' -c session_replication_role=replica' : ''}`,
  });
  try {
    const world = await loadWorld(pool);
    const e = env();
    const targets: Targets = {
      approve: [e.TARGET_APPROVE_HOURS, e.TARGET_APPROVE_HIGH_RISK_HOURS],
      acknowledge: [e.TARGET_ACKNOWLEDGE_HOURS, e.TARGET_ACKNOWLEDGE_HIGH_RISK_HOURS],
      firstContact: [e.TARGET_FIRST_CONTACT_HOURS, e.TARGET_FIRST_CONTACT_HIGH_RISK_HOURS],
    };
    const simulate = simulator(world, now, targets);
    const times = incidentTimes(options.count, now);
    // Declined offers: their own callout times (the same days and growth), each batch taking those of its
    // referrals' stretch of the history, so that both are written in order of time.
    const decline = declinedOffers(world);
    const declinedCount = Math.round(options.count * DECLINED_PER_REFERRAL);
    const declinedTimes = incidentTimes(declinedCount, now);
    const declinedUpTo = (referrals: number) => Math.round((referrals * declinedCount) / options.count);
    // Case numbers of this run: a random block, so that a second fill does not repeat the first's.
    const caseBase = Math.floor(Math.random() * 80_000_000);

    const result: FillResult = {
      referrals: 0,
      tracks: 0,
      events: 0,
      declinedOffers: 0,
      byStatus: {},
      overdueToReview: 0,
      elapsedMs: 0,
    };
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    for (let from = 0; from < options.count && failure === null; from += batchSize) {
      const to = Math.min(from + batchSize, options.count);
      const referrals: SimReferral[] = [];
      for (let i = from; i < to; i++) referrals.push(simulate(times[i]!));
      const declined: SimDeclinedOffer[] = [];
      for (let i = declinedUpTo(from); i < declinedUpTo(to); i++) declined.push(decline(declinedTimes[i]!));
      const batch = buildBatch(referrals, declined, world, caseBase + from);
      for (const r of referrals) {
        result.byStatus[r.status] = (result.byStatus[r.status] ?? 0) + 1;
        if (r.status === 'SUBMITTED' && r.dueAt !== null && r.dueAt < now) result.overdueToReview++;
      }
      result.tracks += batch.trackCount;
      result.events += batch.eventCount;
      const write: Promise<void> = writeBatch(pool, batch)
        .then(() => {
          result.referrals += referrals.length;
          result.declinedOffers += declined.length;
          options.onProgress?.({ done: result.referrals, total: options.count, elapsedMs: Date.now() - started });
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      // Build the next batch while these are written; wait only when PostgreSQL has enough to do.
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== null) throw failure;
    result.elapsedMs = Date.now() - started;
    return result;
  } finally {
    await pool.end();
  }
}

/**
 * Whether the fill may skip the per-row foreign-key triggers (`session_replication_role = replica`): they are
 * almost half of PostgreSQL's work here (one lookup per reference, about twenty per referral), and every
 * reference the fill writes is an id it has just read from or written to the same database. Only a superuser
 * may (the development and benchmark databases), and only while these tables have no triggers of their own:
 * replica mode would silence those too, and whatever they enforce must hold for filled rows as well. Check
 * constraints and unique indexes apply either way.
 */
async function mayBypassForeignKeyTriggers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ superuser: boolean; own: number }>(
      `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              (SELECT count(*)::int FROM pg_trigger
                WHERE NOT tgisinternal
                  AND tgrelid IN ('"Referral"'::regclass, '"ReferralTrack"'::regclass, '"ReferralEvent"'::regclass,
                                  '"SubmissionKey"'::regclass, '"DeclinedOffer"'::regclass)) AS own`,
    );
    return rows[0]!.superuser && rows[0]!.own === 0;
  } finally {
    await client.end();
  }
}

/**
 * Fresh statistics after a bulk load (the planner otherwise keeps guessing from an almost empty table) and
 * the visibility map set, as autovacuum would leave a table that grew over years. Only the tables' owner may
 * do this; another role gets a warning per table and the statistics follow with autovacuum.
 */
export async function analyseFilledTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'VACUUM (ANALYZE) "Referral", "ReferralTrack", "ReferralEvent", "SubmissionKey", "DeclinedOffer"',
    );
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reference data and the fill's accounts

async function loadWorld(pool: pg.Pool): Promise<FillWorld> {
  const [inspections, stations, municipalities, partners, rules] = await Promise.all([
    pool.query<{ id: string; code: string }>(`SELECT id, code FROM "Inspection" ORDER BY code`),
    pool.query<{ id: string; code: string; name: string; inspectionId: string; reviewMode: ReviewMode }>(
      `SELECT id, code, name, "inspectionId", "reviewMode"::text AS "reviewMode" FROM "Station" ORDER BY code`,
    ),
    pool.query<{ id: string; name: string; inspectionId: string | null }>(
      `SELECT id, name, "inspectionId" FROM "Municipality" ORDER BY name`,
    ),
    pool.query<{
      id: string;
      code: string;
      tracks: Track[];
      genders: Gender[];
      activeFrom: Date;
      activeTo: Date | null;
    }>(
      `SELECT id, code, tracks::text[] AS tracks, genders::text[] AS genders, "activeFrom", "activeTo" FROM "Partner" ORDER BY code`,
    ),
    pool.query<RoutingRuleFact>(
      `SELECT id, version, track::text AS track, gender::text AS gender, "municipalityId", "partnerId", "validFrom", "validTo"
         FROM "RoutingRule"`,
    ),
  ]);
  if (stations.rows.length === 0 || rules.rows.length === 0) {
    throw new Error('The database has no stations or routing rules: seed its reference data first (npm run db:seed).');
  }
  const specs = [
    ...stations.rows.flatMap((s) =>
      Array.from({ length: OFFICERS_PER_STATION }, (_, i) => ({
        email: `fill-officer-${s.code.toLowerCase()}-${String(i + 1).padStart(2, '0')}@polizei.example`,
        name: `Füllung ${s.code} Beamt:in ${i + 1}`,
        role: 'OFFICER',
        station: s.id as string | null,
        inspection: null as string | null,
        partner: null as string | null,
      })),
    ),
    ...inspections.rows.flatMap((inspection) =>
      Array.from({ length: SUPERVISORS_PER_INSPECTION }, (_, i) => ({
        email: `fill-supervisor-${inspection.code.toLowerCase()}-${i + 1}@polizei.example`,
        name: `Füllung Dienstaufsicht ${inspection.code} ${i + 1}`,
        role: 'SUPERVISOR',
        station: null,
        inspection: inspection.id as string | null,
        partner: null,
      })),
    ),
    ...partners.rows.flatMap((p) =>
      Array.from({ length: CASEWORKERS_PER_PARTNER }, (_, i) => ({
        email: `fill-caseworker-${p.code.toLowerCase()}-${i + 1}@partner.example`,
        name: `Füllung ${p.code} Fachkraft ${i + 1}`,
        role: 'PARTNER',
        station: null,
        inspection: null,
        partner: p.id,
      })),
    ),
  ];
  // Accounts without a password: they only stand for who took each step; nobody signs in with them.
  await pool.query(
    `INSERT INTO "User" (id, email, "displayName", role, "stationId", "inspectionId", "partnerId")
     SELECT uuidv7(), u.email, u.name, u.role::"Role", u.station, u.inspection, u.partner
       FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[])
            AS u(email, name, role, station, inspection, partner)
     ON CONFLICT (email) DO NOTHING`,
    [
      specs.map((s) => s.email),
      specs.map((s) => s.name),
      specs.map((s) => s.role),
      specs.map((s) => s.station),
      specs.map((s) => s.inspection),
      specs.map((s) => s.partner),
    ],
  );
  const { rows: accounts } = await pool.query<{ id: string; email: string }>(
    `SELECT id, email FROM "User" WHERE email = ANY($1::text[])`,
    [specs.map((s) => s.email)],
  );
  const idOf = new Map(accounts.map((a) => [a.email, a.id]));
  const users: string[] = [];
  const groups = new Map<string, number[]>();
  for (const spec of specs) {
    users.push(idOf.get(spec.email)!);
    const key = spec.station ?? spec.inspection ?? spec.partner!;
    groups.set(key, [...(groups.get(key) ?? []), users.length - 1]);
  }
  const groupOf = (keys: string[]) => new Map(keys.map((key) => [key, groups.get(key)!]));
  return {
    stations: stations.rows,
    municipalities: municipalities.rows,
    partners: partners.rows,
    rules: rules.rows,
    users,
    officersByStation: groupOf(stations.rows.map((s) => s.id)),
    supervisorsByInspection: groupOf(inspections.rows.map((i) => i.id)),
    caseworkersByPartner: groupOf(partners.rows.map((p) => p.id)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// One batch: sealed where the personal data still exists, as PostgreSQL array literals

type Batch = {
  referrals: unknown[];
  tracks: unknown[];
  events: unknown[];
  declined: unknown[];
  trackCount: number;
  eventCount: number;
};

/**
 * An array literal of values that need no quoting (uuids, enum names, numbers, base64url ciphertexts and
 * hex): each text parameter is parsed by PostgreSQL itself, far cheaper than a parameter per value.
 */
const literal = (values: readonly (string | number | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : v)).join(',')}}`;
const bools = (values: readonly (boolean | null)[]) =>
  `{${values.map((v) => (v === null ? 'NULL' : v ? 't' : 'f')).join(',')}}`;

/** uuid v7 (time-ordered, like lib/uuid7.ts) from a pool of random bytes: a million ids in well under a second. */
let entropy = Buffer.alloc(0);
let used = 0;
function uuid7(ms: number): string {
  if (used + 10 > entropy.length) {
    entropy = randomBytes(64 * 1024);
    used = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(Math.floor(ms), 0, 6);
  entropy.copy(bytes, 6, used, used + 10);
  used += 10;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function buildBatch(
  referrals: SimReferral[],
  declined: SimDeclinedOffer[],
  world: FillWorld,
  caseOffset: number,
): Batch {
  const r = {
    id: [] as string[],
    status: [] as string[],
    changed: [] as number[],
    due: [] as (number | null)[],
    approved: [] as (number | null)[],
    incident: [] as number[],
    municipality: [] as string[],
    station: [] as string[],
    inspection: [] as string[],
    creator: [] as string[],
    highRisk: [] as boolean[],
    caseIndex: [] as (string | null)[],
    dataKey: [] as (string | null)[],
    details: [] as (string | null)[],
    submitted: [] as number[],
    updated: [] as number[],
    version: [] as number[],
  };
  const t = {
    id: [] as string[],
    referral: [] as string[],
    track: [] as string[],
    status: [] as string[],
    gender: [] as string[],
    partner: [] as string[],
    rule: [] as (string | null)[],
    ruleVersion: [] as (number | null)[],
    reason: [] as string[],
    override: [] as (string | null)[],
    method: [] as string[],
    consentAt: [] as number[],
    channels: [] as string[],
    person: [] as (string | null)[],
    highRisk: [] as boolean[],
    dispatched: [] as (number | null)[],
    due: [] as (number | null)[],
    acknowledged: [] as (number | null)[],
    firstContact: [] as (number | null)[],
    outcome: [] as (string | null)[],
  };
  const e = {
    ref: [] as number[],
    step: [] as string[],
    track: [] as (string | null)[],
    from: [] as (string | null)[],
    to: [] as string[],
    at: [] as number[],
    actor: [] as (number | null)[],
    role: [] as (string | null)[],
    comment: [] as (string | null)[],
    contactAt: [] as (number | null)[],
    channel: [] as (string | null)[],
    reached: [] as (boolean | null)[],
    outcome: [] as (string | null)[],
  };

  referrals.forEach((sim, n) => {
    const id = uuid7(sim.submittedAt);
    const year = new Date(sim.incidentAt).getUTCFullYear();
    const caseNumber = `${year}/${String(caseOffset + n).padStart(8, '0')}`;
    // Only what erasure has not taken yet is made and sealed at all: most of a long history is erased.
    const sealed = sim.erased ? null : newDataKey(id);
    r.id.push(id);
    r.status.push(sim.status);
    r.changed.push(sim.statusChangedAt);
    r.due.push(sim.dueAt);
    r.approved.push(sim.approvedAt);
    r.incident.push(sim.incidentAt);
    r.municipality.push(sim.municipality.id);
    r.station.push(sim.station.id);
    r.inspection.push(sim.station.inspectionId);
    r.creator.push(world.users[sim.officer]!);
    r.highRisk.push(sim.highRisk);
    r.caseIndex.push(sealed ? caseNumberIndex(caseNumber).toString('hex') : null);
    r.dataKey.push(sealed?.wrapped ?? null);
    r.details.push(
      sealed ? sealDetails(sealed.dataKey, id, caseDetails(caseNumber, sim.incidentAt, sim.highRisk)) : null,
    );
    r.submitted.push(sim.submittedAt);
    r.updated.push(sim.updatedAt);
    r.version.push(sim.version);

    for (const track of sim.tracks) {
      t.id.push(uuid7(sim.submittedAt));
      t.referral.push(id);
      t.track.push(track.track);
      t.status.push(track.status);
      t.gender.push(track.gender);
      t.partner.push(track.partnerId);
      t.rule.push(track.ruleId);
      t.ruleVersion.push(track.ruleVersion);
      t.reason.push(track.reason);
      t.override.push(track.overrideReason);
      t.method.push(track.consentMethod);
      t.consentAt.push(track.consentGivenAt);
      t.channels.push(`"{${track.channels.join(',')}}"`);
      const person =
        sealed && !track.erased
          ? track.track === 'VICTIM'
            ? victimPerson(track.gender, sim.municipality.name, sim.incidentAt)
            : perpetratorPerson(track.gender)
          : null;
      t.person.push(person && sealed ? sealPerson(sealed.dataKey, id, track.track, person) : null);
      t.highRisk.push(track.highRisk);
      t.dispatched.push(track.dispatchedAt);
      t.due.push(track.dueAt);
      t.acknowledged.push(track.acknowledgedAt);
      t.firstContact.push(track.firstContactAt);
      t.outcome.push(track.outcome);
    }

    for (const event of sim.events) {
      e.ref.push(n + 1);
      e.step.push(event.step);
      e.track.push(event.track);
      e.from.push(event.from);
      e.to.push(event.to);
      e.at.push(event.at);
      e.actor.push(event.actor < 0 ? null : event.actor + 1);
      e.role.push(event.role);
      e.comment.push(
        event.comment && sealed
          ? sealJson(sealed.dataKey, pickComment(), commentContext(id, new Date(event.at)))
          : null,
      );
      e.contactAt.push(event.contactAt);
      e.channel.push(event.contactChannel);
      e.reached.push(event.reached);
      e.outcome.push(event.outcome);
    }
  });

  return {
    referrals: [
      literal(r.id),
      literal(r.status),
      literal(r.changed),
      literal(r.due),
      literal(r.approved),
      literal(r.incident),
      literal(r.municipality),
      literal(r.station),
      literal(r.inspection),
      literal(r.creator),
      bools(r.highRisk),
      literal(r.caseIndex),
      literal(r.dataKey),
      literal(r.details),
      literal(r.submitted),
      literal(r.updated),
      literal(r.version),
    ],
    tracks: [
      literal(t.id),
      literal(t.referral),
      literal(t.track),
      literal(t.status),
      literal(t.gender),
      literal(t.partner),
      literal(t.rule),
      literal(t.ruleVersion),
      literal(t.reason),
      literal(t.override),
      literal(t.method),
      literal(t.consentAt),
      literal(t.channels),
      literal(t.person),
      bools(t.highRisk),
      literal(t.dispatched),
      literal(t.due),
      literal(t.acknowledged),
      literal(t.firstContact),
      literal(t.outcome),
    ],
    events: [
      literal(r.id),
      literal(e.ref),
      literal(e.step),
      literal(e.track),
      literal(e.from),
      literal(e.to),
      literal(e.at),
      literal(e.actor),
      literal(e.role),
      literal(e.comment),
      literal(world.users),
      literal(e.contactAt),
      literal(e.channel),
      bools(e.reached),
      literal(e.outcome),
    ],
    declined: [
      literal(declined.map((d) => d.incidentDate)),
      literal(declined.map((d) => d.municipality.id)),
      literal(declined.map((d) => d.gender)),
      literal(declined.map((d) => d.station.id)),
    ],
    trackCount: t.id.length,
    eventCount: e.ref.length,
  };
}

const pickComment = () => RETURN_COMMENTS[Math.floor(Math.random() * RETURN_COMMENTS.length)]!;

/** Milliseconds since the epoch as timestamptz (the columns keep milliseconds, as the app writes them). */
const ts = (column: string) => `to_timestamp(${column} / 1000.0)`;

/**
 * The referrals, and with each its submission key (kind REFERRAL; the keyed fingerprint of the form stands
 * in as random bytes, emptied where the referral is erased, as erasure does), its tracks and its timeline.
 */
const INSERT_REFERRALS = `
  WITH inserted AS (
    INSERT INTO "Referral" (id, status, "statusChangedAt", "dueAt", "approvedAt", "incidentAt", "municipalityId",
                            "stationId", "inspectionId", "createdById", "highRisk", "caseNumberIndex", "dataKey", details,
                            "idempotencyKey", "submittedAt", "updatedAt", version)
    SELECT x.id, x.status::"ReferralStatus", ${ts('x.changed')}, ${ts('x.due')}, ${ts('x.approved')}, ${ts('x.incident')},
           x.municipality, x.station, x.inspection, x.creator, x.high_risk, decode(x.case_index, 'hex'), x.data_key,
           x.details, gen_random_uuid(), ${ts('x.submitted')}, ${ts('x.updated')}, x.version
      FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::uuid[], $8::uuid[],
                  $9::uuid[], $10::uuid[], $11::bool[], $12::text[], $13::text[], $14::text[], $15::float8[],
                  $16::float8[], $17::int[])
           AS x(id, status, changed, due, approved, incident, municipality, station, inspection, creator, high_risk,
                case_index, data_key, details, submitted, updated, version)
    RETURNING "idempotencyKey", "dataKey" IS NULL AS erased
  )
  INSERT INTO "SubmissionKey" (key, kind, "payloadHash")
  SELECT "idempotencyKey", 'REFERRAL', CASE WHEN erased THEN '\\x'::bytea ELSE sha256(uuid_send(gen_random_uuid())) END
    FROM inserted`;

/**
 * Each delivery with what the lifecycle keeps on it by `now` (lib/referrals/lifecycle.ts, lib/inbox/service.ts):
 * its high-risk flag and deadline, when it was dispatched and acknowledged, its first contact attempt and its
 * outcome, as the simulation's replay of its steps has them.
 */
const INSERT_TRACKS = `
  INSERT INTO "ReferralTrack" (id, "referralId", track, status, gender, "partnerId", "routingRuleId", "routingRuleVersion",
                               "routingReason", "overrideReason", "lawfulBasis", "consentMethod", "consentGivenAt",
                               "legalBasis", channels, person, "highRisk", "dispatchedAt", "dueAt", "acknowledgedAt",
                               "firstContactAt", outcome)
  SELECT x.id, x.referral, x.track::"Track", x.status::"ReferralStatus", x.gender::"Gender", x.partner, x.rule,
         x.rule_version, x.reason::"RoutingReason", x.override::"OverrideReason", 'CONSENT', x.method::"ConsentMethod",
         ${ts('x.consent_at')}, NULL, x.channels::"ContactChannel"[], x.person, x.high_risk, ${ts('x.dispatched')},
         ${ts('x.due')}, ${ts('x.acknowledged')}, ${ts('x.first_contact')}, x.outcome::"Outcome"
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::int[], $9::text[],
                $10::text[], $11::text[], $12::float8[], $13::text[], $14::text[], $15::bool[], $16::float8[],
                $17::float8[], $18::float8[], $19::float8[], $20::text[])
         AS x(id, referral, track, status, gender, partner, rule, rule_version, reason, override, method, consent_at,
              channels, person, high_risk, dispatched, due, acknowledged, first_contact, outcome)`;

/**
 * Timeline events name their referral and actor by position in the batch's lists (ids repeated six times
 * per referral would be most of the traffic); their own id is a uuid v7 of their moment, as the app makes
 * it (PostgreSQL 18's uuidv7 with a shift from the present). A contact attempt keeps when, how and whether
 * it reached the person; a partner's closing step its outcome.
 */
const INSERT_EVENTS = `
  INSERT INTO "ReferralEvent" (id, "referralId", step, track, "fromStatus", "toStatus", at, "actorId", "actorRole", comment,
                               "contactAt", "contactChannel", reached, outcome)
  SELECT uuidv7(${ts('e.at')} - clock_timestamp()), r.id, e.step::"ReferralStep", e.track::"Track",
         e.from_status::"ReferralStatus", e.to_status::"ReferralStatus", ${ts('e.at')}, u.id, e.role::"Role", e.comment,
         ${ts('e.contact_at')}, e.channel::"ContactAttemptChannel", e.reached, e.outcome::"Outcome"
    FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::int[], $9::text[], $10::text[],
                $12::float8[], $13::text[], $14::bool[], $15::text[])
         AS e(ref, step, track, from_status, to_status, at, actor, role, comment, contact_at, channel, reached, outcome)
    JOIN unnest($1::uuid[]) WITH ORDINALITY AS r(id, n) ON r.n = e.ref
    LEFT JOIN unnest($11::uuid[]) WITH ORDINALITY AS u(id, n) ON u.n = e.actor`;

/**
 * Declined offers as lib/referrals/service.ts recordDeclinedOffer writes them: a random id (uuid v4) and the
 * form's idempotency key, claimed in SubmissionKey (kind DECLINED; the keyed fingerprint of the form stands
 * in as random bytes), and nothing else but the Berlin day, the place, the station and the gender.
 */
const INSERT_DECLINED = `
  WITH inserted AS (
    INSERT INTO "DeclinedOffer" (id, "incidentDate", "municipalityId", gender, "stationId", "idempotencyKey")
    SELECT gen_random_uuid(), x.day, x.municipality, x.gender::"Gender", x.station, gen_random_uuid()
      FROM unnest($1::date[], $2::uuid[], $3::text[], $4::uuid[]) AS x(day, municipality, gender, station)
    RETURNING "idempotencyKey"
  )
  INSERT INTO "SubmissionKey" (key, kind, "payloadHash")
  SELECT "idempotencyKey", 'DECLINED', sha256(uuid_send(gen_random_uuid())) FROM inserted`;

async function writeBatch(pool: pg.Pool, batch: Batch): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(INSERT_REFERRALS, batch.referrals);
    await client.query(INSERT_TRACKS, batch.tracks);
    await client.query(INSERT_EVENTS, batch.events);
    await client.query(INSERT_DECLINED, batch.declined);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
