/**
 * Calendar days in Europe/Berlin (`YYYY-MM-DD`), for what is valid "from a day on": routing rules and partners
 * (issue 9). A day begins at Berlin midnight; a range of days is stored as [start of the first day, start of
 * the day after the last). Client-safe and dependency-free, and apart from lib/time/berlin.ts so that the
 * officer's form does not load it.
 */
import { berlinDateOf, berlinLocalToInstant } from '@/lib/time/berlin';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether `date` is a real calendar date written `YYYY-MM-DD`, in the years this app deals with (2000 to
 * 2999): older dates are typing errors here, and Berlin's offsets before 1950 (double summer time) are not
 * the two this module knows.
 */
export function isCalendarDate(date: string): boolean {
  const m = CALENDAR_DATE.exec(date);
  if (!m || +m[1]! < 2000 || +m[1]! > 2999) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/** The instant a Berlin calendar day begins (midnight always exists there: the clocks change at 2 and 3 a.m.). */
export function berlinDayStart(date: string): Date {
  const result = berlinLocalToInstant(`${date}T00:00`);
  if (!result.ok) throw new Error('not a calendar date');
  return result.instant;
}

/** The calendar date `days` after (or before, when negative) `date`. */
export function addDays(date: string, days: number): string {
  const m = CALENDAR_DATE.exec(date);
  if (!m) throw new Error('not a calendar date');
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]! + days)).toISOString().slice(0, 10);
}

/** The last day (inclusive, Europe/Berlin) of a range stored with an exclusive end; null for an open end. */
export function lastDayOf(exclusiveEnd: Date | null): string | null {
  return exclusiveEnd ? berlinDateOf(new Date(exclusiveEnd.getTime() - 1)) : null;
}
