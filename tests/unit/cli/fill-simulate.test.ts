import { beforeAll, describe, expect, it } from 'vitest';

import {
  declinedOffers,
  HISTORY_YEARS,
  incidentTimes,
  replay,
  simulator,
  type FillWorld,
  type SimReferral,
  type Targets,
} from '@/lib/cli/fill-simulate';
import type { Gender, Track } from '@/lib/generated/prisma/enums';

/**
 * The fill's history (lib/cli/fill-simulate.ts) on a small made-up world: every referral's timeline is one
 * the app could have written (lib/referrals/lifecycle.ts, lib/inbox/service.ts), its deliveries and status
 * are what those steps leave, and the partners' feedback has the intended shape.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.parse('2026-11-20T10:00:00Z');
const targets: Targets = { approve: [4, 1], acknowledge: [24, 4], firstContact: [72, 24] };

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Two inspections, three municipalities, a station of each review mode, partners for every track and gender. */
function world(): FillWorld {
  const [north, south] = [id(1), id(2)];
  const municipalities = [
    { id: id(10), name: 'Hannover', inspectionId: north },
    { id: id(11), name: 'Laatzen', inspectionId: north },
    { id: id(12), name: 'Garbsen', inspectionId: south },
  ];
  const stations = [
    { id: id(20), code: 'HM', name: 'PK Hannover-Mitte', inspectionId: north, reviewMode: 'FOUR_EYES' as const },
    { id: id(21), code: 'LA', name: 'PK Laatzen', inspectionId: north, reviewMode: 'DIRECT' as const },
    { id: id(22), code: 'GA', name: 'PK Garbsen', inspectionId: south, reviewMode: 'FOUR_EYES' as const },
  ];
  const since = new Date('2024-01-01T00:00:00Z');
  const partner = (n: number, tracks: Track[], genders: Gender[]) => ({
    id: id(n),
    tracks,
    genders,
    activeFrom: since,
    activeTo: null,
  });
  const partners = [
    partner(30, ['VICTIM'], ['FEMALE', 'DIVERSE']),
    partner(31, ['VICTIM'], ['MALE']),
    partner(32, ['VICTIM'], ['FEMALE', 'MALE', 'DIVERSE']),
    partner(33, ['PERPETRATOR'], ['FEMALE', 'MALE', 'DIVERSE']),
  ];
  let rule = 100;
  const rules = municipalities.flatMap((m) =>
    (['FEMALE', 'MALE', 'DIVERSE'] as const).flatMap((gender) =>
      (['VICTIM', 'PERPETRATOR'] as const).map((track) => ({
        id: id(rule++),
        version: 1,
        track,
        gender,
        municipalityId: m.id,
        partnerId: track === 'PERPETRATOR' ? id(33) : gender === 'MALE' ? id(31) : id(30),
        validFrom: since,
        validTo: null,
      })),
    ),
  );
  // Accounts: 3 officers per station, 2 supervisors per inspection, 2 caseworkers per partner.
  const users: string[] = [];
  const group = (size: number) =>
    Array.from({ length: size }, () => (users.push(id(1000 + users.length)), users.length - 1));
  return {
    stations,
    municipalities,
    partners,
    rules,
    users,
    officersByStation: new Map(stations.map((s) => [s.id, group(3)])),
    supervisorsByInspection: new Map([north, south].map((i) => [i, group(2)])),
    caseworkersByPartner: new Map(partners.map((p) => [p.id, group(2)])),
  };
}

const filled = world();
let referrals: SimReferral[] = [];

beforeAll(() => {
  const simulate = simulator(filled, now, targets);
  referrals = Array.from(incidentTimes(20_000, now), (at) => simulate(at));
});

const ownOf = (r: SimReferral, track: Track) => r.events.filter((e) => e.track === track);
const attemptsOf = (r: SimReferral, track: Track) =>
  r.events.filter((e) => e.track === track && e.step === 'CONTACT_ATTEMPTED');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The referrals whose `check` finds something wrong, with what (empty: none). Collected rather than asserted
 * one by one: a few hundred thousand expectations would take most of the test's time.
 */
function problems(check: (r: SimReferral, fail: (what: string) => void) => void): string[] {
  const found: string[] = [];
  for (const r of referrals) {
    check(r, (what) => {
      const steps = r.events.map((e) => `${e.step}${e.track ? `/${e.track}` : ''} ${e.from}→${e.to}`);
      found.push(`${what} (submitted ${new Date(r.submittedAt).toISOString()}: ${steps.join(', ')})`);
    });
    if (found.length >= 3) break;
  }
  return found;
}

