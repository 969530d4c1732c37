'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

import { useErrorMessage } from '@/components/forms/use-error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { stepUpAction } from '@/lib/auth/mfa/actions';
import type { ActionResult, Failure } from '@/lib/result';

type Pending = {
  what?: string;
  retry: () => Promise<ActionResult<unknown>>;
  original: Failure;
  resolve: (result: ActionResult<unknown>) => void;
};

/**
 * Step-up before the most sensitive admin actions (ASVS 7.5.3). `run(call)` runs a server action; when the
 * server answers STEP_UP_REQUIRED, the `prompt` asks for a fresh code from the authenticator app and then
 * runs the same call again, and `run` resolves with that second result. Cancelling resolves with the
 * first failure. Render `prompt` outside any <form> (it is a form itself).
 *
 * `totpEnrolled`: whether this session's account has an app to take a code from; without one (directory
 * accounts) the only way to a fresh second factor is signing in again. `what` names the change in the
 * prompt; `headingLevel` fits the prompt's heading into the page's outline.
 */
export function useStepUp({ totpEnrolled, headingLevel = 2 }: { totpEnrolled: boolean; headingLevel?: 2 | 3 }): {
  run: <T>(call: () => Promise<ActionResult<T>>, what?: string) => Promise<ActionResult<T>>;
  prompt: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);

  async function run<T>(call: () => Promise<ActionResult<T>>, what?: string): Promise<ActionResult<T>> {
    const result = await call();
    if (result.ok || result.code !== 'STEP_UP_REQUIRED') return result;
    return new Promise<ActionResult<T>>((resolve) => {
      setPending({
        what,
        retry: call,
        original: result,
        resolve: resolve as (result: ActionResult<unknown>) => void,
      });
    });
  }

  const prompt = pending ? (
    <StepUpPrompt
      totpEnrolled={totpEnrolled}
      what={pending.what}
      headingLevel={headingLevel}
      onVerified={async () => {
        const result = await pending.retry();
        setPending(null);
        pending.resolve(result);
      }}
      onCancel={() => {
        setPending(null);
        pending.resolve(pending.original);
      }}
    />
  ) : null;

  return { run, prompt };
}

export function StepUpPrompt({
  totpEnrolled,
  what,
  headingLevel = 2,
  onVerified,
  onCancel,
}: {
  totpEnrolled: boolean;
  what?: string;
  headingLevel?: 2 | 3;
  onVerified: () => Promise<void>;
  onCancel: () => void;
}) {
  const t = useTranslations('users.stepUp');
  const message = useErrorMessage();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The panel appears after a click elsewhere: take the focus to where the code goes (WCAG 2.4.3).
  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setCodeError(undefined);
    const result = await stepUpAction({ code }).catch(() => null);
    if (result?.ok) {
      await onVerified();
      return;
    }
    setBusy(false);
    setCode('');
    const fieldKey = result?.fieldErrors?.code?.[0];
    if (fieldKey) setCodeError(message(fieldKey));
    else setNotice(result?.message ?? message('errors.codes.UNKNOWN') ?? null);
    inputRef.current?.focus();
  }

  const headingId = `${id}-heading`;
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section
      aria-labelledby={headingId}
      className="border-brand-600 bg-brand-50 space-y-3 rounded-md border-l-4 p-4"
      data-testid="step-up"
    >
      <Heading id={headingId} className="text-brand-900 text-lg font-bold">
        {t('title')}
      </Heading>
      {what && <p className="font-semibold">{t('what', { what })}</p>}
      {totpEnrolled ? (
        <form method="post" onSubmit={(e) => void onSubmit(e)} noValidate className="max-w-sm space-y-3">
          <p>{t('text')}</p>
          {notice && (
            <Alert tone="error" announce testId="step-up-error">
              {notice}
            </Alert>
          )}
          <Field id={`${id}-code`} label={t('code')} hint={t('codeHint')} error={codeError}>
            {(aria) => (
              <input
                {...aria}
                ref={inputRef}
                name="code"
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                spellCheck={false}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                className={`${inputClass} font-mono tracking-widest`}
              />
            )}
          </Field>
          <div className="flex flex-col gap-3 sm:flex-row">
            <Button type="submit" disabled={busy}>
              {busy ? t('confirming') : t('confirm')}
            </Button>
            <Button type="button" variant="secondary" onClick={onCancel}>
              {t('cancel')}
            </Button>
          </div>
        </form>
      ) : (
        <>
          <p>{t('noApp')}</p>
          <Button type="button" variant="secondary" onClick={onCancel}>
            {t('cancel')}
          </Button>
        </>
      )}
    </section>
  );
}
