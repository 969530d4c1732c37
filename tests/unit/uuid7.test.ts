import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod/mini';

import { uuid7 } from '@/lib/uuid7';

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_MS = 2 ** 48 - 1;

/** The Unix milliseconds in the first 48 bits. */
const timeOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

afterEach(() => vi.useRealTimers());

describe('uuid7', () => {
  it('is a version 7 UUID of the RFC 9562 variant', () => {
    for (let i = 0; i < 200; i++) {
      const id = uuid7();
      expect(id).toMatch(UUID7);
      expect(id[14]).toBe('7');
      expect(parseInt(id[19]!, 16) >> 2).toBe(0b10);
    }
  });

  it('passes the schemas’ UUID checks', () => {
    const id = uuid7();
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
  });

  it('carries the current time in its first 48 bits', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-10T12:00:00.123Z'));
    const id = uuid7();
    expect(timeOf(id)).toBe(1_781_092_800_123);
    expect(id.startsWith('019eb167-567b-7')).toBe(true);
  });

  it('keeps the time and the version and variant bits for any time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS }), (ms) => {
        const id = uuid7(ms);
        expect(id).toMatch(UUID7);
        expect(timeOf(id)).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts by time, as text as well', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS - 1 }), fc.integer({ min: 1, max: MAX_MS }), (a, gap) => {
        const later = Math.min(a + gap, MAX_MS);
        expect(uuid7(a) < uuid7(later)).toBe(true);
      }),
      { numRuns: 1000 },
    );
    const times = [1, 2, 255, 256, 65_535, Date.parse('2026-06-10T12:00:00Z'), MAX_MS];
    const ids = times.map((t) => uuid7(t));
    expect(ids.toSorted()).toEqual(ids);
  });

  it('is unique within the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuid7(Date.parse('2026-06-10T12:00:00Z'))));
    expect(ids.size).toBe(10_000);
  });

  it.each([-1, 2 ** 48])('refuses a time outside 48 bits (%d)', (ms) => {
    expect(() => uuid7(ms)).toThrow(RangeError);
  });
});
