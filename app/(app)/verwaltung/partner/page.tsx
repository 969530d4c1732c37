import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { dayFormatter } from '@/lib/routing/labels';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { listPartners, type PartnerRow } from '@/lib/partners/queries';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('partners:manage', 'partners', 'title');
}

export default async function PartnersPage() {
  await requirePermission('partners:manage');
  const [partners, t, tRouting, day] = await Promise.all([
    listPartners(),
    getTranslations('partners'),
    getTranslations('routing'),
    dayFormatter(),
  ]);
  const serves = (p: PartnerRow) =>
    `${p.tracks.map((k) => tRouting(`tracks.${k}`)).join(', ')}: ${p.genders.map((g) => tRouting(`genders.${g}`)).join(', ')}`;
  const active = (p: PartnerRow) =>
    !p.active
      ? `${t('inactive')} (${p.lastDay ? t('activeRange', { from: day(p.firstDay), to: day(p.lastDay) }) : t('activeSince', { from: day(p.firstDay) })})`
      : p.lastDay
        ? t('activeRange', { from: day(p.firstDay), to: day(p.lastDay) })
        : t('activeSince', { from: day(p.firstDay) });

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <a href="/verwaltung/partner/neu" className={buttonClass('primary')}>
          {t('new')}
        </a>
      </div>
      <p className="max-w-prose text-slate-700">{t('intro')}</p>
      {partners.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <ul className="space-y-3" data-testid="partner-list">
          {partners.map((p) => (
            <li key={p.id} className="rounded-lg border border-slate-300 bg-white p-4" data-testid="partner-row">
              <a href={`/verwaltung/partner/${p.id}`} className="text-brand-800 text-lg font-bold underline">
                {p.name}
              </a>
              <dl className="mt-2 grid gap-x-3 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="font-semibold">{t('columns.kind')}</dt>
                <dd>
                  {t(`kinds.${p.kind}`)} ({p.code})
                </dd>
                <dt className="font-semibold">{t('columns.serves')}</dt>
                <dd>{serves(p)}</dd>
                <dt className="font-semibold">{t('columns.active')}</dt>
                <dd>{active(p)}</dd>
                <dt className="font-semibold">{t('columns.rules')}</dt>
                <dd>{t('rulesCount', { count: p.rules })}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
