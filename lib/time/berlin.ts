/**
 * Wall-clock times in Europe/Berlin, where every callout happens. Client-safe and dependency-free: the
 * form and the server validate with the same code. Handles the daylight-saving gap (a local time that
 * does not exist, e.g. 29 March 2026 02:30) and the fold (25 October 2026 02:30 happens twice).
 */
export const TIME_ZONE = 'Europe/Berlin';

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Berlin's offset from UTC, in minutes, at the instant `utcMs`. */
function offsetMinutesAt(utcMs: number): number {
  const parts = Object.fromEntries(formatter.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

export type LocalTimeResult =
  { ok: true; instant: Date; ambiguous: boolean } | { ok: false; reason: 'FORMAT' | 'NONEXISTENT' };

/**
 * Converts `YYYY-MM-DDTHH:mm` (an `<input type="datetime-local">` value) read as Berlin time into an
 * instant. In the autumn fold the earlier of the two instants is taken (the first 02:30), and flagged.
 */
export function berlinLocalToInstant(local: string): LocalTimeResult {
  const m = LOCAL_DATETIME.exec(local);
  if (!m) return { ok: false, reason: 'FORMAT' };
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) {
    return { ok: false, reason: 'FORMAT' };
  }
  // Berlin is UTC+1 (CET) or UTC+2 (CEST): a local time maps to the instants whose offset matches.
  const candidates = [120, 60]
    .map((offset) => naive - offset * 60_000)
    .filter((t) => offsetMinutesAt(t) * 60_000 === naive - t);
  if (candidates.length === 0) return { ok: false, reason: 'NONEXISTENT' };
  return { ok: true, instant: new Date(Math.min(...candidates)), ambiguous: candidates.length > 1 };
}

/** Which of the two instants an autumn wall-clock time that happens twice means: before or after the change. */
export type Fold = 'earlier' | 'later';

/** The instant of a Berlin wall-clock time, `fold` deciding in the autumn hour that happens twice. */
export function instantOf(local: string, fold: Fold | undefined): Date | null {
  const result = berlinLocalToInstant(local);
  if (!result.ok) return null;
  return result.ambiguous && fold === 'later' ? new Date(result.instant.getTime() + 3_600_000) : result.instant;
}

/** The Berlin calendar date (`YYYY-MM-DD`) of an instant. */
export function berlinDateOf(instant: Date): string {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The Berlin wall-clock time of an instant to the millisecond, sortable as text: `2026-11-26 18:13:06.123`. */
export function berlinTimestamp(instant: Date): string {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${ms}`;
}

/** The Berlin wall-clock time of an instant as `YYYY-MM-DDTHH:mm` (for form defaults). */
export function instantToBerlinLocal(instant: Date): string {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
