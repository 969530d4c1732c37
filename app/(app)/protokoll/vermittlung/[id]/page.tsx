import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';

import { AuditLogTabs } from '@/components/audit-log/audit-log-tabs';
import { BreakGlass } from '@/components/audit-log/break-glass';
import { EventList } from '@/components/audit-log/event-list';
import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { ScopedTranslations } from '@/components/i18n/scoped-translations';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { factsClass } from '@/components/ui/facts';
import type { TraceActor } from '@/lib/audit-log/dto';
import { TRACE_MAX_EVENTS, traceReferral } from '@/lib/audit-log/queries';
import { DEFAULT_SEARCH_DAYS, searchQuery } from '@/lib/audit-log/schema';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { clientTexts } from '@/lib/i18n/client-texts';
import { languageOptions } from '@/lib/partners/languages';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';

/** The newest entries listed here; the summary above counts them all, the search pages through them. */
const TRACE_LISTED = 50;

export function generateMetadata(): Promise<Metadata> {
  return titleFor('audit:read', 'auditLog.trace', 'title');
}

/**
 * "Wer hat diese Vermittlung gesehen oder erhalten?" for one referral (issue 13): everyone who saw or
 * handled it, every organisation it was disclosed to, every refused attempt, and all entries; for all time
 * or the last 30 days. The trace is itself audited. Contents only through the break-glass view.
 */
