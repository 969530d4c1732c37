import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';

import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { TrackProjection } from '@/components/referral-form/track-projection';
import { DecisionPanel } from '@/components/review/decision-panel';
import { DeliveryTrouble } from '@/components/review/delivery-trouble';
import { UrgencyBadges } from '@/components/review/queue-list';
import { Timeline } from '@/components/review/timeline';
import { WithdrawalForm } from '@/components/review/withdrawal-form';
import { Alert } from '@/components/ui/alert';
import { factsClass } from '@/components/ui/facts';
import { can } from '@/lib/auth/permissions';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { clientTexts } from '@/lib/i18n/client-texts';
import { languageOptions } from '@/lib/partners/languages';
import { projectionOf } from '@/lib/referrals/projection';
import { queueFilters, referralForReview } from '@/lib/review/queries';
import { queueQuery, withQuery } from '@/lib/review/queue-url';
import { berlinDateOf } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('review:read', 'review.detail', 'title');
}

/** One referral of the supervisor's scope: what each partner would receive, how it was routed, its steps. */
export default async function ReviewReferralPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePermission('review:read', params);
  const [{ id }, query] = await Promise.all([params, searchParams]);
  // The queue's view the supervisor came from: back there, also after deciding.
  const view = queueQuery(queueFilters.parse({ ...query, cursor: query.nach }));
  const referral = await referralForReview({ actor, id });
  if (!referral) notFound();
  const [t, format, texts, locale] = await Promise.all([
    getTranslations(),
    getFormatter(),
    clientTexts('referralForm', 'gender', 'review', 'errors'),
    getLocale(),
  ]);
  const now = new Date();
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  const overdue = referral.dueAt !== null && referral.dueAt < now;
  // The rules are the lifecycle's (lib/review/queries.ts); the page adds what the role may do.
  const decidable = referral.decidable && can(actor.role, 'review:decide');
  const withdrawable = referral.withdrawable && can(actor.role, 'review:record-withdrawal');
  const troubled = referral.tracks.filter((track) => track.deliveryTrouble);

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <a href={withQuery('/pruefung', view)} className="inline-flex min-h-11 items-center underline underline-offset-4">
        {t('review.detail.back')}
      </a>
      <h1 className="text-2xl font-bold">
        {t(referral.status === 'SUBMITTED' ? 'review.detail.title' : 'review.detail.titleView')}
      </h1>
      <UrgencyBadges highRisk={referral.highRisk} overdue={overdue} corrected={referral.version > 1} />
      <dl className={factsClass}>
        <dt className="font-semibold">{t('review.detail.status')}</dt>
        <dd data-testid="review-status">{t(`status.${referral.status}`)}</dd>
        <dt className="font-semibold">{t('review.detail.submittedAt')}</dt>
        <dd>{when(referral.submittedAt)}</dd>
        <dt className="font-semibold">
          {t(referral.status === 'SUBMITTED' ? 'review.row.received' : 'review.row.inStatusSince')}
        </dt>
        <dd>{format.relativeTime(referral.statusChangedAt, now)}</dd>
        {referral.dueAt && (
          <>
            <dt className="font-semibold">{t('review.row.due')}</dt>
            <dd className={overdue ? 'font-semibold text-red-900' : undefined}>
              {when(referral.dueAt)} ({format.relativeTime(referral.dueAt, now)})
            </dd>
          </>
        )}
        <dt className="font-semibold">{t('review.row.officer')}</dt>
        <dd>
          {referral.officerName}, {referral.stationName}
        </dd>
      </dl>
      {decidable && (
        <a
          href="#entscheidung"
          className="inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
        >
          {t('review.detail.toDecision')}
        </a>
      )}
      {referral.own && referral.status === 'SUBMITTED' && (
        <Alert tone="info" testId="own-referral">
          {t('review.errors.ownReferral')}
        </Alert>
      )}
      {!referral.draft && <Alert tone="info">{t('review.detail.erased')}</Alert>}
      {troubled.length > 0 && can(actor.role, 'delivery:retry') && (
        <ClientTextsProvider texts={texts}>
          <DeliveryTrouble referralId={referral.id} partners={troubled.map((track) => track.partnerName)} />
        </ClientTextsProvider>
      )}
      {referral.draft?.details && (
        <section aria-labelledby="risk-heading" className="space-y-1" data-testid="review-risk">
          <h2 id="risk-heading" className="text-xl font-bold">
            {t('review.detail.risk')}
          </h2>
          <p>
            {referral.draft.details.risk.indicators.length > 0
              ? referral.draft.details.risk.indicators
                  .map((indicator) => t(`referralForm.riskIndicatorOptions.${indicator}`))
                  .join(', ')
              : t('review.detail.noIndicators')}
          </p>
          <p>
            {t(
              referral.draft.details.risk.officerJudgesHighRisk
                ? 'review.detail.officerJudgesHighRisk'
                : 'review.detail.officerJudgesNotHighRisk',
            )}
          </p>
        </section>
      )}
      <h2 className="text-xl font-bold">{t('review.detail.sent')}</h2>
      <ClientTextsProvider texts={texts}>
        {referral.tracks.map((track) => (
          <div key={track.track} className="space-y-2">
            <p data-testid={`routing-${track.track}`} className="text-sm">
              <span className="font-semibold">{t('review.detail.routing')}: </span>
              {track.routingReason === 'OVERRIDE' && track.overrideReason ? (
                <span className="font-semibold text-amber-900">
                  {t('review.detail.routingReason.OVERRIDE', {
                    reason: t(`referralForm.overrideReasons.${track.overrideReason}`),
                  })}
                </span>
              ) : (
                t(`review.detail.routingReason.${track.routingReason}`)
              )}
              {track.status === 'WITHDRAWN' && referral.status !== 'WITHDRAWN' && ` · ${t('status.WITHDRAWN')}`}
            </p>
            <TrackProjection
              track={track.track}
              heading={`${t(`referralForm.preview.to.${track.track}`)} ${track.partnerName}`}
              projection={referral.draft && projectionOf(referral.draft, track.track, referral.municipalityName)}
              languages={languageOptions(locale)}
              hideEmpty
            />
          </div>
        ))}
        {decidable && <DecisionPanel referralId={referral.id} version={referral.version} view={view} />}
        <Timeline entries={referral.timeline} />
        {withdrawable && (
          <WithdrawalForm
            referralId={referral.id}
            perpetratorOpen={referral.perpetratorWithdrawable}
            view={view}
            today={berlinDateOf(now)}
            earliest={berlinDateOf(referral.submittedAt)}
          />
        )}
      </ClientTextsProvider>
    </div>
  );
}
