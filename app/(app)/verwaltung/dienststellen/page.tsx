import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { ReviewModeSwitch } from '@/components/stations/review-mode-switch';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { listStations } from '@/lib/stations/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('stations:manage', 'stations', 'title');
}

/** "Dienststellen": per station, four-eyes review (default) or direct dispatch (DESIGN.md section 3). */
export default async function StationsPage() {
  await requirePermission('stations:manage');
  const [session, stations, t] = await Promise.all([getSession(), listStations(), getTranslations('stations')]);
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="max-w-prose text-slate-700">{t('intro')}</p>
      <ul className="space-y-3" data-testid="station-list">
        {stations.map((station) => (
          <li key={station.id} className="rounded-lg border border-slate-300 bg-white p-4" data-testid="station-row">
            <p className="text-lg font-bold">{station.name}</p>
            <p className="text-sm text-slate-700">{station.inspection.name}</p>
            <p className="my-2" data-testid="station-mode">
              <span className="font-semibold">{t('modeLabel')}: </span>
              <span
                className={
                  station.reviewMode === 'DIRECT'
                    ? 'rounded bg-amber-100 px-2 py-0.5 font-bold text-amber-950'
                    : 'font-semibold'
                }
              >
                {t(`mode.${station.reviewMode}`)}
              </span>
            </p>
            <ReviewModeSwitch station={station} totpEnrolled={session?.totpEnrolled ?? false} />
          </li>
        ))}
      </ul>
    </div>
  );
}
