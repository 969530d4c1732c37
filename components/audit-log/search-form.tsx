import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { AUDIT_ACTIONS } from '@/lib/audit/events';
import { type AuditSearch, SEARCH_PARAMS, searchQuery } from '@/lib/audit-log/schema';
import { ROLES } from '@/lib/auth/permissions';

/**
 * The search as a plain GET form: works without JavaScript, and a search is a link an auditor can keep
 * (days, codes and ids only). A person is chosen by clicking a name in the results; the filter shows here
 * with a link that removes it.
 */
export async function SearchForm({
  search,
  personName,
  narrowed,
}: {
  search: AuditSearch;
  personName: string | null;
  /** Any filter beyond the default period: the form starts open (on a phone it is folded otherwise). */
  narrowed: boolean;
}) {
  const [t, roles] = await Promise.all([getTranslations('auditLog'), getTranslations('roles')]);
  const actionText = (action: string) => t(`actions.${action}`);
  const actions = [...AUDIT_ACTIONS].sort((a, b) => actionText(a).localeCompare(actionText(b), 'de'));
  return (
    <details className="rounded-lg border border-slate-300 bg-white p-3" open={narrowed}>
      <summary className="min-h-11 cursor-pointer content-center font-semibold">
        {t('search.legend')}
        {narrowed && ` (${t('search.active')})`}
      </summary>
      <form method="get" action="/protokoll" className="mt-3 space-y-3">
        <fieldset className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <legend className="sr-only">{t('search.legend')}</legend>
          <div className="space-y-1">
            <label htmlFor="search-from" className="block font-semibold">
              {t('search.from')}
            </label>
            <input
              id="search-from"
              type="date"
              name={SEARCH_PARAMS.from}
              defaultValue={search.from}
              className={inputClass}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="search-to" className="block font-semibold">
              {t('search.to')}
            </label>
            <input id="search-to" type="date" name={SEARCH_PARAMS.to} defaultValue={search.to} className={inputClass} />
          </div>
          <div className="space-y-1">
            <label htmlFor="search-action" className="block font-semibold">
              {t('search.action')}
            </label>
            <select
              id="search-action"
              name={SEARCH_PARAMS.action}
              defaultValue={search.action ?? ''}
              className={inputClass}
            >
              <option value="">{t('search.anyAction')}</option>
              {actions.map((action) => (
                <option key={action} value={action}>
                  {actionText(action)}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor="search-role" className="block font-semibold">
              {t('search.role')}
            </label>
            <select
              id="search-role"
              name={SEARCH_PARAMS.actorRole}
              defaultValue={search.actorRole ?? ''}
              className={inputClass}
            >
              <option value="">{t('search.anyRole')}</option>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {roles(role)}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1 sm:col-span-2">
            <label htmlFor="search-record" className="block font-semibold">
              {t('search.record')}
            </label>
            <p id="search-record-hint" className="text-sm text-slate-700">
              {t('search.recordHint')}
            </p>
            <input
              id="search-record"
              name={SEARCH_PARAMS.record}
              defaultValue={search.record ?? ''}
              aria-describedby="search-record-hint"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
              className={`${inputClass} font-mono`}
            />
          </div>
          {search.actorId && (
            <div className="space-y-1 sm:col-span-2">
              <input type="hidden" name={SEARCH_PARAMS.actorId} value={search.actorId} />
              <p className="font-semibold">{t('search.person')}</p>
              <p data-testid="person-filter">
                {t('search.personFilter', { name: personName ?? search.actorId })}{' '}
                <a
                  href={`/protokoll?${searchQuery({ ...search, actorId: undefined, cursor: undefined })}`}
                  className="text-brand-800 inline-flex min-h-11 items-center underline"
                >
                  {t('search.personRemove')}
                </a>
              </p>
            </div>
          )}
        </fieldset>
        <div className="flex flex-col gap-3 sm:flex-row">
          <button type="submit" className={buttonClass('primary')}>
            {t('search.submit')}
          </button>
          <a href="/protokoll" className={buttonClass('secondary')}>
            {t('search.reset')}
          </a>
        </div>
      </form>
    </details>
  );
}
