import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { TrackTabs, trackFrom } from '@/components/routing/track-tabs';
import { buttonClass } from '@/components/ui/button';
import { dayFormatter } from '@/lib/routing/labels';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { responsibilityOverview } from '@/lib/routing/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('routing:manage', 'routing', 'overview.title');
}

/** "Zuständigkeiten": today's partner and every scheduled change, per municipality and group, of one track. */
export default async function ResponsibilitiesPage({
  searchParams,
}: {
  searchParams: Promise<{ bereich?: string | string[] }>;
}) {
  await requirePermission('routing:manage');
  const track = trackFrom((await searchParams).bereich);
  const [rows, t, day] = await Promise.all([responsibilityOverview(track), getTranslations('routing'), dayFormatter()]);
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold">{t('overview.title')}</h1>
      <p className="max-w-prose text-slate-700">{t('overview.intro')}</p>
      <div className="flex flex-col gap-3 sm:flex-row">
        <a href={`/verwaltung/zustaendigkeit/aendern?bereich=${track}`} className={buttonClass('primary')}>
          {t('overview.change')}
        </a>
        <a href="/verwaltung/abdeckung" className={buttonClass('secondary')}>
          {t('overview.coverage')}
        </a>
      </div>
      <TrackTabs current={track} path="/verwaltung/zustaendigkeit" label={t('overview.trackLabel')} />
      <ul className="grid gap-3 md:grid-cols-2" data-testid="responsibility-overview">
        {rows.map((m) => (
          <li
            key={m.id}
            className="rounded-lg border border-slate-300 bg-white p-4"
            data-testid="overview-municipality"
          >
            <div className="flex items-baseline justify-between gap-2">
              <h2 className="text-lg font-bold">{m.name}</h2>
              <a
                href={`/verwaltung/zustaendigkeit/${m.id}`}
                className="text-brand-800 inline-flex min-h-11 items-center text-sm underline"
              >
                {t('overview.history')}
              </a>
            </div>
            <dl className="mt-1 space-y-1 text-sm">
              {m.genders.map((g) => (
                <div key={g.gender} className="grid grid-cols-[7.5rem_1fr] gap-x-2">
                  <dt className="font-semibold">{t(`genders.${g.gender}`)}</dt>
                  <dd>
                    {g.current ? (
                      <>
                        {g.current.partnerName}{' '}
                        <span className="text-slate-600">
                          ({t('overview.since', { date: day(g.current.firstDay) })})
                        </span>
                      </>
                    ) : (
                      <strong className="text-red-800">{t('overview.none')}</strong>
                    )}
                    {g.scheduled.map((s) => (
                      <span key={s.id} className="block text-amber-900">
                        {t('overview.scheduled', { date: day(s.firstDay), partner: s.partnerName })}
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </div>
  );
}
