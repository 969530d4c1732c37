import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { getFormatter, getTranslations } from 'next-intl/server';

import { EmailAddress } from '@/components/ui/email-address';
import { buttonClass } from '@/components/ui/button';
import { UserSearch } from '@/components/users/user-search';
import { UserStatus } from '@/components/users/user-status';
import { requirePermission, titleFor } from '@/lib/auth/guards';
import { TIME_ZONE } from '@/lib/time/berlin';
import { listUsers, type UserRow } from '@/lib/users/queries';
import { USER_SEARCH_COOKIE } from '@/lib/users/schema';

export function generateMetadata(): Promise<Metadata> {
  return titleFor('users:manage', 'users', 'title');
}

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '');

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ seite?: string | string[] }> }) {
  await requirePermission('users:manage');
  const params = await searchParams;
  const { items, total, page, pages, search } = await listUsers({
    search: (await cookies()).get(USER_SEARCH_COOKIE)?.value ?? '',
    page: Number(single(params.seite)) || 1,
  });
  const t = await getTranslations('users');
  const tRoles = await getTranslations('roles');
  const format = await getFormatter();
  const lastSignIn = (u: UserRow) =>
    u.lastSignInAt
      ? format.dateTime(u.lastSignInAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE })
      : t('neverSignedIn');
  const scope = (u: UserRow) => u.scopeName ?? t('noScope');
  const secondFactor = (u: UserRow) =>
    u.secondFactorEnrolled ? t('secondFactor.enrolled') : t('secondFactor.notEnrolled');
  const pageHref = (n: number) => {
    return n > 1 ? `/verwaltung/benutzer?seite=${n}` : '/verwaltung/benutzer';
  };

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">{t('title')}</h1>
        <a href="/verwaltung/benutzer/neu" className={buttonClass('primary')}>
          {t('new')}
        </a>
      </div>
      <p className="max-w-prose text-slate-700">{t('intro')}</p>

      <UserSearch search={search} total={total} />

      {items.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <>
          {/* Phones: one card per account. */}
          <ul className="space-y-3 md:hidden" data-testid="user-cards">
            {items.map((u) => (
              <li key={u.id} className="rounded-lg border border-slate-300 bg-white p-4" data-testid="user-row">
                <a href={`/verwaltung/benutzer/${u.id}`} className="text-brand-800 text-lg font-bold underline">
                  {u.displayName}
                </a>
                <p className="text-sm text-slate-700">
                  <EmailAddress email={u.email} />
                </p>
                <dl className="mt-2 grid grid-cols-[8.5rem_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="font-semibold">{t('columns.role')}</dt>
                  <dd>{tRoles(u.role)}</dd>
                  <dt className="font-semibold">{t('columns.scope')}</dt>
                  <dd>{scope(u)}</dd>
                  <dt className="font-semibold">{t('columns.status')}</dt>
                  <dd>
                    <UserStatus active={u.active} locked={u.locked} />
                  </dd>
                  <dt className="font-semibold">{t('columns.secondFactor')}</dt>
                  <dd>{secondFactor(u)}</dd>
                  <dt className="font-semibold">{t('columns.lastSignIn')}</dt>
                  <dd>{lastSignIn(u)}</dd>
                </dl>
              </li>
            ))}
          </ul>
          {/* Wider screens: a table to scan and compare. */}
          <div className="hidden md:block">
            <table className="w-full border-collapse bg-white text-sm" data-testid="user-table">
              <caption className="sr-only">{t('title')}</caption>
              <thead>
                <tr className="border-b-2 border-slate-400 text-left">
                  {(['name', 'role', 'scope', 'status', 'secondFactor', 'lastSignIn'] as const).map((c) => (
                    <th key={c} scope="col" className="px-2 py-2 font-semibold">
                      {t(`columns.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <tr key={u.id} className="border-b border-slate-200 align-top" data-testid="user-row">
                    <th scope="row" className="px-2 py-2 text-left font-normal">
                      <a href={`/verwaltung/benutzer/${u.id}`} className="text-brand-800 font-semibold underline">
                        {u.displayName}
                      </a>
                      <span className="block text-slate-700">
                        <EmailAddress email={u.email} />
                      </span>
                    </th>
                    <td className="px-2 py-2">{tRoles(u.role)}</td>
                    <td className="px-2 py-2">{scope(u)}</td>
                    <td className="px-2 py-2">
                      <UserStatus active={u.active} locked={u.locked} />
                    </td>
                    <td className="px-2 py-2">{secondFactor(u)}</td>
                    <td className="px-2 py-2">{lastSignIn(u)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {pages > 1 && (
        <nav aria-label={t('pagination')} className="flex flex-wrap items-center gap-3">
          {page > 1 && (
            <a href={pageHref(page - 1)} className={buttonClass('secondary')}>
              {t('previous')}
            </a>
          )}
          <p>{t('pageOf', { page, pages })}</p>
          {page < pages && (
            <a href={pageHref(page + 1)} className={buttonClass('secondary')}>
              {t('next')}
            </a>
          )}
        </nav>
      )}
    </div>
  );
}
