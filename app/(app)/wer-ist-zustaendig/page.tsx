import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { validityFormatter } from '@/lib/routing/labels';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { GENDERS } from '@/lib/referrals/values';
import type { RuleView } from '@/lib/routing/dto';
import { listMunicipalities, whoIsResponsible } from '@/lib/routing/queries';
import { whoIsResponsibleQuery } from '@/lib/routing/schema';
import { TRACKS, type Track } from '@/lib/routing/values';
import { berlinDateOf } from '@/lib/time/berlin';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('routing:read', 'routing', 'who.title');
}

type Query = Record<'gemeinde' | 'geschlecht' | 'bereich' | 'datum', string | string[] | undefined>;
const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '');

/**
 * "Wer ist zuständig?" for admins and (read-only, like everything here) supervisors: a plain GET form, so
 * the answer can be bookmarked and works without JavaScript. The query names a place, a gender, a track
 * and a day: nothing about a person.
 */
export default async function WhoIsResponsiblePage({ searchParams }: { searchParams: Promise<Query> }) {
  const actor = await requirePermission('routing:read');
  const mayManage = can(actor.role, 'routing:manage');
  const query = await searchParams;
  const [municipalities, t, validity] = await Promise.all([
    listMunicipalities(),
    getTranslations('routing'),
    validityFormatter(),
  ]);
  const values = {
    municipalityId: single(query.gemeinde),
    gender: single(query.geschlecht),
    track: single(query.bereich) || 'VICTIM',
    date: single(query.datum) || berlinDateOf(new Date()),
  };
  const asked = query.gemeinde !== undefined;
  const parsed = asked ? whoIsResponsibleQuery.safeParse(values) : null;
  const answer = parsed?.success ? await whoIsResponsible(parsed.data) : null;
  const municipalityName = municipalities.find((m) => m.id === parsed?.data?.municipalityId)?.name ?? '';
  const ruleLine = (rule: RuleView) => (
    <>
      {t('who.byRule', {
        rule: `${municipalityName} · ${t(`genders.${rule.gender}`)} · ${t(`tracks.${values.track as Track}`)}`,
        version: rule.version,
        validity: validity(rule.firstDay, rule.lastDay),
      })}{' '}
      {mayManage && (
        <a href={`/verwaltung/zustaendigkeit/${parsed?.data?.municipalityId}`} className="underline">
          {t('overview.history')}
        </a>
      )}
      <span className="block text-xs break-all">{t('who.ruleId', { id: rule.id })}</span>
    </>
  );
  const select = 'min-h-12 w-full rounded-md border border-slate-500 bg-white px-3';

  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-bold">{t('who.title')}</h1>
      <p className="max-w-prose text-slate-700">{t('who.intro')}</p>
      <form method="get" className="grid max-w-3xl gap-4 sm:grid-cols-2">
        <label className="block space-y-1">
          <span className="block font-semibold">{t('who.municipality')}</span>
          <select name="gemeinde" defaultValue={values.municipalityId} className={select} required>
            <option value="">{t('change.choose')}</option>
            {municipalities.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block space-y-1">
          <span className="block font-semibold">{t('who.gender')}</span>
          <select name="geschlecht" defaultValue={values.gender} className={select} required>
            <option value="">{t('change.choose')}</option>
            {GENDERS.map((g) => (
              <option key={g} value={g}>
                {t(`genders.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="block space-y-1">
          <span className="block font-semibold">{t('who.track')}</span>
          <select name="bereich" defaultValue={values.track} className={select}>
            {TRACKS.map((k) => (
              <option key={k} value={k}>
                {t(`tracks.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="block space-y-1">
          <span className="block font-semibold">{t('who.date')}</span>
          <input type="date" name="datum" defaultValue={values.date} className={inputClass} required />
        </label>
        <div className="sm:col-span-2">
          <Button type="submit">{t('who.ask')}</Button>
        </div>
      </form>
      <div aria-live="polite" data-testid="who-answer">
        {parsed && !parsed.success && <Alert tone="error">{t('who.invalid')}</Alert>}
        {answer?.kind === 'RULE' && (
          <Alert tone="success">
            <p className="text-lg font-bold">{t('who.answer', { partner: answer.rule.partnerName })}</p>
            <p className="text-sm">{ruleLine(answer.rule)}</p>
          </Alert>
        )}
        {answer?.kind === 'NONE' && <Alert tone="error">{t('who.none')}</Alert>}
        {answer?.kind === 'CHOICE' &&
          (answer.options.length === 0 ? (
            <Alert tone="error">{t('who.none')}</Alert>
          ) : (
            <Alert tone="info">
              <p className="font-semibold">{t('who.choice')}</p>
              <ul className="mt-2 space-y-2">
                {answer.options.map((rule) => (
                  <li key={rule.id}>
                    <span className="font-bold">{rule.partnerName}</span>
                    <span className="block text-sm">{ruleLine(rule)}</span>
                  </li>
                ))}
              </ul>
            </Alert>
          ))}
      </div>
    </div>
  );
}
