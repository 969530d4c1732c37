import { describe, expect, it } from 'vitest';

import { GENESIS_HASH, linkHash } from '@/lib/audit/chain';
import {
  ACTION_SHARES,
  chained,
  copyLine,
  copyText,
  fillUsers,
  seededRandom,
  TrailGenerator,
  trailEvents,
  type TrailPlan,
} from '@/tests/bench/support/audit-trail';

const DAY = 86_400_000;
const start = Date.parse('2025-12-31T23:00:00Z');
const real = '01940000-0000-7000-8000-00000000abcd';

function plan(overrides: Partial<TrailPlan> = {}): TrailPlan {
  const users = fillUsers(300, 7, {
    stations: ['11111111-1111-4111-8111-111111111111'],
    inspections: ['22222222-2222-4222-8222-222222222222'],
    partners: [
      { id: '33333333-3333-4333-8333-333333333333', code: 'BISS-REGION' },
      { id: '44444444-4444-4444-8444-444444444444', code: 'MB-H' },
    ],
  });
  return {
    events: 20_000,
    start,
    end: start + 30 * DAY,
    seed: 42,
    users,
    partnerCodes: ['BISS-REGION', 'MB-H'],
    realReferrals: [{ id: real, submittedAt: start + DAY, creatorId: users[0]!.id, partnerCodes: ['BISS-REGION'] }],
    referrals: 50_000,
    ...overrides,
  };
}

const take = <T>(iterable: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const item of iterable) {
    if (out.length === n) break;
    out.push(item);
  }
  return out;
};

describe('the audit benchmark trail', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const first = take(chained(trailEvents(new TrailGenerator(plan()))), 500).map((l) => l.hashHex);
    const again = take(chained(trailEvents(new TrailGenerator(plan()))), 500).map((l) => l.hashHex);
    const other = take(chained(trailEvents(new TrailGenerator(plan({ seed: 43 })))), 500).map((l) => l.hashHex);
    expect(again).toEqual(first);
    expect(other[0]).not.toBe(first[0]);
    const random = seededRandom(1);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });

  it('has every event once, in chain order, within the period, each linked to its predecessor', () => {
    const p = plan();
    const links = [...chained(trailEvents(new TrailGenerator(p)))];
    expect(links).toHaveLength(p.events);
    const wrong: string[] = [];
    let prev = GENESIS_HASH;
    let prevAt = p.start;
    for (const [i, { event, prevHash, hash, hashHex }] of links.entries()) {
      const at = event.at.getTime();
      if (event.id !== BigInt(i + 1)) wrong.push(`position ${i + 1}: id ${event.id}`);
      if (at < prevAt || at >= p.end) wrong.push(`position ${i + 1}: at ${event.at.toISOString()}`);
      if (!prevHash.equals(prev)) wrong.push(`position ${i + 1}: previous hash`);
      if (hashHex !== hash.toString('hex')) wrong.push(`position ${i + 1}: hex`);
      if (i % 97 === 0 && !hash.equals(linkHash(prevHash, event))) wrong.push(`position ${i + 1}: hash`);
      prev = hash;
      prevAt = at;
    }
    expect(wrong).toEqual([]);
  });

  it('mixes the actions as planned and tells the real referral’s story', () => {
    const events = [...trailEvents(new TrailGenerator(plan()))];
    const share = (action: string) => (100 * events.filter((e) => e.action === action).length) / events.length;
    expect(share('REFERRAL_VIEWED')).toBeCloseTo(ACTION_SHARES.REFERRAL_VIEWED!, -1);
    expect(share('REFERRAL_LIST_VIEWED')).toBeCloseTo(ACTION_SHARES.REFERRAL_LIST_VIEWED!, -1);
    const lists = events.filter((e) => e.action === 'REFERRAL_LIST_VIEWED');
    expect(lists.every((e) => e.subjectIds!.length >= 5 && e.subjectIds!.length <= 25)).toBe(true);
    expect(lists.every((e) => new Set(e.subjectIds).size === e.subjectIds!.length)).toBe(true);
    const story = events.filter((e) => e.entityId === real || e.subjectIds?.includes(real));
    expect(story.length).toBeGreaterThanOrEqual(20);
    expect(story[0]).toMatchObject({ action: 'REFERRAL_CREATED', actorRole: 'OFFICER' });
    expect(story.some((e) => e.action === 'REFERRAL_DISPATCHED' && e.recipient === 'BISS-REGION')).toBe(true);
  });

  it('keeps the details as the database gives them back: key, JSON type, value text', () => {
    const events = take(trailEvents(new TrailGenerator(plan())), 2_000).filter((e) => e.json !== null);
    expect(events.length).toBeGreaterThan(100);
    for (const event of events) {
      const parsed = JSON.parse(event.json!) as Record<string, unknown>;
      expect(event.details).toEqual(Object.entries(parsed).map(([key, value]) => [key, typeof value, String(value)]));
    }
  });

  it('writes COPY text lines: 13 columns, nulls as \\N, hashes as escaped hex', () => {
    const [link] = take(chained(trailEvents(new TrailGenerator(plan()))), 1);
    const line = copyLine(link!.event, link!.prevHex, link!.hashHex);
    expect(line.endsWith('\n')).toBe(true);
    const columns = line.slice(0, -1).split('\t');
    expect(columns).toHaveLength(13);
    expect(columns[0]).toBe('1');
    expect(columns[1]).toBe(link!.event.at.toISOString());
    expect(columns[11]).toBe(`\\\\x${'00'.repeat(32)}`);
    expect(columns[12]).toMatch(/^\\\\x[0-9a-f]{64}$/);
    expect(copyText(null)).toBe('\\N');
    expect(copyText('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyText('plain')).toBe('plain');
  });
});
