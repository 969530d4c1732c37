import { getFormatter, getTranslations } from 'next-intl/server';

import type { AuditRow } from '@/lib/audit-log/dto';

/**
 * Audit events as the auditor reads them: when, who (name, role, e-mail; a link to all of that person's
 * entries), what, which record (a referral links to its trace) and why or to whom. A table's columns on a
 * wide screen, stacked on a phone; each value keeps its label for screen readers.
 */
export async function EventList({
  events,
  personHref,
  traceLinks = true,
  testId,
}: {
  events: AuditRow[];
  /** The search filtered by one person, or null where no link fits (the trace). */
  personHref: ((actorId: string) => string) | null;
  /** A referral links to its trace (the auditor's); false for readers who may not open it (admins). */
  traceLinks?: boolean;
  testId: string;
}) {
  const [t, format] = await Promise.all([getTranslations(), getFormatter()]);
  const label = (key: string) => <span className="font-semibold sm:sr-only">{t(`auditLog.columns.${key}`)}: </span>;
  const actionText = (action: string) =>
    t.has(`auditLog.actions.${action}`) ? t(`auditLog.actions.${action}`) : action;
  return (
    <div>
      <div
        aria-hidden="true"
        className="hidden border-b-2 border-slate-400 pb-1 text-sm font-semibold sm:grid sm:grid-cols-[9.5rem_13rem_minmax(0,1fr)_11rem] sm:gap-3"
      >
        <span>{t('auditLog.columns.at')}</span>
        <span>{t('auditLog.columns.who')}</span>
        <span>{t('auditLog.columns.action')}</span>
        <span>{t('auditLog.columns.record')}</span>
      </div>
      <ol className="divide-y divide-slate-300" data-testid={testId}>
        {events.map((event) => (
          <li
            key={event.id}
            className="grid gap-1 py-3 [overflow-wrap:anywhere] sm:grid-cols-[9.5rem_13rem_minmax(0,1fr)_11rem] sm:gap-3"
            data-testid="audit-event"
          >
            <div>
              {label('at')}
              <time dateTime={event.at.toISOString()}>
                {format.dateTime(event.at, { dateStyle: 'medium', timeStyle: 'medium' })}
              </time>
              <span className="block text-xs text-slate-600">
                {t('auditLog.columns.position')} {event.id}
              </span>
            </div>
            <div>
              {label('who')}
              {event.actorId ? (
                <>
                  {personHref ? (
                    <a href={personHref(event.actorId)} className="text-brand-800 font-semibold underline">
                      {event.actorName ?? event.actorId}
                    </a>
                  ) : (
                    <span className="font-semibold">{event.actorName ?? event.actorId}</span>
                  )}
                  {event.actorRole && <span className="block text-sm">{t(`roles.${event.actorRole}`)}</span>}
                  {event.actorEmail && <span className="block text-sm text-slate-700">{event.actorEmail}</span>}
                </>
              ) : (
                <span className="text-slate-700">{t('auditLog.system')}</span>
              )}
            </div>
            <div>
              {label('action')}
              <span
                className={
                  event.action === 'ACCESS_DENIED' || event.action === 'REFERRAL_CONTENTS_OPENED'
                    ? 'font-semibold text-red-900'
                    : 'font-semibold'
                }
              >
                {actionText(event.action)}
              </span>
              {event.subjectCount > 0 && (
                <span className="block text-sm">{t('auditLog.listCount', { count: event.subjectCount })}</span>
              )}
              {event.recipient && (
                <span className="block text-sm">
                  {t('auditLog.columns.recipient')}: {event.recipient}
                </span>
              )}
              {event.reason && (
                <span className="block text-sm whitespace-pre-line">
                  {t('auditLog.columns.reason')}: {event.reason}
                </span>
              )}
              {event.details && Object.keys(event.details).length > 0 && (
                <span className="block font-mono text-xs text-slate-700">
                  {Object.entries(event.details)
                    .map(([key, value]) => `${key}=${String(value)}`)
                    .join(' · ')}
                </span>
              )}
            </div>
            <div className={event.entityType || event.entityId ? undefined : 'max-sm:hidden'}>
              {label('record')}
              {event.entityType && (
                <span className="block text-sm">
                  {t.has(`auditLog.recordTypes.${event.entityType}`)
                    ? t(`auditLog.recordTypes.${event.entityType}`)
                    : event.entityType}
                </span>
              )}
              {event.entityId &&
                (event.entityType === 'Referral' && traceLinks ? (
                  <a
                    href={`/protokoll/vermittlung/${event.entityId}`}
                    className="text-brand-800 font-mono text-xs underline"
                    aria-label={`${t('auditLog.traceLink')}: ${event.entityId}`}
                  >
                    {event.entityId}
                  </a>
                ) : (
                  <span className="font-mono text-xs">{event.entityId}</span>
                ))}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
