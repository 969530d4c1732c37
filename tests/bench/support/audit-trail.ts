/**
 * The made-up audit trail of the audit benchmark (tests/bench/audit.ts): tens of millions of events as the
 * app writes them (lib/audit/record.ts and its callers: the same actions, fields and details), in chain
 * order, each with its hash computed as the chain trigger would (lib/audit/chain.ts `linkHash`), as lines of
 * PostgreSQL's COPY text format. Deterministic: the same plan (seed, users, referrals, span) gives the same
 * events and hashes. Pure: no database, no clock.
 *
 * The shape, roughly as a directorate's trail would look after two years: events day and night but mostly in
 * office hours, fewer at weekends, slowly growing; views of single referrals and of lists (the list views
 * name the 5 to 25 referrals shown) are most of it, then sign-ins, the referrals' lifecycle, refusals, user
 * administration and the auditors' own searches. The events are about a million referrals (most about
 * referrals a few days old, some about older ones) and about a few real referrals (rows in "Referral"),
 * each with its whole story: created, approved, dispatched to its partners, opened, listed, refused.
 */
import { type ChainEvent, GENESIS_HASH, linkHash } from '@/lib/audit/chain';

// ---------------------------------------------------------------------------------------------------------
// Randomness

export type Rng = () => number;

/** sfc32, seeded by a 32-bit integer: fast, 128 bits of state, good enough for made-up data. */
export function seededRandom(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** A 32-bit hash of an integer (for ids derived from a position, without keeping them). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const VARIANT = ['8', '9', 'a', 'b'];

/** A UUID version 7: `ms`, then 74 of the 96 given bits. */
function uuid7From(ms: number, a: number, b: number, c: number): string {
  const time = Math.floor(ms).toString(16).padStart(12, '0');
  const bits = hex8(a) + hex8(b) + hex8(c);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${bits.slice(0, 3)}-${VARIANT[parseInt(bits[3]!, 16) & 3]}${bits.slice(4, 7)}-${bits.slice(7, 19)}`;
}

/** A random UUID version 4 from `rng`. */
function randomUuid(rng: Rng): string {
  const bits =
    hex8(rng() * 4294967296) + hex8(rng() * 4294967296) + hex8(rng() * 4294967296) + hex8(rng() * 4294967296);
  return `${bits.slice(0, 8)}-${bits.slice(8, 12)}-4${bits.slice(13, 16)}-${VARIANT[parseInt(bits[16]!, 16) & 3]}${bits.slice(17, 20)}-${bits.slice(20, 32)}`;
}

const exponential = (rng: Rng, mean: number) => -Math.log(1 - rng()) * mean;

// ---------------------------------------------------------------------------------------------------------
// Accounts

export type FillRole = 'OFFICER' | 'SUPERVISOR' | 'PARTNER' | 'ADMIN' | 'AUDITOR';

export type FillUser = {
  id: string;
  email: string;
  displayName: string;
  role: FillRole;
  stationId: string | null;
  inspectionId: string | null;
  partnerId: string | null;
  /** The partner's code (what disclosures name as their recipient), for caseworkers. */
  partnerCode: string | null;
};

/** Of every 3,000 accounts: officers at the stations, supervisors, partners' caseworkers, admins, auditors. */
const ACCOUNT_SHARES: [FillRole, number][] = [
  ['OFFICER', 2_380],
  ['SUPERVISOR', 300],
  ['PARTNER', 250],
  ['ADMIN', 45],
  ['AUDITOR', 25],
];

/**
 * `count` accounts (about 3,000 for a directorate), spread over the stations, inspections and partners,
 * with ids from `seed`. The most active of each role come first (see `TrailGenerator.actor`).
 */
export function fillUsers(
  count: number,
  seed: number,
  world: { stations: string[]; inspections: string[]; partners: { id: string; code: string }[] },
): FillUser[] {
  const rng = seededRandom(seed ^ 0x5eed);
  const total = ACCOUNT_SHARES.reduce((sum, [, n]) => sum + n, 0);
  const users: FillUser[] = [];
  for (const [role, share] of ACCOUNT_SHARES) {
    const n = Math.max(1, Math.round((count * share) / total));
    for (let i = 0; i < n; i++) {
      const partner = role === 'PARTNER' ? world.partners[i % world.partners.length]! : null;
      const number = String(i + 1).padStart(4, '0');
      users.push({
        id: randomUuid(rng),
        email: `bench-audit-${role.toLowerCase()}-${number}@${role === 'PARTNER' ? 'partner' : 'polizei'}.example`,
        displayName: `Bench ${role.toLowerCase()} ${number}`,
        role,
        stationId: role === 'OFFICER' ? world.stations[i % world.stations.length]! : null,
        inspectionId: role === 'SUPERVISOR' ? world.inspections[i % world.inspections.length]! : null,
        partnerId: partner?.id ?? null,
        partnerCode: partner?.code ?? null,
      });
    }
  }
  return users;
}

// ---------------------------------------------------------------------------------------------------------
// Events

type Actor = { id: string; role: string };
type Details = Record<string, string | number | boolean>;

/** One event as it goes into the chain: the stored columns, the details as JSON too. */
export type TrailEvent = Omit<ChainEvent, 'prevHash' | 'hash'> & { json: string | null };

/** A referral that exists as a row: its events tell its whole story. */
export type RealReferral = { id: string; submittedAt: number; creatorId: string; partnerCodes: string[] };

export type TrailPlan = {
  events: number;
  /** The first instant (ms) of the history, and its end (exclusive): every event lies in between. */
  start: number;
  end: number;
  seed: number;
  users: FillUser[];
  partnerCodes: string[];
  realReferrals: RealReferral[];
  /** Made-up referrals the other events are about (default 1,000,000). */
  referrals?: number;
};

type Fields = {
  actor: Actor | null;
  entityType?: string;
  entityId?: string;
  subjectIds?: string[];
  reason?: string;
  recipient?: string;
  details?: Details | null;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TRACKS = ['VICTIM', 'PERPETRATOR'];
const PERMISSIONS = ['referral:read', 'referral:review', 'inbox:read', 'referral:read-own'];

/** Events per hour of the (Berlin) day, relative: the night shift writes too, the partners only by day. */
const HOUR_OF_DAY = [
  0.35, 0.3, 0.25, 0.22, 0.22, 0.3, 0.55, 0.9, 1.3, 1.55, 1.6, 1.55, 1.4, 1.45, 1.5, 1.45, 1.3, 1.1, 0.9, 0.75, 0.7,
  0.65, 0.55, 0.45,
];
/** Sunday first, as Date.getUTCDay(). */
const DAY_OF_WEEK = [0.45, 1.1, 1.1, 1.05, 1.05, 1.0, 0.55];
/** The trail grows by this factor over the history (more users, more referrals). */
const GROWTH = 1.3;

const berlinHourFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Berlin',
  hourCycle: 'h23',
  hour: '2-digit',
  weekday: 'short',
});
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The relative number of events in each hour from `start` to `end` (the last one partial). */
export function hourWeights(start: number, end: number): Float64Array {
  const hours = Math.ceil((end - start) / HOUR);
  const weights = new Float64Array(hours);
  for (let h = 0; h < hours; h++) {
    const at = start + h * HOUR;
    const parts = berlinHourFormat.formatToParts(new Date(at));
    const hour = Number(parts.find((p) => p.type === 'hour')!.value);
    const weekday = WEEKDAYS.indexOf(parts.find((p) => p.type === 'weekday')!.value);
    const part = Math.min(1, (end - at) / HOUR);
    weights[h] = HOUR_OF_DAY[hour]! * DAY_OF_WEEK[weekday]! * GROWTH ** (h / hours) * part;
  }
  return weights;
}

/**
 * What the events are made of: the accounts by role, the made-up referrals by age, the partners. The
 * benchmark asks it for the same kind of values to search for (`sampleReferrals`, `activeUsers`).
 */
export class TrailGenerator {
  readonly rng: Rng;
  private readonly byRole: Map<string, Actor[]>;
  private readonly caseworkers: Map<string, Actor[]>;
  private readonly referrals: number;
  /** Made-up referrals are created evenly from a quarter year before the history to its end. */
  private readonly createdFrom: number;
  private readonly createdSpan: number;
  private readonly ids: (string | undefined)[];

  constructor(readonly plan: TrailPlan) {
    this.rng = seededRandom(plan.seed);
    this.byRole = new Map();
    this.caseworkers = new Map();
    for (const user of plan.users) {
      const actor = { id: user.id, role: user.role };
      this.byRole.set(user.role, [...(this.byRole.get(user.role) ?? []), actor]);
      if (user.partnerCode) {
        this.caseworkers.set(user.partnerCode, [...(this.caseworkers.get(user.partnerCode) ?? []), actor]);
      }
    }
    for (const role of ['OFFICER', 'SUPERVISOR', 'PARTNER', 'ADMIN', 'AUDITOR']) {
      if (!this.byRole.get(role)?.length) throw new Error(`the plan has no ${role} account`);
    }
    this.referrals = plan.referrals ?? 1_000_000;
    this.createdFrom = plan.start - 90 * DAY;
    this.createdSpan = plan.end - this.createdFrom;
    this.ids = new Array<string | undefined>(this.referrals);
  }

  /** An account of `role`: a few of each role are far more active than most (the first ones). */
  actor(role: FillRole): Actor {
    const pool = this.byRole.get(role)!;
    return pool[Math.floor(pool.length * this.rng() ** 1.8)]!;
  }

  caseworker(partnerCode: string): Actor {
    const pool = this.caseworkers.get(partnerCode) ?? this.byRole.get('PARTNER')!;
    return pool[Math.floor(pool.length * this.rng() ** 1.5)]!;
  }

  /** Accounts by activity, the most active first: `n` of each role that does casework. */
  activeUsers(n: number): Actor[] {
    return ['OFFICER', 'SUPERVISOR', 'PARTNER'].flatMap((role) => this.byRole.get(role)!.slice(0, n));
  }

  /** The id of made-up referral `k` (uuid v7 of its creation): derived, not stored, until first used. */
  referralId(k: number): string {
    let id = this.ids[k];
    if (id === undefined) {
      const seed = this.plan.seed;
      id = uuid7From(
        this.createdFrom + ((k + 0.5) / this.referrals) * this.createdSpan,
        mix32(k * 3 + seed),
        mix32(k * 3 + 1 + seed),
        mix32(k * 3 + 2 + seed),
      );
      this.ids[k] = id;
    }
    return id;
  }

  /** A referral an event at `t` is about: created before `t`, most of them a few days or weeks before. */
  referralAt(t: number): string {
    const newest = Math.min(
      this.referrals - 1,
      Math.floor(((t - this.createdFrom) / this.createdSpan) * this.referrals),
    );
    const r = this.rng();
    const age =
      r < 0.55
        ? exponential(this.rng, 2 * DAY)
        : r < 0.88
          ? exponential(this.rng, 25 * DAY)
          : this.rng() * (t - this.createdFrom);
    const k = Math.floor(((t - age - this.createdFrom) / this.createdSpan) * this.referrals);
    return this.referralId(Math.max(0, Math.min(newest, k)));
  }

  /** The referrals one list view showed at `t`: 5 to 25, distinct. */
  listAt(t: number, count = 5 + Math.floor(this.rng() * 21), including?: string): string[] {
    const shown = new Set<string>(including ? [including] : []);
    for (let tries = 0; shown.size < count && tries < count * 4; tries++) shown.add(this.referralAt(t));
    return [...shown];
  }

  /** `n` referrals an auditor might look for at the end of the history. */
  sampleReferrals(n: number): string[] {
    return Array.from({ length: n }, () => this.referralAt(this.plan.end - 1));
  }

  partner(): string {
    return this.plan.partnerCodes[Math.floor(this.rng() * this.plan.partnerCodes.length)]!;
  }

  track(): string {
    return TRACKS[this.rng() < 0.8 ? 0 : 1]!;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.rng() * values.length)]!;
  }
}

/** Who opens or lists referrals: officers (their own), supervisors (their scope), caseworkers (their inbox). */
function caseActor(g: TrailGenerator, officers: number, supervisors: number): Actor {
  const r = g.rng();
  return g.actor(r < officers ? 'OFFICER' : r < officers + supervisors ? 'SUPERVISOR' : 'PARTNER');
}

const anyone = (g: TrailGenerator): Actor => {
  const r = g.rng();
  return g.actor(
    r < 0.78 ? 'OFFICER' : r < 0.9 ? 'SUPERVISOR' : r < 0.98 ? 'PARTNER' : r < 0.995 ? 'ADMIN' : 'AUDITOR',
  );
};

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The other events, by share (percent of them) and how each is made, as the app writes them. */
const ACTIONS: { action: string; weight: number; make: (g: TrailGenerator, t: number) => Fields }[] = [
  {
    action: 'REFERRAL_VIEWED',
    weight: 35,
    make: (g, t) => {
      const actor = caseActor(g, 0.35, 0.4);
      return {
        actor,
        entityType: 'Referral',
        entityId: g.referralAt(t),
        details: actor.role === 'PARTNER' ? { purpose: 'PARTNER_INBOX', track: g.track() } : null,
      };
    },
  },
  {
    action: 'REFERRAL_LIST_VIEWED',
    weight: 20,
    make: (g, t) => {
      const actor = caseActor(g, 0.4, 0.4);
      const shown = g.listAt(t);
      return {
        actor,
        entityType: 'Referral',
        subjectIds: shown,
        details: { count: shown.length, ...(actor.role === 'PARTNER' && { purpose: 'PARTNER_INBOX' }) },
      };
    },
  },
  {
    action: 'SIGN_IN_SUCCEEDED',
    weight: 11,
    make: (g) => {
      const actor = anyone(g);
      return { actor, details: { secondFactorPending: actor.role !== 'OFFICER' } };
    },
  },
  {
    action: 'SIGN_IN_FAILED',
    weight: 3,
    make: (g) =>
      g.rng() < 0.25
        ? { actor: null, details: { lockedNow: false, reason: 'UNKNOWN_ACCOUNT' } }
        : { actor: anyone(g), details: { lockedNow: g.rng() < 0.02, reason: 'WRONG_PASSWORD' } },
  },
  {
    action: 'SECOND_FACTOR_VERIFIED',
    weight: 3,
    make: (g) => ({ actor: g.actor(g.pick(['SUPERVISOR', 'PARTNER', 'ADMIN'] as const)) }),
  },
  {
    action: 'SIGNED_OUT',
    weight: 3,
    make: (g) => ({ actor: anyone(g), entityType: 'Session', entityId: randomUuid(g.rng) }),
  },
  {
    action: 'REFERRAL_CREATED',
    weight: 4,
    make: (g, t) => ({
      actor: g.actor('OFFICER'),
      entityType: 'Referral',
      entityId: g.referralAt(t),
      details: { routeVICTIM: 'RULE', ...(g.rng() < 0.3 && { routePERPETRATOR: 'RULE' }) },
    }),
  },
  {
    action: 'REFERRAL_APPROVED',
    weight: 3,
    make: (g, t) => ({ actor: g.actor('SUPERVISOR'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_RETURNED',
    weight: 0.6,
    make: (g, t) => ({ actor: g.actor('SUPERVISOR'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_CORRECTED',
    weight: 0.6,
    make: (g, t) => ({ actor: g.actor('OFFICER'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_DISPATCHED',
    weight: 3,
    make: (g, t) => ({
      actor: null,
      entityType: 'Referral',
      entityId: g.referralAt(t),
      recipient: g.partner(),
      details: { track: g.track() },
    }),
  },
  {
    action: 'REFERRAL_DISCLOSED',
    weight: 1.5,
    make: (g, t) => ({
      actor: null,
      entityType: 'Referral',
      entityId: g.referralAt(t),
      recipient: g.partner(),
      details: { channel: 'WEBHOOK', confirmed: true, event: 'referral.dispatched', status: 200, track: g.track() },
    }),
  },
  {
    action: 'REFERRAL_ACKNOWLEDGED',
    weight: 2,
    make: (g, t) => ({ actor: g.actor('PARTNER'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_CONTACT_ATTEMPTED',
    weight: 1.5,
    make: (g, t) => ({ actor: g.actor('PARTNER'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_CLOSED',
    weight: 1.5,
    make: (g, t) => ({ actor: g.actor('PARTNER'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_WITHDRAWN',
    weight: 0.2,
    make: (g, t) => ({ actor: g.actor('OFFICER'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'REFERRAL_PURGED',
    weight: 1,
    make: (g, t) => ({ actor: null, entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'ACCESS_DENIED',
    weight: 1,
    make: (g, t) => {
      const referral = g.referralAt(t);
      return {
        actor: anyone(g),
        entityType: 'Referral',
        entityId: referral,
        details: { permission: g.pick(PERMISSIONS), reason: 'OUT_OF_SCOPE', referral },
      };
    },
  },
  {
    action: 'DELIVERY_RETRIED',
    weight: 0.1,
    make: (g, t) => ({ actor: g.actor('SUPERVISOR'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  { action: 'PASSWORD_CHANGED', weight: 0.2, make: (g) => ({ actor: anyone(g) }) },
  {
    action: 'USER_UPDATED',
    weight: 0.3,
    make: (g) => ({
      actor: g.actor('ADMIN'),
      entityType: 'User',
      entityId: anyone(g).id,
      details: { fields: 'role,station' },
    }),
  },
  {
    action: 'USER_CREATED',
    weight: 0.1,
    make: (g) => ({ actor: g.actor('ADMIN'), entityType: 'User', entityId: randomUuid(g.rng) }),
  },
  {
    action: 'AUDIT_SEARCHED',
    weight: 0.5,
    make: (g, t) => ({ actor: g.actor('AUDITOR'), details: { from: day(t - 30 * DAY), to: day(t) } }),
  },
  {
    action: 'AUDIT_REFERRAL_TRACED',
    weight: 0.1,
    make: (g, t) => ({ actor: g.actor('AUDITOR'), entityType: 'Referral', entityId: g.referralAt(t) }),
  },
  {
    action: 'PARTNER_UPDATED',
    weight: 0.01,
    make: (g) => ({ actor: g.actor('ADMIN'), entityType: 'Partner', entityId: randomUuid(g.rng) }),
  },
  { action: 'ROUTING_CHANGED', weight: 0.01, make: (g) => ({ actor: g.actor('ADMIN'), details: { rules: 1 } }) },
];
const ACTION_TOTAL = ACTIONS.reduce((sum, a) => sum + a.weight, 0);

/** The share (percent) of each action among the made-up events (not the real referrals' stories). */
export const ACTION_SHARES: Record<string, number> = Object.fromEntries(
  ACTIONS.map((a) => [a.action, (100 * a.weight) / ACTION_TOTAL]),
);

function pickAction(g: TrailGenerator): (typeof ACTIONS)[number] {
  let x = g.rng() * ACTION_TOTAL;
  for (const a of ACTIONS) if ((x -= a.weight) < 0) return a;
  return ACTIONS[0]!;
}

type Pending = { at: number; action: string; fields: Fields };

/**
 * The story of each real referral, 20 to 200 events from its submission on (those after the end of the
 * history left out): created by its officer, approved, dispatched to each of its partners (the recipient),
 * then opened, listed, worked on by its caseworkers, disclosed by webhook, refused to others, traced by an
 * auditor.
 */
function realStories(g: TrailGenerator): Pending[] {
  const events: Pending[] = [];
  const { end } = g.plan;
  for (const referral of g.plan.realReferrals) {
    const story: Pending[] = [];
    const about = { entityType: 'Referral', entityId: referral.id };
    const at0 = referral.submittedAt;
    story.push({
      at: at0,
      action: 'REFERRAL_CREATED',
      fields: { actor: { id: referral.creatorId, role: 'OFFICER' }, ...about, details: { routeVICTIM: 'RULE' } },
    });
    const approved = at0 + HOUR * (0.2 + exponential(g.rng, 6));
    story.push({ at: approved, action: 'REFERRAL_APPROVED', fields: { actor: g.actor('SUPERVISOR'), ...about } });
    for (const [i, code] of referral.partnerCodes.entries()) {
      const track = TRACKS[i] ?? 'VICTIM';
      story.push({
        at: approved + 1_000 + i,
        action: 'REFERRAL_DISPATCHED',
        fields: { actor: null, ...about, recipient: code, details: { track } },
      });
    }
    const total = 20 + Math.floor(g.rng() ** 2 * 181);
    while (story.length < total) {
      const at = approved + (g.rng() < 0.7 ? exponential(g.rng, 3 * DAY) : exponential(g.rng, 40 * DAY));
      const r = g.rng();
      const code = g.pick(referral.partnerCodes);
      let fields: Fields;
      let action: string;
      if (r < 0.42) {
        action = 'REFERRAL_VIEWED';
        const viewer = g.rng();
        fields =
          viewer < 0.4
            ? { actor: g.caseworker(code), ...about, details: { purpose: 'PARTNER_INBOX', track: 'VICTIM' } }
            : { actor: viewer < 0.8 ? g.actor('SUPERVISOR') : { id: referral.creatorId, role: 'OFFICER' }, ...about };
      } else if (r < 0.77) {
        action = 'REFERRAL_LIST_VIEWED';
        const shown = g.listAt(at, undefined, referral.id);
        fields = {
          actor: g.rng() < 0.5 ? g.actor('SUPERVISOR') : g.caseworker(code),
          entityType: 'Referral',
          subjectIds: shown,
          details: { count: shown.length },
        };
      } else if (r < 0.85) {
        action = g.pick(['REFERRAL_ACKNOWLEDGED', 'REFERRAL_CONTACT_ATTEMPTED']);
        fields = { actor: g.caseworker(code), ...about };
      } else if (r < 0.9) {
        action = 'ACCESS_DENIED';
        fields = {
          actor: g.actor('OFFICER'),
          ...about,
          details: { permission: 'referral:read', reason: 'OUT_OF_SCOPE', referral: referral.id },
        };
      } else if (r < 0.97) {
        action = 'REFERRAL_DISCLOSED';
        fields = {
          actor: null,
          ...about,
          recipient: code,
          details: { channel: 'WEBHOOK', confirmed: true, event: 'referral.dispatched', status: 200, track: 'VICTIM' },
        };
      } else {
        action = 'AUDIT_REFERRAL_TRACED';
        fields = { actor: g.actor('AUDITOR'), ...about };
      }
      story.push({ at, action, fields });
    }
    for (const event of story) if (event.at < end) events.push({ ...event, at: Math.floor(event.at) });
  }
  // Stable: a story's own events that share a millisecond keep their order.
  return events.sort((a, b) => a.at - b.at);
}

function trailEvent(id: number, at: number, action: string, f: Fields): TrailEvent {
  const details = f.details ?? null;
  return {
    id: BigInt(id),
    at: new Date(at),
    actorId: f.actor?.id ?? null,
    actorRole: f.actor?.role ?? null,
    action,
    entityType: f.entityType ?? null,
    entityId: f.entityId ?? null,
    subjectIds: f.subjectIds ?? null,
    reason: f.reason ?? null,
    recipient: f.recipient ?? null,
    // As the database gives them back to the verification: key, JSON type, value text.
    details: details && Object.entries(details).map(([key, value]) => [key, typeof value, String(value)]),
    json: details && JSON.stringify(details),
  };
}

/**
 * The plan's events in chain order (positions 1, 2, 3 …, times never decreasing): the real referrals'
 * stories merged into the made-up events, `plan.events` in all.
 */
export function* trailEvents(g: TrailGenerator): Generator<TrailEvent> {
  const { start, end, events } = g.plan;
  const stories = realStories(g);
  const made = events - stories.length;
  if (made < 0) throw new Error(`the real referrals' ${stories.length} events are more than ${events}`);
  const weights = hourWeights(start, end);
  const total = weights.reduce((a, b) => a + b, 0);
  let id = 0;
  let story = 0;
  let cumulative = 0;
  let assigned = 0;
  for (let h = 0; h < weights.length; h++) {
    cumulative += weights[h]!;
    const upTo = h === weights.length - 1 ? made : Math.round((made * cumulative) / total);
    const count = upTo - assigned;
    assigned = upTo;
    const hourStart = start + h * HOUR;
    const length = Math.min(HOUR, end - hourStart);
    const offsets = new Float64Array(count);
    for (let i = 0; i < count; i++) offsets[i] = g.rng() * length;
    offsets.sort();
    for (let i = 0; i < count; i++) {
      const at = hourStart + Math.floor(offsets[i]!);
      while (story < stories.length && stories[story]!.at <= at) {
        const s = stories[story++]!;
        yield trailEvent(++id, s.at, s.action, s.fields);
      }
      const chosen = pickAction(g);
      yield trailEvent(++id, at, chosen.action, chosen.make(g, at));
    }
  }
  while (story < stories.length) {
    const s = stories[story++]!;
    yield trailEvent(++id, s.at, s.action, s.fields);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Chain and COPY

/** Each event with its predecessor's hash and its own (also as hex), from the genesis hash on. */
export function* chained(events: Iterable<TrailEvent>, prevHash: Buffer = GENESIS_HASH) {
  let prevHex = prevHash.toString('hex');
  for (const event of events) {
    const hash = linkHash(prevHash, event);
    const hashHex = hash.toString('hex');
    yield { event, prevHash, hash, prevHex, hashHex };
    prevHash = hash;
    prevHex = hashHex;
  }
}

/** The columns of `copyLine`, in order. */
export const COPY_COLUMNS =
  'id, at, "actorId", "actorRole", action, "entityType", "entityId", "subjectIds", reason, recipient, details, "prevHash", hash';

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

/** A text value or null for COPY, where it needs no escaping (ids, enum names, codes). */
const plain = (value: string | null) => value ?? '\\N';

/**
 * One event as a line of `COPY "AuditEvent" (COPY_COLUMNS) FROM STDIN`; the hashes as hex (bytea, its
 * backslash escaped for COPY).
 */
export function copyLine(event: TrailEvent, prevHex: string, hashHex: string): string {
  return (
    `${event.id}\t${event.at.toISOString()}\t${plain(event.actorId)}\t${plain(event.actorRole)}\t${copyText(event.action)}` +
    `\t${copyText(event.entityType)}\t${copyText(event.entityId)}` +
    `\t${event.subjectIds === null ? '\\N' : `{${event.subjectIds.join(',')}}`}\t${copyText(event.reason)}` +
    `\t${copyText(event.recipient)}\t${copyText(event.json)}\t\\\\x${prevHex}\t\\\\x${hashHex}\n`
  );
}
