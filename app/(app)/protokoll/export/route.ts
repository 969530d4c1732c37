import { getTranslations } from 'next-intl/server';

import { exportAuditTrail } from '@/lib/audit-log/queries';
import { toCsv } from '@/lib/csv';
import { parseAuditSearch } from '@/lib/audit-log/schema';
import { authorizeAction } from '@/lib/auth/guards';
import { isTrustedOrigin } from '@/lib/security/origin';
import { berlinDateOf, berlinTimestamp } from '@/lib/time/berlin';

export const dynamic = 'force-dynamic';

/**
 * "Als CSV herunterladen": the search's events as a file (issue 13). A POST from the search page's own
 * form, so another site cannot make an auditor's browser export (Origin checked), and the filters stay out
 * of the address. Refused callers get "not found", as for any page they may not open; the export is audited.
 */
export async function POST(request: Request) {
  if (!(await isTrustedOrigin())) return new Response(null, { status: 403 });
  const auth = await authorizeAction('audit:read');
  if (!auth.ok) return new Response(null, { status: 404 });
  const form = await request.formData();
  const params = Object.fromEntries(
    [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const { search, problems } = parseAuditSearch(params, berlinDateOf(new Date()));
  // The page's own form sends only what it read; anything unreadable would export something else than asked.
  if (problems.length > 0) return new Response(null, { status: 400 });
  const [{ rows }, t] = await Promise.all([exportAuditTrail(auth.data.actor, search), getTranslations()]);
  const csv = toCsv(
    [
      'at',
      'position',
      'who',
      'email',
      'role',
      'action',
      'actionCode',
      'recordType',
      'record',
      'listed',
      'reason',
      'recipient',
      'details',
    ].map((key) => t(`auditLog.csv.${key}`)),
    rows.map((row) => [
      berlinTimestamp(row.at),
      row.id,
      row.actorName ?? (row.actorId ? row.actorId : t('auditLog.system')),
      row.actorEmail,
      row.actorRole ? t(`roles.${row.actorRole}`) : null,
      t.has(`auditLog.actions.${row.action}`) ? t(`auditLog.actions.${row.action}`) : row.action,
      row.action,
      row.entityType && t.has(`auditLog.recordTypes.${row.entityType}`)
        ? t(`auditLog.recordTypes.${row.entityType}`)
        : row.entityType,
      row.entityId,
      row.subjectCount || null,
      row.reason,
      row.recipient,
      row.details
        ? Object.entries(row.details)
            .map(([key, value]) => `${key}=${String(value)}`)
            .join('; ')
        : null,
    ]),
  );
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="protokoll-${search.from}-bis-${search.to}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