export default async function ReferralTracePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('audit:read');
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const today = berlinDateOf(new Date());
  const lastMonth = query.zeitraum === '30';
  const range = lastMonth ? { from: addDays(today, -(DEFAULT_SEARCH_DAYS - 1)), to: today } : {};
  const trace = await traceReferral(actor, id, range);
  if (!trace) notFound();
  const [t, format, locale, session, texts] = await Promise.all([
    getTranslations(),
    getFormatter(),
    getLocale(),
    getSession(),
    clientTexts('referralForm', 'gender'),
  ]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  const { referral } = trace;
  const people = (list: TraceActor[], testId: string) =>
    list.length === 0 ? (
      <p data-testid={testId}>{t('auditLog.trace.nobody')}</p>
    ) : (
      <ul className="divide-y divide-slate-300" data-testid={testId}>
        {list.map((person) => (
          <li key={person.actorId ?? 'system'} className="py-2 [overflow-wrap:anywhere]">
            <a
              href={`/protokoll?${searchQuery({ from: range.from ?? addDays(today, -365), to: today, actorId: person.actorId ?? undefined })}`}
              className="text-brand-800 font-semibold underline"
            >
              {person.name ?? person.actorId}
            </a>
            {person.role && ` · ${t(`roles.${person.role}`)}`}
            {person.email && <span className="block text-sm text-slate-700">{person.email}</span>}
            <span className="block text-sm">
              {t('auditLog.trace.times', { count: person.count, last: when(person.last) })}
            </span>
          </li>
        ))}
      </ul>
    );

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('auditLog.trace.title')}</h1>
      <AuditLogTabs current="trace" />
      <a href="/protokoll/vermittlung" className="inline-flex min-h-11 items-center underline underline-offset-4">
        {t('auditLog.trace.back')}
      </a>
      <dl className={factsClass} data-testid="traced-referral">
        <dt className="font-semibold">{t('auditLog.columns.record')}</dt>
        <dd className="font-mono text-sm">{referral.id}</dd>
        <dt className="font-semibold">{t('auditLog.trace.submittedAt')}</dt>
        <dd>{when(referral.submittedAt)}</dd>
        <dt className="font-semibold">{t('auditLog.trace.station')}</dt>
        <dd>{referral.stationName}</dd>
        <dt className="font-semibold">{t('auditLog.trace.municipality')}</dt>
        <dd>{referral.municipalityName}</dd>
        <dt className="font-semibold">{t('auditLog.trace.status')}</dt>
        <dd>{t(`status.${referral.status}`)}</dd>
        <dt className="font-semibold">{t('auditLog.trace.partners')}</dt>
        <dd>{referral.partners.join(', ')}</dd>
      </dl>
      {referral.erased && <Alert tone="info">{t('auditLog.trace.erased')}</Alert>}
      <form method="get" className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="space-y-1">
          <label htmlFor="trace-period" className="block font-semibold">
            {t('auditLog.trace.period')}
          </label>
          <select
            id="trace-period"
            name="zeitraum"
            defaultValue={lastMonth ? '30' : ''}
            className="block min-h-12 rounded-md border border-slate-500 bg-white px-3"
          >
            <option value="">{t('auditLog.trace.allTime')}</option>
            <option value="30">{t('auditLog.trace.lastMonth')}</option>
          </select>
        </div>
        <button type="submit" className={buttonClass('secondary')}>
          {t('auditLog.trace.apply')}
        </button>
      </form>
      <section aria-labelledby="saw-heading" className="space-y-1">
        <h2 id="saw-heading" className="text-xl font-bold">
          {t('auditLog.trace.saw')}
        </h2>
        <p className="text-sm text-slate-700" data-testid="trace-period">
          {lastMonth ? t('auditLog.trace.lastMonth') : t('auditLog.trace.allTime')}
        </p>
        {people(trace.saw, 'trace-saw')}
      </section>
      <section aria-labelledby="received-heading" className="space-y-1">
        <h2 id="received-heading" className="text-xl font-bold">
          {t('auditLog.trace.received')}
        </h2>
        {trace.received.length === 0 ? (
          <p>{t('auditLog.trace.nobody')}</p>
        ) : (
          <ul className="divide-y divide-slate-300" data-testid="trace-received">
            {trace.received.map((recipient) => (
              <li key={recipient.recipient} className="py-2">
                <span className="font-semibold">{recipient.recipient}</span>
                <span className="block text-sm">
                  {t('auditLog.trace.times', { count: recipient.count, last: when(recipient.last) })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {trace.refused.length > 0 && (
        <section aria-labelledby="refused-heading" className="space-y-1">
          <h2 id="refused-heading" className="text-xl font-bold">
            {t('auditLog.trace.refused')}
          </h2>
          {people(trace.refused, 'trace-refused')}
        </section>
      )}
      <section aria-labelledby="events-heading" className="space-y-2">
        <h2 id="events-heading" className="text-xl font-bold">
          {t('auditLog.trace.events')}
        </h2>
        {trace.truncated && <Alert tone="warning">{t('auditLog.trace.truncated', { max: TRACE_MAX_EVENTS })}</Alert>}
        <a
          href={`/protokoll?${searchQuery({ from: berlinDateOf(referral.submittedAt), to: today, record: referral.id })}`}
          className="inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
          data-testid="trace-as-search"
        >
          {t('auditLog.trace.asSearch')}
        </a>
        {trace.events.length > TRACE_LISTED && (
          <p className="text-sm" data-testid="trace-listed">
            {t('auditLog.trace.listed', { shown: TRACE_LISTED, count: trace.events.length })}
          </p>
        )}
        <EventList events={trace.events.slice(0, TRACE_LISTED)} personHref={null} testId="trace-events" />
        {trace.auditorChecks > 0 && (
          <p className="text-sm text-slate-700" data-testid="trace-auditor-checks">
            {t('auditLog.trace.auditorChecks', { count: trace.auditorChecks })}
          </p>
        )}
      </section>
      {can(actor.role, 'audit:break-glass') && (
        <ScopedTranslations namespaces={['auditLog', 'errors', 'users']}>
          <ClientTextsProvider texts={texts}>
            <BreakGlass
              referralId={referral.id}
              totpEnrolled={session?.totpEnrolled ?? false}
              languages={languageOptions(locale)}
            />
          </ClientTextsProvider>
        </ScopedTranslations>
      )}
    </div>
  );
}
