'use client';

import { useTranslations, useFormatter } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';

import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { buttonClass } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { findReferralsToTraceAction } from '@/lib/audit-log/actions';
import type { TracedReferral } from '@/lib/audit-log/dto';

/**
 * "Wer hat diese Vermittlung gesehen?": a Vorgangsnummer or an id, sent in a server action (never in the
 * address); one match opens its trace, several are listed (one case, several referrals).
 */
export function TraceLookup() {
  const t = useTranslations();
  const format = useFormatter();
  const errorText = useErrorMessage();
  const hydrated = useHydrated();
  const router = useRouter();
  const [error, setError] = useState<string | undefined>();
  const [matches, setMatches] = useState<TracedReferral[] | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = String(new FormData(event.currentTarget).get('query') ?? '');
    setError(undefined);
    startTransition(async () => {
      const result = await findReferralsToTraceAction({ query }).catch(() => null);
      if (!result) {
        setError(t('auditLog.networkError'));
        return;
      }
      if (!result.ok) {
        setError(errorText(result.fieldErrors?.query?.[0]) ?? result.message);
        setMatches(null);
        return;
      }
      if (result.data.length === 1) {
        router.push(`/protokoll/vermittlung/${result.data[0]!.id}`);
        return;
      }
      setMatches(result.data);
    });
  }

  return (
    <div className="space-y-4">
      <form
        role="search"
        onSubmit={onSubmit}
        noValidate
        className="flex max-w-xl flex-col gap-2 sm:flex-row sm:items-end"
      >
        <div className="grow">
          <Field id="trace-query" label={t('auditLog.trace.query')} error={error}>
            {(aria) => (
              <input
                {...aria}
                name="query"
                autoComplete="off"
                spellCheck={false}
                maxLength={64}
                className={inputClass}
              />
            )}
          </Field>
        </div>
        <button type="submit" disabled={!hydrated || pending} className={buttonClass('primary')}>
          {t('auditLog.trace.submit')}
        </button>
      </form>
      {matches && (
        <div role="status" data-testid="trace-matches">
          {matches.length === 0 ? (
            <p>{t('auditLog.trace.none')}</p>
          ) : (
            <>
              <p className="font-semibold">{t('auditLog.trace.found', { count: matches.length })}</p>
              <ul className="divide-y divide-slate-300">
                {matches.map((match) => (
                  <li key={match.id} className="py-2">
                    <a href={`/protokoll/vermittlung/${match.id}`} className="text-brand-800 font-semibold underline">
                      {t('auditLog.trace.open')}
                    </a>
                    <span className="block text-sm">
                      {t('auditLog.trace.submittedAt')}:{' '}
                      {format.dateTime(new Date(match.submittedAt), { dateStyle: 'medium', timeStyle: 'short' })} ·{' '}
                      {match.stationName} · {t(`status.${match.status}`)}
                    </span>
                    <span className="block text-sm">
                      {match.municipalityName} · {match.partners.join(', ')}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
