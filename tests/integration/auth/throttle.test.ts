import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { authenticateWithPassword } from '@/lib/auth/service';
import { lockSeconds, unlockAccount } from '@/lib/auth/throttle';
import { db } from '@/lib/db';

import { createActor, freshWorld, PASSWORD } from '../support/world';

const ADDRESS = '198.51.100.7';

async function officerEmail() {
  const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  return (await db().user.findUniqueOrThrow({ where: { id: officer.id } })).email;
}

async function failTimes(email: string, times: number, address = ADDRESS) {
  for (let i = 0; i < times; i++)
    expect(await authenticateWithPassword(email, `wrong-password-${i}`, address)).toBeNull();
}

beforeEach(freshWorld);
afterEach(() => vi.useRealTimers());

describe('sign-in throttling', () => {
  it('locks an account after five failures: the right password then fails too, and the lock is audited', async () => {
    const email = await officerEmail();
    await failTimes(email, 5);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).toBeNull();
    const reasons = (await db().auditEvent.findMany({ orderBy: { id: 'asc' }, select: { details: true } })).map(
      (e) => e.details,
    );
    expect(reasons.at(-2)).toEqual({ reason: 'WRONG_PASSWORD', lockedNow: true });
    expect(reasons.at(-1)).toEqual({ reason: 'LOCKED' });
  });

  it('lets no more than five of many parallel guesses be checked', async () => {
    const email = await officerEmail();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => authenticateWithPassword(email, `parallel-guess-${i}`, ADDRESS)),
    );
    expect(results.every((r) => r === null)).toBe(true);
    const reasons = (await db().auditEvent.findMany({ select: { details: true } })).map(
      (e) => (e.details as { reason: string }).reason,
    );
    expect(reasons.filter((r) => r === 'WRONG_PASSWORD')).toHaveLength(5);
    // Tries against the lock are counted, and only the first of the hour is an event (ADR 0012).
    expect(reasons.filter((r) => r === 'LOCKED')).toHaveLength(1);
    expect(await db().anonymousDenial.findMany({ select: { kind: true, count: true } })).toEqual([
      { kind: `SIGN_IN_LOCKED:${(await db().user.findUniqueOrThrow({ where: { email } })).id}`, count: 15 },
    ]);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).toBeNull();
  });

  it('treats an unknown account exactly like a real one, counting the guesses rather than recording each', async () => {
    await failTimes('niemand@polizei.example', 5);
    expect(await authenticateWithPassword('niemand@polizei.example', PASSWORD, '198.51.100.9')).toBeNull();
    // Anyone can repeat these with a new made-up address every time (ADR 0012): one event an hour, all counted.
    expect(await db().auditEvent.findMany({ select: { details: true }, orderBy: { id: 'asc' } })).toEqual([
      { details: { reason: 'UNKNOWN_ACCOUNT', lockedNow: false } },
      { details: { reason: 'LOCKED' } },
    ]);
    expect(
      await db().anonymousDenial.findMany({ select: { kind: true, count: true }, orderBy: { kind: 'asc' } }),
    ).toEqual([
      { kind: 'SIGN_IN_LOCKED:UNKNOWN_ACCOUNT', count: 1 },
      { kind: 'SIGN_IN_UNKNOWN_ACCOUNT', count: 5 },
    ]);
  });

  it('lets the account in again when the lock expires, and locks longer the next time', async () => {
    const email = await officerEmail();
    vi.useFakeTimers({ toFake: ['Date'] });
    await failTimes(email, 5);
    vi.setSystemTime(Date.now() + 14 * 60_000);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).toBeNull();
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).not.toBeNull();

    await failTimes(email, 5, '198.51.100.8');
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect(await authenticateWithPassword(email, PASSWORD, '198.51.100.8')).toBeNull(); // second lock: 30 minutes
    vi.setSystemTime(Date.now() + 15 * 60_000);
    expect(await authenticateWithPassword(email, PASSWORD, '198.51.100.8')).not.toBeNull();
  });

  it('is lifted at once by an admin unlock', async () => {
    const email = await officerEmail();
    await failTimes(email, 6);
    await unlockAccount(email.toUpperCase());
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).not.toBeNull();
  });

  it('counts only consecutive failures: a successful sign-in starts again', async () => {
    const email = await officerEmail();
    await failTimes(email, 4);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).not.toBeNull();
    await failTimes(email, 4);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).not.toBeNull();
  });

  it('blocks an address that tries many accounts (password spraying)', async () => {
    const email = await officerEmail();
    for (let i = 0; i < 31; i++) await authenticateWithPassword(`spray${i}@polizei.example`, 'Sommer2026!', ADDRESS);
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).toBeNull();
    expect(await authenticateWithPassword(email, PASSWORD, '203.0.113.9')).not.toBeNull();
  });

  it('stores keyed hashes, never the typed e-mail address or the client address', async () => {
    const email = await officerEmail();
    await failTimes(email, 2);
    const keys = (await db().rateLimit.findMany({ select: { key: true } })).map((r) => r.key).join(' ');
    expect(keys).not.toContain(email);
    expect(keys).not.toContain(ADDRESS);
  });
});

describe('lockSeconds', () => {
  it('doubles from 15 minutes up to a day', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(lockSeconds)).toEqual([900, 1800, 3600, 7200, 14400, 28800, 57600, 86400]);
  });
});
