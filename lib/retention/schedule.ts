/**
 * When the retention job runs: every hour at this minute (UTC), so that personal data is erased within the
 * hour its period ends. One place for the pg-boss schedule (lib/jobs/queues.ts) and the admin's "next run".
 * Plain module: no database.
 */
export const RETENTION_MINUTE = 40;
export const RETENTION_CRON = `${RETENTION_MINUTE} * * * *`;

/** The first scheduled run after `now`. */
export function nextRetentionRun(now: Date): Date {
  const next = new Date(now);
  next.setUTCSeconds(0, 0);
  next.setUTCMinutes(RETENTION_MINUTE);
  if (next <= now) next.setUTCHours(next.getUTCHours() + 1);
  return next;
}
