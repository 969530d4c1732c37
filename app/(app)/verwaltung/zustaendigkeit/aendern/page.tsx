import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { ResponsibilityChangeForm } from '@/components/routing/responsibility-change-form';
import { trackFrom } from '@/components/routing/track-tabs';
import { getSession, requirePermission, titleFor } from '@/lib/auth/guards';
import { listMunicipalities, partnersForResponsibility } from '@/lib/routing/queries';
import { RULE_GENDERS } from '@/lib/routing/values';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('routing:manage', 'routing', 'change.title');
}

type Query = { bereich?: string | string[]; gemeinde?: string | string[]; gruppe?: string | string[] };

const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

/**
 * "Zuständigkeit ändern". The coverage page links here with the gap preselected (`?bereich=…&gemeinde=…&
 * gruppe=…`); only known values are taken over.
 */
export default async function ChangeResponsibilityPage({ searchParams }: { searchParams: Promise<Query> }) {
  await requirePermission('routing:manage');
  const query = await searchParams;
  const [session, municipalities, partners, t] = await Promise.all([
    getSession(),
    listMunicipalities(),
    partnersForResponsibility(),
    getTranslations('routing'),
  ]);
  const known = new Set(municipalities.map((m) => m.id));
  const initial = {
    track: trackFrom(query.bereich),
    municipalityIds: list(query.gemeinde).filter((id) => known.has(id)),
    genders: list(query.gruppe).filter((g) => (RULE_GENDERS as readonly string[]).includes(g)),
    firstDay: addDays(berlinDateOf(new Date()), 1),
  };
  return (
    <div className="space-y-5">
      <a href="/verwaltung/zustaendigkeit" className="text-brand-800 inline-flex min-h-11 items-center underline">
        {t('history.back')}
      </a>
      <h1 className="text-2xl font-bold">{t('change.title')}</h1>
      <p className="max-w-prose text-slate-700">{t('change.intro')}</p>
      <ResponsibilityChangeForm
        options={{ municipalities, partners }}
        initial={initial}
        totpEnrolled={session?.totpEnrolled ?? false}
      />
    </div>
  );
}
