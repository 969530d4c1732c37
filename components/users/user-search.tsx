'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState, useTransition, type FormEvent } from 'react';

import { useHydrated } from '@/components/forms/use-hydrated';
import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { searchUsersAction } from '@/lib/users/actions';
import { USER_SEARCH_MAX_LENGTH } from '@/lib/users/schema';

/**
 * The account list's search. The term goes to the server in a server action and is kept in a cookie, so
 * that staff names and e-mail addresses never stand in the page's URL.
 */
export function UserSearch({ search, total }: { search: string; total: number }) {
  const t = useTranslations('users');
  const hydrated = useHydrated();
  const router = useRouter();
  const pathname = usePathname();
  const onLaterPage = useSearchParams().has('seite');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function apply(q: string) {
    setError(null);
    startTransition(async () => {
      const result = await searchUsersAction({ q }).catch(() => null);
      if (!result?.ok) {
        setError(result?.message ?? t('form.networkError'));
        return;
      }
      // A new search starts on the first page; the cookie the action set makes the list render anew.
      if (onLaterPage) router.replace(pathname);
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    apply(String(new FormData(event.currentTarget).get('q') ?? ''));
  }

  return (
    <>
      <form role="search" onSubmit={onSubmit} className="flex max-w-xl flex-col gap-2 sm:flex-row sm:items-end">
        <div className="grow space-y-1">
          <label htmlFor="q" className="block text-base font-semibold">
            {t('searchLabel')}
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={search}
            key={search}
            maxLength={USER_SEARCH_MAX_LENGTH}
            autoComplete="off"
            aria-describedby={error ? 'q-error' : undefined}
            aria-invalid={error ? true : undefined}
            className={inputClass}
          />
        </div>
        <button type="submit" disabled={!hydrated || pending} className={buttonClass('secondary')}>
          {t('searchSubmit')}
        </button>
      </form>
      {error && (
        <p id="q-error" role="alert" className="text-sm font-semibold text-red-800">
          {error}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <p role="status" className="font-semibold">
          {search ? t('countFor', { count: total, search }) : t('count', { count: total })}
        </p>
        {search && (
          <button type="button" className="text-brand-800 min-h-11 underline" onClick={() => apply('')}>
            {t('searchReset')}
          </button>
        )}
      </div>
    </>
  );
}
