import { getTranslations } from 'next-intl/server';

import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { listBreakGlassViews } from '@/lib/audit-log/queries';
import { can } from '@/lib/auth/permissions';
import { requireUser, type Actor } from '@/lib/auth/guards';
import { countReturned } from '@/lib/referrals/queries';
import { inboxSummary } from '@/lib/inbox/queries';
import { reviewSummary } from '@/lib/review/queries';
import { coverageReport } from '@/lib/routing/queries';

/** The admin's start page warns while any person would fall through a gap in the responsibilities. */
async function CoverageWarning() {
  const [{ gaps, partnersWithoutRules }, t] = await Promise.all([coverageReport(), getTranslations('home')]);
  if (gaps.length === 0 && partnersWithoutRules.length === 0) return null;
  return (
    <Alert tone="warning" testId="coverage-warning">
      {gaps.length > 0 && <p className="font-semibold">{t('coverageGap', { count: gaps.length })}</p>}
      {partnersWithoutRules.length > 0 && <p>{t('coverageIdlePartners', { count: partnersWithoutRules.length })}</p>}
      <a href="/verwaltung/abdeckung" className="inline-flex min-h-11 items-center font-semibold underline">
        {t('coverageGapLink')}
      </a>
    </Alert>
  );
}

/** Admins learn of every break-glass view of referral contents by data protection (issue 13). */
async function BreakGlassNotice() {
  const [views, t] = await Promise.all([listBreakGlassViews(), getTranslations('auditLog')]);
  if (views.length === 0) return null;
  return (
    <Alert tone="warning" testId="break-glass-notice">
      <a href="/verwaltung/notfallzugriffe" className="font-semibold underline underline-offset-4">
        {t('homeBreakGlass', { count: views.length })}
      </a>
    </Alert>
  );
}

/** An officer's referrals sent back for correction come first: they wait for that officer alone. */
async function ReturnedNotice({ actor }: { actor: Actor }) {
  const [returned, t] = await Promise.all([countReturned(actor), getTranslations('referralList')]);
  if (returned === 0) return null;
  return (
    <Alert tone="warning" testId="returned-banner">
      <a href="/vermittlungen" className="font-semibold underline underline-offset-4">
        {t('returnedBanner', { count: returned })}
      </a>
    </Alert>
  );
}

