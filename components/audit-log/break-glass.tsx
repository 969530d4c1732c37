'use client';

import { useTranslations } from 'next-intl';
import { lazy, Suspense, useState, useTransition, type FormEvent } from 'react';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { buttonClass } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { openReferralContentsAction } from '@/lib/audit-log/actions';
import { BREAK_GLASS_REASON_MAX, BREAK_GLASS_REASON_MIN, breakGlassInput } from '@/lib/audit-log/schema';
import type { BreakGlassView } from '@/lib/audit-log/dto';

// The contents (and the phone-number formatting they need) load only once opened: most traces never do.
const BreakGlassContents = lazy(() => import('@/components/audit-log/break-glass-contents'));

/**
 * Break-glass (issue 13): the referral's contents only after a written reason, checked here and again on the
 * server, with the second factor proved within minutes. The contents stay in this page's memory: reloading
 * closes them, and opening them again is another recorded access.
 */
export function BreakGlass({
  referralId,
  totpEnrolled,
  languages,
}: {
  referralId: string;
  totpEnrolled: boolean;
  languages: { code: string; name: string }[];
}) {
  const t = useTranslations();
  const errorText = useErrorMessage();
  const hydrated = useHydrated();
  const { run, prompt } = useStepUp({ totpEnrolled, headingLevel: 3 });
  const [error, setError] = useState<string | undefined>();
  const [view, setView] = useState<BreakGlassView | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '');
    const checked = breakGlassInput.safeParse({ referralId, reason });
    if (!checked.success) {
      setError(errorText(checked.error.issues.find((issue) => issue.path[0] === 'reason')?.message));
      return;
    }
    setError(undefined);
    startTransition(async () => {
      const result = await run(
        () => openReferralContentsAction({ referralId, reason }),
        t('auditLog.breakGlass.title'),
      ).catch(() => null);
      if (!result) setError(t('auditLog.networkError'));
      else if (!result.ok) setError(errorText(result.fieldErrors?.reason?.[0]) ?? result.message);
      else setView(result.data);
    });
  }

  return (
    <section aria-labelledby="break-glass-heading" className="space-y-3 rounded-lg border-2 border-red-800 p-4">
      <h2 id="break-glass-heading" className="text-xl font-bold">
        {t('auditLog.breakGlass.title')}
      </h2>
      <p className="max-w-prose">{t('auditLog.breakGlass.intro')}</p>
      {view ? (
        <Suspense fallback={<p>{t('auditLog.breakGlass.loading')}</p>}>
          <BreakGlassContents view={view} languages={languages} onClose={() => setView(null)} />
        </Suspense>
      ) : (
        <form onSubmit={onSubmit} noValidate className="space-y-3">
          <Field
            id="break-glass-reason"
            label={t('auditLog.breakGlass.reason', { min: BREAK_GLASS_REASON_MIN })}
            hint={t('auditLog.breakGlass.reasonHint')}
            error={error}
            required
          >
            {(aria) => (
              <textarea
                {...aria}
                name="reason"
                rows={3}
                maxLength={BREAK_GLASS_REASON_MAX}
                className={`${inputClass} py-2`}
              />
            )}
          </Field>
          <button type="submit" disabled={!hydrated || pending} className={buttonClass('primary')}>
            {t('auditLog.breakGlass.submit')}
          </button>
        </form>
      )}
      {prompt}
    </section>
  );
}