describe('the simulated history', () => {
  it('keeps every timeline in order of time, up to now, each step leaving where the one before left it', () => {
    expect(
      problems((r, fail) => {
        if (r.events[0]!.step !== 'SUBMITTED') fail('not submitted first');
        if (r.events.at(-1)!.at > now) fail('a step after now');
        const kinds = r.tracks.map((t) => t.track);
        for (const [i, e] of r.events.entries()) {
          if (i > 0 && e.at < r.events[i - 1]!.at) fail(`${e.step} out of order`);
          if (i === 0) continue;
          const before = replay(r.events.slice(0, i), kinds, r.submittedAt, r.highRisk, targets);
          const from = e.track === null ? before.status : before.tracks.find((t) => t.track === e.track)!.status;
          if (e.from !== from) fail(`${e.step} ${e.track ?? ''} from ${e.from}, but it stood at ${from}`);
        }
      }),
    ).toEqual([]);
  });

  it("records the partner's steps per delivery, by a caseworker of that delivery's partner", () => {
    expect(
      problems((r, fail) => {
        for (const e of r.events) {
          if (e.step === 'ACKNOWLEDGED' || e.step === 'CONTACT_ATTEMPTED' || e.step === 'CLOSED') {
            const track = r.tracks.find((t) => t.track === e.track);
            if (!track) fail(`${e.step} without a track`);
            else if (e.role !== 'PARTNER' || !filled.caseworkersByPartner.get(track.partnerId)!.includes(e.actor)) {
              fail(`${e.step} not by a caseworker of the partner`);
            }
          } else if (e.step !== 'WITHDRAWN' && e.track !== null) fail(`${e.step} of a track`);
          const attempt = e.step === 'CONTACT_ATTEMPTED';
          if ((e.contactAt !== null) !== attempt || (e.contactChannel !== null) !== attempt) fail('contact');
          if ((e.reached !== null) !== attempt) fail('reached');
          if ((e.outcome !== null) !== (e.step === 'CLOSED')) fail('outcome');
        }
      }),
    ).toEqual([]);
  });

  it('makes one to three contact attempts after the acknowledgement, the first reached one ending them', () => {
    expect(
      problems((r, fail) => {
        for (const track of r.tracks) {
          const attempts = attemptsOf(r, track.track);
          if (attempts.length > 3) fail('more than three attempts');
          if (attempts.length === 0) {
            if (track.firstContactAt !== null) fail('a first contact without attempts');
            continue;
          }
          const acknowledged = ownOf(r, track.track).find((e) => e.step === 'ACKNOWLEDGED');
          if (!acknowledged || acknowledged.at >= attempts[0]!.at) fail('an attempt before the acknowledgement');
          for (const [n, attempt] of attempts.entries()) {
            const at = attempt.contactAt!;
            if (at % 60_000 !== 0) fail('not stated to the minute');
            if (at > attempt.at) fail('made after it was recorded');
            if (at < Math.floor(track.dispatchedAt! / 60_000) * 60_000) fail('made before the delivery');
            if (attempt.reached && n !== attempts.length - 1) fail('attempts after reaching the person');
          }
          if (track.firstContactAt !== Math.min(...attempts.map((a) => a.contactAt!))) fail('firstContactAt');
        }
      }),
    ).toEqual([]);
  });

  it('closes a delivery after its attempts, with an outcome that agrees with them', () => {
    let closed = 0;
    expect(
      problems((r, fail) => {
        for (const track of r.tracks) {
          const closing = ownOf(r, track.track).find((e) => e.step === 'CLOSED');
          if (track.outcome !== (closing?.outcome ?? null)) fail("the outcome is not the closing step's");
          if (!closing) continue;
          closed++;
          const attempts = attemptsOf(r, track.track);
          if (attempts.length === 0) fail('closed without attempts');
          else if (closing.at <= attempts.at(-1)!.at) fail('closed before its last attempt');
          const reached = attempts.some((a) => a.reached);
          if (closing.outcome === 'REACHED_SUPPORTED' && !reached) fail('supported, never reached');
          if (closing.outcome === 'DECLINED' && !reached) fail('declined, never reached');
          if (closing.outcome === 'NOT_REACHABLE' && reached) fail('not reachable, but reached');
        }
      }),
    ).toEqual([]);
    expect(closed).toBeGreaterThan(referrals.length / 2);
  });

  it('leaves each referral where its deliveries stand, due when the lifecycle says', () => {
    expect(
      problems((r, fail) => {
        // A delivered referral stands where its least advanced open delivery stands.
        if (['DISPATCHED', 'ACKNOWLEDGED', 'CLOSED'].includes(r.status)) {
          const least = (['DISPATCHED', 'ACKNOWLEDGED', 'CLOSED'] as const).find((s) =>
            r.tracks.some((t) => t.status === s),
          );
          if (r.status !== least) fail(`${r.status}, its least advanced delivery ${least}`);
        }
        // Acknowledged and not yet attempted: the first contact is due from the approval; attempted: nothing.
        for (const track of r.tracks) {
          if (track.status !== 'ACKNOWLEDGED') continue;
          const hours = track.highRisk ? targets.firstContact[1] : targets.firstContact[0];
          const due = track.firstContactAt === null ? r.approvedAt! + hours * HOUR : null;
          if (track.dueAt !== due) fail("the delivery's deadline");
        }
        if (r.erased !== (r.status === 'WITHDRAWN' || r.status === 'PURGED')) fail('erased');
        if (r.erased && r.events.some((e) => e.comment)) fail('a comment left after erasure');
        if (r.tracks.some((t) => t.erased !== (r.erased || t.status === 'WITHDRAWN'))) fail('a person left');
      }),
    ).toEqual([]);
  });

  it('reaches about 70 % of victims, mostly by phone, the first attempt about 20 hours after the acknowledgement', () => {
    // Deliveries whose attempts are over (closed): what the partner managed.
    const victims = referrals.filter((r) => r.tracks[0]!.outcome !== null);
    const reached = victims.filter((r) => attemptsOf(r, 'VICTIM').some((a) => a.reached));
    expect(reached.length / victims.length).toBeGreaterThan(0.64);
    expect(reached.length / victims.length).toBeLessThan(0.76);

    const attempts = referrals.flatMap((r) => r.events.filter((e) => e.step === 'CONTACT_ATTEMPTED'));
    expect(attempts.filter((a) => a.contactChannel === 'PHONE').length / attempts.length).toBeGreaterThan(0.7);

    const firstDelay = (high: boolean) =>
      median(
        referrals
          .filter((r) => r.highRisk === high && r.tracks[0]!.firstContactAt !== null)
          .map((r) => (r.tracks[0]!.firstContactAt! - r.tracks[0]!.acknowledgedAt!) / HOUR),
      );
    expect(firstDelay(false)).toBeGreaterThan(14);
    expect(firstDelay(false)).toBeLessThan(28);
    expect(firstDelay(true)).toBeLessThan(firstDelay(false) / 2);

    const outcomes = new Map<string, number>();
    for (const r of victims) outcomes.set(r.tracks[0]!.outcome!, (outcomes.get(r.tracks[0]!.outcome!) ?? 0) + 1);
    expect(outcomes.get('REACHED_SUPPORTED')! / victims.length).toBeGreaterThan(0.5);
    expect(outcomes.get('NOT_REACHABLE')! / victims.length).toBeGreaterThan(0.2);
    expect((outcomes.get('UNSAFE_TO_CONTACT') ?? 0) / victims.length).toBeLessThan(0.05);
  });

  it('has deliveries waiting for their first contact only among recent referrals', () => {
    const waiting = referrals.filter((r) =>
      r.tracks.some((t) => t.status === 'ACKNOWLEDGED' && t.firstContactAt === null),
    );
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.filter((r) => now - r.submittedAt > 40 * DAY)).toEqual([]);
  });
});

