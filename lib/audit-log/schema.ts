/**
 * The auditor's inquiries into the audit trail (issue 13, DESIGN.md section 7): what a search may ask, as
 * the page's URL carries it (ids, days, codes: never personal data), and what the lookups and the
 * break-glass view take. Client-safe; messages are keys of the `errors` and `auditLog` namespaces.
 */
import { z } from 'zod/mini';

import { AUDIT_ACTIONS, type AuditAction } from '@/lib/audit/events';
import { ROLES, type Role } from '@/lib/auth/permissions';
import { addDays, isCalendarDate } from '@/lib/time/days';
import { cleanText } from '@/lib/validation/text';
import { isUuid, uuidField } from '@/lib/validation/uuid';

/** A search without dates covers the last 30 days (Berlin), today included. */
export const DEFAULT_SEARCH_DAYS = 30;
/** One search covers at most about two years: the longest audit records are kept (DESIGN.md section 7). */
export const MAX_SEARCH_DAYS = 2 * 366;
export const SEARCH_PAGE_SIZE = 50;
/** A CSV export holds at most this many events; narrow the search for more. */
export const EXPORT_MAX_ROWS = 20_000;

export type AuditSearch = {
  /** First day, inclusive (YYYY-MM-DD, Berlin). */
  from: string;
  /** Last day, inclusive. */
  to: string;
  actorId?: string;
  actorRole?: Role;
  action?: AuditAction;
  record?: string;
  cursor?: string;
};

/** The URL's names for the filters (German, as the auditor reads the address). */
export const SEARCH_PARAMS = {
  from: 'von',
  to: 'bis',
  actorId: 'person',
  actorRole: 'rolle',
  action: 'aktion',
  record: 'datensatz',
  cursor: 'nach',
} as const satisfies Record<keyof AuditSearch, string>;

export type SearchProblem = 'from' | 'to' | 'range' | 'rangeTooLong' | 'actorId' | 'action' | 'record' | 'actorRole';

/** Whether a search asks for more than the default: the last 30 days of everything. */
export function isNarrowed(search: AuditSearch, today: string): boolean {
  return Boolean(
    search.actorId ||
    search.actorRole ||
    search.action ||
    search.record ||
    search.to !== today ||
    search.from !== addDays(today, -(DEFAULT_SEARCH_DAYS - 1)),
  );
}

/**
 * The search a URL asks for. Anything unreadable is dropped and named, so the page can say what it ignored
 * rather than search for something else silently; without dates, the last 30 days up to `today`.
 */
export function parseAuditSearch(
  params: Record<string, string | string[] | undefined>,
  today: string,
): { search: AuditSearch; problems: SearchProblem[] } {
  const read = (name: string) => {
    const value = params[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const problems: SearchProblem[] = [];
  const day = (key: 'from' | 'to') => {
    const value = read(SEARCH_PARAMS[key]);
    if (value === undefined) return undefined;
    if (isCalendarDate(value)) return value;
    problems.push(key);
    return undefined;
  };
  let to = day('to') ?? today;
  let from = day('from') ?? addDays(to, -(DEFAULT_SEARCH_DAYS - 1));
  if (from > to) {
    problems.push('range');
    to = today;
    from = addDays(today, -(DEFAULT_SEARCH_DAYS - 1));
  } else if (addDays(from, MAX_SEARCH_DAYS) < to) {
    // Longer than the longest kept: the most recent stretch of it.
    problems.push('rangeTooLong');
    from = addDays(to, -MAX_SEARCH_DAYS);
  }
  const search: AuditSearch = { from, to };
  const actorId = read(SEARCH_PARAMS.actorId);
  if (actorId !== undefined) {
    if (isUuid(actorId)) search.actorId = actorId.toLowerCase();
    else problems.push('actorId');
  }
  const actorRole = read(SEARCH_PARAMS.actorRole);
  if (actorRole !== undefined) {
    if ((ROLES as readonly string[]).includes(actorRole)) search.actorRole = actorRole as Role;
    else problems.push('actorRole');
  }
  const action = read(SEARCH_PARAMS.action);
  if (action !== undefined) {
    if ((AUDIT_ACTIONS as readonly string[]).includes(action)) search.action = action as AuditAction;
    else problems.push('action');
  }
  // Every record the trail names has a UUID: anything else (a Vorgangsnummer pasted here) stays out of the
  // address and the trail; "Wer hat gesehen?" takes that, in a POST.
  const record = read(SEARCH_PARAMS.record);
  if (record !== undefined) {
    if (isUuid(record)) search.record = record.toLowerCase();
    else problems.push('record');
  }
  const cursor = read(SEARCH_PARAMS.cursor);
  if (cursor !== undefined) search.cursor = cursor;
  return { search, problems };
}

/** The query string of a search (without the cursor unless given): links, the export and the next page. */
export function searchQuery(search: AuditSearch): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(SEARCH_PARAMS) as (keyof AuditSearch)[]) {
    const value = search[key];
    if (value) query.set(SEARCH_PARAMS[key], value);
  }
  return query.toString();
}

/** "Wer hat diese Vermittlung gesehen?": a Vorgangsnummer or a referral's id, sent in a POST (never a URL). */
export const traceLookupInput = z.strictObject({
  query: z
    .string({ error: 'auditLog.errors.traceQueryRequired' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'auditLog.errors.traceQueryRequired' }),
      z.maxLength(64, { error: 'auditLog.errors.traceQueryInvalid' }),
    ),
});
export type TraceLookupInput = z.infer<typeof traceLookupInput>;

/** A written reason, long enough to say why: Art. 25 Directive 2016/680 asks for the reason of a consultation. */
export const BREAK_GLASS_REASON_MIN = 20;
export const BREAK_GLASS_REASON_MAX = 500;

/** Break-glass: the referral's contents, only with a written reason (recorded, and shown to admins). */
export const breakGlassInput = z.strictObject({
  referralId: uuidField('errors.reload'),
  // Empty first, with its own message: "a reason is required" says more here than "please fill in".
  reason: z.pipe(
    z
      .string({ error: 'auditLog.errors.reasonRequired' })
      .check(z.trim(), z.minLength(1, { error: 'auditLog.errors.reasonRequired' })),
    cleanText({
      max: BREAK_GLASS_REASON_MAX,
      multiline: true,
      format: { test: (s) => s.length >= BREAK_GLASS_REASON_MIN, error: 'auditLog.errors.reasonTooShort' },
    }),
  ),
});
export type BreakGlassInput = z.infer<typeof breakGlassInput>;
