'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { confirmEnrolmentAction, verifySecondFactorAction } from '@/lib/auth/mfa/actions';
import { secondFactorCodeInput, type SecondFactorCodeInput } from '@/lib/auth/mfa/schema';

/**
 * The code step after the password: enrolment (first code from the app, then the recovery codes, shown
 * once) or sign-in (app code, or a recovery code when the phone is not at hand). `next` is where to go
 * afterwards; a full navigation so every server component renders with the completed session.
 */
export function SecondFactorForm({ mode, next }: { mode: 'enrol' | 'verify'; next: string }) {
  const t = useTranslations('secondFactor');
  const hydrated = useHydrated();
  const [useRecovery, setUseRecovery] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const { register, handleSubmit, setError, setFocus, formState } = useForm<SecondFactorCodeInput>({
    resolver: schemaResolver<SecondFactorCodeInput>(secondFactorCodeInput),
    defaultValues: { code: '' },
  });
  const message = useErrorMessage();

  async function onValid(values: SecondFactorCodeInput) {
    setNotice(null);
    const result = await (mode === 'enrol' ? confirmEnrolmentAction(values) : verifySecondFactorAction(values)).catch(
      () => null,
    );
    if (result?.ok) {
      if (Array.isArray(result.data)) setRecoveryCodes(result.data);
      else window.location.assign(next);
      return;
    }
    if (!showServerFieldErrors(result?.fieldErrors, setError, ['code'])) {
      setNotice(result?.message ?? t('networkError'));
    }
  }

  if (recoveryCodes) return <RecoveryCodes codes={recoveryCodes} next={next} />;

  const recovery = mode === 'verify' && useRecovery;
  return (
    <form method="post" onSubmit={handleSubmit(onValid)} noValidate className="space-y-4">
      {notice && (
        <Alert tone="error" announce testId="second-factor-error">
          {notice}
        </Alert>
      )}
      <Field
        id="code"
        label={recovery ? t('recoveryCode') : t('code')}
        hint={recovery ? t('recoveryCodeHint') : t('codeHint')}
        error={message(formState.errors.code?.message)}
      >
        {(aria) => (
          <input
            {...aria}
            {...register('code')}
            type="text"
            inputMode={recovery ? 'text' : 'numeric'}
            autoComplete="one-time-code"
            autoCapitalize={recovery ? 'characters' : 'off'}
            spellCheck={false}
            autoFocus
            className={`${inputClass} font-mono tracking-widest`}
          />
        )}
      </Field>
      <Button type="submit" disabled={!hydrated || formState.isSubmitting} className="w-full">
        {formState.isSubmitting ? t('submitting') : t('submit')}
      </Button>
      {mode === 'verify' && (
        <button
          type="button"
          className="text-brand-800 min-h-11 text-base underline"
          onClick={() => {
            setUseRecovery(!recovery);
            setFocus('code');
          }}
        >
          {recovery ? t('useAppCode') : t('useRecoveryCode')}
        </button>
      )}
    </form>
  );
}

function RecoveryCodes({ codes, next }: { codes: string[]; next: string }) {
  const t = useTranslations('secondFactor');
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="recovery-heading" className="space-y-4">
      <Alert tone="success" announce>
        {t('enrolled')}
      </Alert>
      <h2 id="recovery-heading" className="text-lg font-bold">
        {t('recoveryTitle')}
      </h2>
      <p>{t('recoveryIntro')}</p>
      <ol className="grid grid-cols-2 gap-2 font-mono text-base" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code} className="rounded border border-slate-300 bg-slate-50 px-2 py-1 text-center">
            {code}
          </li>
        ))}
      </ol>
      <Button
        type="button"
        variant="secondary"
        onClick={() => void navigator.clipboard?.writeText(codes.join('\n')).then(() => setCopied(true))}
      >
        {copied ? t('copied') : t('copy')}
      </Button>
      <label className="flex min-h-11 items-center gap-3 text-base">
        <input type="checkbox" className="size-5" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        {t('confirmSaved')}
      </label>
      <Button type="button" className="w-full" disabled={!saved} onClick={() => window.location.assign(next)}>
        {t('continue')}
      </Button>
    </section>
  );
}