describe('the simulated declined offers', () => {
  it('fall on Berlin days of the history, at the places and stations of the referrals', () => {
    const decline = declinedOffers(filled);
    const offers = Array.from(incidentTimes(6_000, now), (at) => ({ at, ...decline(at) }));
    const first = new Date(now - HISTORY_YEARS * 365.25 * DAY).toISOString().slice(0, 10);
    const years = new Set(offers.map((o) => o.incidentDate.slice(0, 4)));
    expect(years.size).toBeGreaterThanOrEqual(HISTORY_YEARS);
    for (const offer of offers) {
      expect(offer.incidentDate >= first).toBe(true);
      // The Berlin day: an evening callout in UTC may already be the next day in Berlin, never the one before.
      const utcDay = new Date(offer.at).toISOString().slice(0, 10);
      const nextDay = new Date(offer.at + 2 * HOUR).toISOString().slice(0, 10);
      expect([utcDay, nextDay]).toContain(offer.incidentDate);
      expect(offer.municipality.inspectionId).toBe(offer.station.inspectionId);
      expect(['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED']).toContain(offer.gender);
    }
    // Hannover, by far the largest, has most of them (as it has most referrals).
    const hannover = offers.filter((o) => o.municipality.name === 'Hannover').length;
    expect(hannover / offers.length).toBeGreaterThan(0.7);
    const ofReferrals = referrals.filter((r) => r.municipality.name === 'Hannover').length / referrals.length;
    expect(Math.abs(hannover / offers.length - ofReferrals)).toBeLessThan(0.05);
  });
});
