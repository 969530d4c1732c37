import type { Metadata } from 'next';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';

import { ClientTextsProvider } from '@/components/i18n/client-texts';
import { TrackProjection } from '@/components/referral-form/track-projection';
import { ReturnedComment } from '@/components/review/returned-comment';
import { Timeline } from '@/components/review/timeline';
import { buttonClass } from '@/components/ui/button';
import { factsClass } from '@/components/ui/facts';
import { can } from '@/lib/auth/permissions';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { clientTexts } from '@/lib/i18n/client-texts';
import { languageOptions } from '@/lib/partners/languages';
import { projectionOf } from '@/lib/referrals/projection';
import { ownReferral } from '@/lib/referrals/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('referral:read-own', 'referralDetail', 'title');
}

/** One of the officer's own referrals: exactly what each partner receives, to whom, and where it stands. */
export default async function OwnReferralPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission('referral:read-own', params);
  const { id } = await params;
  const referral = await ownReferral({ actor, id });
  if (!referral) notFound();
  const [t, format, texts, locale] = await Promise.all([
    getTranslations(),
    getFormatter(),
    clientTexts('referralForm', 'gender'),
    getLocale(),
  ]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <a href="/vermittlungen" className="inline-flex min-h-11 items-center underline underline-offset-4">
        {t('referralDetail.back')}
      </a>
      <h1 className="text-2xl font-bold">{t('referralDetail.title')}</h1>
      <dl className={factsClass}>
        <dt className="font-semibold">{t('referralDetail.submittedAt')}</dt>
        <dd>{when(referral.submittedAt)}</dd>
        {referral.correctedAt && (
          <>
            <dt className="font-semibold">{t('referralDetail.correctedAt')}</dt>
            <dd data-testid="referral-corrected">{when(referral.correctedAt)}</dd>
          </>
        )}
        <dt className="font-semibold">{t('referralDetail.status')}</dt>
        <dd data-testid="referral-status">{t(`status.${referral.status}`)}</dd>
      </dl>
      <ReturnedComment status={referral.status} timeline={referral.timeline} />
      {referral.correctable && can(actor.role, 'referral:correct-own') && (
        <a href={`/vermittlungen/${referral.id}/korrigieren`} className={buttonClass('primary')}>
          {t('referralDetail.correct')}
        </a>
      )}
      <h2 className="text-xl font-bold">{t('referralDetail.sent')}</h2>
      <ClientTextsProvider texts={texts}>
        {referral.tracks.map((track) => (
          <TrackProjection
            key={track.track}
            track={track.track}
            heading={`${t(`referralForm.preview.to.${track.track}`)} ${track.partnerName}`}
            projection={referral.draft && projectionOf(referral.draft, track.track, referral.municipalityName)}
            languages={languageOptions(locale)}
          />
        ))}
      </ClientTextsProvider>
      <Timeline entries={referral.timeline} />
    </div>
  );
}
