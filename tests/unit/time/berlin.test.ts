import { describe, expect, it } from 'vitest';

import { berlinDateOf, berlinLocalToInstant, berlinTimestamp, instantToBerlinLocal } from '@/lib/time/berlin';

describe('berlinLocalToInstant', () => {
  it.each([
    ['2026-01-15T20:30', '2026-01-15T19:30:00.000Z'], // winter, UTC+1
    ['2026-07-15T20:30', '2026-07-15T18:30:00.000Z'], // summer, UTC+2
    ['2026-03-29T01:59', '2026-03-29T00:59:00.000Z'], // just before the spring gap
    ['2026-03-29T03:00', '2026-03-29T01:00:00.000Z'], // just after it
    ['2026-12-31T23:59', '2026-12-31T22:59:00.000Z'],
  ])('reads %s as Berlin time', (local, iso) => {
    const result = berlinLocalToInstant(local);
    expect(result).toEqual({ ok: true, instant: new Date(iso), ambiguous: false });
  });

  it('rejects a time inside the spring daylight-saving gap', () => {
    expect(berlinLocalToInstant('2026-03-29T02:30')).toEqual({ ok: false, reason: 'NONEXISTENT' });
  });

  it('takes the first of the two instants in the autumn fold, and says so', () => {
    expect(berlinLocalToInstant('2026-10-25T02:30')).toEqual({
      ok: true,
      instant: new Date('2026-10-25T00:30:00.000Z'),
      ambiguous: true,
    });
  });

  it.each([
    '',
    '2026-02-30T10:00',
    '2026-13-01T10:00',
    '2026-01-01T24:00',
    '2026-01-01 10:00',
    '2026-01-01T10:00:00',
    'x',
  ])('rejects the malformed value %j', (local) => {
    expect(berlinLocalToInstant(local)).toEqual({ ok: false, reason: 'FORMAT' });
  });

  it('round-trips through the Berlin wall clock', () => {
    const instant = new Date('2026-08-01T22:15:00Z');
    expect(instantToBerlinLocal(instant)).toBe('2026-08-02T00:15');
    expect(berlinDateOf(instant)).toBe('2026-08-02');
  });

  it('writes a timestamp to the millisecond in Berlin time, summer and winter, sortable as text', () => {
    expect(berlinTimestamp(new Date('2026-08-01T22:15:07.004Z'))).toBe('2026-08-02 00:15:07.004');
    expect(berlinTimestamp(new Date('2026-12-31T23:59:59.999Z'))).toBe('2027-01-01 00:59:59.999');
    // The autumn hour that happens twice reads as the wall clock showed it both times (the export's chain
    // position keeps the order).
    expect(berlinTimestamp(new Date('2026-10-25T00:30:00.000Z'))).toBe('2026-10-25 02:30:00.000');
    expect(berlinTimestamp(new Date('2026-10-25T01:30:00.000Z'))).toBe('2026-10-25 02:30:00.000');
  });
});
