import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';

import { DeliveryWork, DeliveryWorkMessages } from '@/components/inbox/delivery-work';
import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { TrackProjection } from '@/components/referral-form/track-projection';
import { UrgencyBadges } from '@/components/review/queue-list';
import { Alert } from '@/components/ui/alert';
import { stackedFactsClass } from '@/components/ui/facts';
import { can } from '@/lib/auth/permissions';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { clientTexts } from '@/lib/i18n/client-texts';
import { inboxDelivery } from '@/lib/inbox/queries';
import { languageOptions } from '@/lib/partners/languages';
import { instantToBerlinLocal } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('inbox:read', 'inbox.detail', 'title');
}

/** One delivery of the caseworker's organisation: what it receives (its projection), its steps, the next one. */
export default async function InboxDeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission('inbox:read');
  const { id } = await params;
  const now = new Date();
  const delivery = await inboxDelivery({ actor, id, now });
  if (!delivery) notFound();
  const [t, format, texts, locale] = await Promise.all([
    getTranslations(),
    getFormatter(),
    clientTexts('referralForm', 'gender', 'inbox', 'timeline', 'errors'),
    getLocale(),
  ]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });
  const workable =
    (delivery.status === 'DISPATCHED' || delivery.status === 'ACKNOWLEDGED') && can(actor.role, 'inbox:work');
  const work = (
    <DeliveryWork
      trackId={delivery.id}
      status={delivery.status as 'DISPATCHED' | 'ACKNOWLEDGED'}
      now={instantToBerlinLocal(now)}
      earliest={instantToBerlinLocal(delivery.dispatchedAt)}
    />
  );
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <a
        href={`/eingang?status=${delivery.status}`}
        className="inline-flex min-h-11 items-center underline underline-offset-4"
      >
        {t('inbox.detail.back')}
      </a>
      <h1 className="text-2xl font-bold [overflow-wrap:anywhere]">
        {delivery.projection
          ? t('inbox.detail.titleFor', {
              name: `${delivery.projection.firstName} ${delivery.projection.lastName}`,
            })
          : t('inbox.detail.title')}
      </h1>
      <UrgencyBadges highRisk={delivery.highRisk} overdue={delivery.overdue} />
      <dl className={stackedFactsClass}>
        <dt className="font-semibold">{t('inbox.row.reference')}</dt>
        <dd data-testid="inbox-reference">{delivery.reference}</dd>
        <dt className="font-semibold">{t('review.detail.status')}</dt>
        <dd data-testid="inbox-status">{t(`inbox.status.${delivery.status}`)}</dd>
        <dt className="font-semibold">{t('inbox.row.dispatchedAt')}</dt>
        <dd>{when(delivery.dispatchedAt)}</dd>
        {delivery.dueAt && (
          <>
            <dt className="font-semibold">
              {t(delivery.status === 'DISPATCHED' ? 'inbox.row.acknowledgeDue' : 'inbox.row.contactDue')}
            </dt>
            <dd className={delivery.overdue ? 'font-semibold text-red-900' : undefined}>
              {when(delivery.dueAt)} ({format.relativeTime(delivery.dueAt, now)})
            </dd>
          </>
        )}
        {delivery.attempts.total > 0 && (
          <>
            <dt className="font-semibold">{t('inbox.detail.attempts')}</dt>
            <dd>{t('inbox.detail.attemptsValue', delivery.attempts)}</dd>
          </>
        )}
        {delivery.outcome && (
          <>
            <dt className="font-semibold">{t('inbox.detail.outcome')}</dt>
            <dd data-testid="inbox-outcome">{t(`timeline.outcomes.${delivery.outcome}`)}</dd>
          </>
        )}
      </dl>
      {delivery.status === 'WITHDRAWN' && (
        <Alert tone="warning" testId="inbox-withdrawn">
          {t('inbox.detail.withdrawn')}
        </Alert>
      )}
      <ClientTextsProvider texts={texts}>
        <DeliveryWorkMessages>
          {/* New: acknowledge first (one tap). Then the person and the safe contact come first, to call, and
            the forms to record each attempt below them. */}
          {workable && delivery.status === 'DISPATCHED' && work}
          {delivery.projection ? (
            <TrackProjection
              track={delivery.track}
              heading={t('inbox.detail.received')}
              projection={delivery.projection}
              languages={languageOptions(locale)}
              hideEmpty
              callable
            />
          ) : (
            delivery.status !== 'WITHDRAWN' && <Alert tone="info">{t('review.detail.erased')}</Alert>
          )}
          {workable && delivery.status === 'ACKNOWLEDGED' && work}
        </DeliveryWorkMessages>
      </ClientTextsProvider>
      <section aria-labelledby="steps-heading" className="space-y-2">
        <h2 id="steps-heading" className="text-xl font-bold">
          {t('timeline.title')}
        </h2>
        <ol className="space-y-2 border-l-2 border-slate-300 pl-4" data-testid="inbox-steps">
          {delivery.steps.map((step, i) => (
            <li key={i} data-step={step.step}>
              <p>
                <span className="font-semibold">{t(`inbox.steps.${step.step}`)}</span>
                <span className="block text-sm text-slate-700 sm:inline">
                  {' '}
                  {when(step.at)}
                  {step.actorName && ` · ${step.actorName}`}
                </span>
              </p>
              {step.contactAt && step.contactChannel && (
                <p className="text-sm">
                  {t('timeline.contact', {
                    at: when(step.contactAt),
                    channel: t(`timeline.contactChannels.${step.contactChannel}`),
                    reached: step.reached ? 'yes' : 'no',
                  })}
                </p>
              )}
              {step.outcome && (
                <p className="text-sm font-semibold">
                  {t('timeline.outcome', { outcome: t(`timeline.outcomes.${step.outcome}`) })}
                </p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
