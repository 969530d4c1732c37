import type { Metadata } from 'next';
import { Fragment } from 'react';
import { getFormatter, getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { countReturned, listOwnReferrals } from '@/lib/referrals/queries';
import { withQuery } from '@/lib/review/queue-url';
import { Alert } from '@/components/ui/alert';
import { factsClass } from '@/components/ui/facts';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('referral:read-own', 'referralList', 'title');
}

export default async function MyReferralsPage({
  searchParams,
}: {
  searchParams: Promise<{ nach?: string | string[]; zurueckgegeben?: string | string[] }>;
}) {
  const actor = await requirePermission('referral:read-own');
  const { nach, zurueckgegeben } = await searchParams;
  const cursor = typeof nach === 'string' ? nach : undefined;
  // Only the returned ones: what waits for the officer, without searching the whole list.
  const returnedOnly = zurueckgegeben === '1';
  const listHref = (page?: string) => {
    const query = new URLSearchParams();
    if (returnedOnly) query.set('zurueckgegeben', '1');
    if (page) query.set('nach', page);
    return withQuery('/vermittlungen', query.toString());
  };
  const [{ items, nextCursor }, returned] = await Promise.all([
    listOwnReferrals({ actor, cursor, returnedOnly }),
    countReturned(actor),
  ]);
  const t = await getTranslations();
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t('referralList.title')}</h1>
        <a href="/vermittlungen/neu" className={buttonClass('primary')}>
          {t('referralList.new')}
        </a>
      </div>
      {returned > 0 && (
        <Alert tone="warning" testId="returned-banner">
          {t('referralList.returnedBanner', { count: returned })}{' '}
          {!returnedOnly && (
            <a href="/vermittlungen?zurueckgegeben=1" className="font-semibold underline underline-offset-4">
              {t('referralList.showReturned')}
            </a>
          )}
        </Alert>
      )}
      {returnedOnly && (
        <p className="flex flex-wrap items-center gap-x-3">
          {t('referralList.returnedOnly')}
          <a href="/vermittlungen" className="inline-flex min-h-11 items-center underline underline-offset-4">
            {t('referralList.showAll')}
          </a>
        </p>
      )}
      {items.length === 0 ? (
        <p>{t(returnedOnly ? 'referralList.noneReturned' : 'referralList.empty')}</p>
      ) : (
        <ul className="space-y-3" data-testid="referral-list">
          {items.map((r) => (
            <li
              key={r.id}
              className={`rounded-lg border bg-white p-4 ${r.status === 'RETURNED' ? 'border-l-8 border-amber-600' : 'border-slate-300'}`}
              data-testid="referral-row"
            >
              <dl className={`${factsClass} text-sm sm:grid-cols-[auto_minmax(0,1fr)_auto_minmax(0,1fr)]`}>
                <dt className="font-semibold">{t('referralList.person')}</dt>
                <dd>{r.personName ?? t('referralList.personErased')}</dd>
                <dt className="font-semibold">{t('referralList.caseNumber')}</dt>
                <dd>{r.caseNumber ?? t('referralList.personErased')}</dd>
                <dt className="font-semibold">{t('referralList.incidentAt')}</dt>
                <dd>{when(r.incidentAt)}</dd>
                <dt className="font-semibold">{t('referralList.municipality')}</dt>
                <dd>{r.municipalityName}</dd>
                {r.partners.map((p) => (
                  <Fragment key={p.track}>
                    <dt className="font-semibold">{t(`referralList.partnerOf.${p.track}`)}</dt>
                    <dd data-testid={p.track === 'VICTIM' ? 'referral-partner' : 'referral-perpetrator-partner'}>
                      {p.name}
                    </dd>
                  </Fragment>
                ))}
                <dt className="font-semibold">{t('referralList.status')}</dt>
                <dd
                  className={r.status === 'RETURNED' ? 'font-semibold text-amber-950' : undefined}
                  data-testid="referral-status-cell"
                >
                  {t(`status.${r.status}`)}
                </dd>
              </dl>
              <a
                href={`/vermittlungen/${r.id}`}
                className="mt-2 inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
              >
                {t('referralList.open')}
                <span className="sr-only">
                  {' '}
                  ({t('referralList.caseNumber')} {r.caseNumber ?? r.id})
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <div className="flex gap-3">
        {cursor && (
          <a href={listHref()} className={buttonClass('secondary')}>
            {t('referralList.first')}
          </a>
        )}
        {nextCursor && (
          <a href={listHref(nextCursor)} className={buttonClass('secondary')}>
            {t('referralList.more')}
          </a>
        )}
      </div>
    </div>
  );
}