/** The caseworker's start page: what is new in the inbox and what is overdue. */
async function PartnerSummary({ actor }: { actor: Actor }) {
  const [summary, t] = await Promise.all([inboxSummary(actor), getTranslations()]);
  if (!summary) return <Alert tone="warning">{t('inbox.noPartner')}</Alert>;
  return (
    <>
      <p className="max-w-prose">{t('home.partnerIntro')}</p>
      {summary.withdrawnRecently > 0 && (
        <Alert tone="warning" testId="summary-inbox-withdrawn">
          <a href="/eingang?status=WITHDRAWN" className="font-semibold underline underline-offset-4">
            {t('home.inboxWithdrawn', { count: summary.withdrawnRecently })}
          </a>
        </Alert>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <a
          href="/eingang"
          className="rounded-lg border border-slate-300 bg-white p-4 hover:bg-slate-50"
          data-testid="summary-inbox-new"
        >
          <span className="block text-3xl font-bold">{summary.DISPATCHED.total}</span>
          <span className="font-semibold underline underline-offset-4">
            {t('home.inboxNew', { count: summary.DISPATCHED.total })}
          </span>
        </a>
        <a
          href={summary.DISPATCHED.overdue > 0 ? '/eingang' : '/eingang?status=ACKNOWLEDGED'}
          className={`rounded-lg border p-4 ${summary.overdue > 0 ? 'border-l-8 border-red-800 bg-red-50' : 'border-slate-300 bg-white'}`}
          data-testid="summary-inbox-overdue"
        >
          <span className="block text-3xl font-bold">{summary.overdue}</span>
          <span className="font-semibold underline underline-offset-4">
            {t('home.inboxOverdue', { count: summary.overdue })}
          </span>
        </a>
      </div>
      <a href="/eingang" className={buttonClass('primary')}>
        {t('inbox.title')}
      </a>
    </>
  );
}

/** The supervisor's start page: what waits for review and what is overdue, at a glance. */
async function SupervisorSummary({ actor }: { actor: Actor }) {
  const [summary, t] = await Promise.all([reviewSummary(actor), getTranslations()]);
  if (!summary) return <Alert tone="warning">{t('review.noScope')}</Alert>;
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <a
          href="/pruefung"
          className="rounded-lg border border-slate-300 bg-white p-4 hover:bg-slate-50"
          data-testid="summary-to-review"
        >
          <span className="block text-3xl font-bold">{summary.toReview}</span>
          <span className="font-semibold underline underline-offset-4">
            {t('home.toReview', { count: summary.toReview })}
          </span>
        </a>
        <a
          href={summary.overdueToReview > 0 ? '/pruefung?overdue=1' : '/pruefung'}
          className={`rounded-lg border p-4 ${summary.overdue > 0 ? 'border-l-8 border-red-800 bg-red-50' : 'border-slate-300 bg-white'}`}
          data-testid="summary-overdue"
        >
          <span className="block text-3xl font-bold">{summary.overdue}</span>
          <span className="font-semibold underline underline-offset-4">
            {t('home.overdue', { count: summary.overdue })}
          </span>
        </a>
      </div>
      <div className="flex flex-col gap-3 sm:flex-row">
        <a href="/pruefung" className={buttonClass('primary')}>
          {t('home.openQueue')}
        </a>
        <a href="/wer-ist-zustaendig" className={buttonClass('secondary')}>
          {t('routing.who.title')}
        </a>
      </div>
    </>
  );
}

export default async function HomePage() {
  const actor = await requireUser();
  const t = await getTranslations();
  const mayRefer = can(actor.role, 'referral:create');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('home.title', { name: actor.displayName })}</h1>
      <p>{t('home.roleLine', { role: t(`roles.${actor.role}`) })}</p>
      {mayRefer ? (
        <>
          {can(actor.role, 'referral:read-own') && <ReturnedNotice actor={actor} />}
          <p className="max-w-prose">{t('home.officerIntro')}</p>
          <div className="flex flex-col gap-3 sm:flex-row">
            <a href="/vermittlungen/neu" className={buttonClass('primary')}>
              {t('nav.newReferral')}
            </a>
            {can(actor.role, 'referral:read-own') && (
              <a href="/vermittlungen" className={buttonClass('secondary')}>
                {t('nav.myReferrals')}
              </a>
            )}
          </div>
        </>
      ) : can(actor.role, 'routing:manage') ? (
        <>
          <CoverageWarning />
          <p className="max-w-prose">{t('home.adminIntro')}</p>
          <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap">
            <a href="/verwaltung/zustaendigkeit" className={buttonClass('primary')}>
              {t('routing.overview.title')}
            </a>
            <a href="/wer-ist-zustaendig" className={buttonClass('secondary')}>
              {t('routing.who.title')}
            </a>
            <a href="/verwaltung/partner" className={buttonClass('secondary')}>
              {t('partners.title')}
            </a>
            <a href="/verwaltung/benutzer" className={buttonClass('secondary')}>
              {t('users.title')}
            </a>
            <a href="/verwaltung/dienststellen" className={buttonClass('secondary')}>
              {t('stations.title')}
            </a>
            <a href="/verwaltung/aufbewahrung" className={buttonClass('secondary')}>
              {t('retention.title')}
            </a>
            <a href="/statistik" className={buttonClass('secondary')}>
              {t('statistics.title')}
            </a>
          </div>
          {can(actor.role, 'audit:oversee') && <BreakGlassNotice />}
        </>
      ) : can(actor.role, 'review:read') ? (
        <SupervisorSummary actor={actor} />
      ) : can(actor.role, 'inbox:read') ? (
        <PartnerSummary actor={actor} />
      ) : can(actor.role, 'audit:read') ? (
        <>
          <p className="max-w-prose">{t('auditLog.homeIntro')}</p>
          <div className="flex flex-col gap-3 sm:flex-row">
            <a href="/protokoll/vermittlung" className={buttonClass('primary')}>
              {t('auditLog.trace.title')}
            </a>
            <a href="/protokoll" className={buttonClass('secondary')}>
              {t('auditLog.title')}
            </a>
            <a href="/statistik" className={buttonClass('secondary')}>
              {t('statistics.title')}
            </a>
          </div>
        </>
      ) : (
        <p className="max-w-prose">
          {t('home.noFunctionsYet')}{' '}
          {t.has(`home.comingSoon.${actor.role}`) ? t(`home.comingSoon.${actor.role}`) : null}
        </p>
      )}
      {can(actor.role, 'account:change-password') && (
        <p className="max-w-prose text-slate-700">
          <a href="/konto" className="text-brand-800 underline">
            {t('home.accountHint')}
          </a>
        </p>
      )}
    </div>
  );
}
