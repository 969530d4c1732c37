/**
 * The queue's address for a view (status, filters, page), kept through opening a referral and deciding it:
 * the supervisor comes back to the view they left. Filters are ids and flags, never personal data, so they
 * may stand in a URL. Shared by the queue, the referral's page and its decision forms (no server code).
 */
export type QueueView = {
  status: string;
  partner?: string;
  municipality?: string;
  highRisk?: string;
  overdue?: string;
  cursor?: string;
};

/** The query string of a view ('' for the default), as the queue reads it (`nach` is the cursor). */
export function queueQuery(view: QueueView): string {
  const query = new URLSearchParams();
  if (view.status !== 'SUBMITTED') query.set('status', view.status);
  if (view.partner) query.set('partner', view.partner);
  if (view.municipality) query.set('municipality', view.municipality);
  if (view.highRisk) query.set('highRisk', '1');
  if (view.overdue) query.set('overdue', '1');
  if (view.cursor) query.set('nach', view.cursor);
  return query.toString();
}

/** `path` with the view's query string. */
export function withQuery(path: string, query: string): string {
  return query ? `${path}?${query}` : path;
}

/** Back in the queue's view after a decision, with the note of what was done. */
export function queueAfterDecision(query: string, done: string): string {
  const params = new URLSearchParams(query);
  params.set('erledigt', done);
  return `/pruefung?${params.toString()}`;
}
