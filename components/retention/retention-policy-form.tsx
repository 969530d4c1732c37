'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { updateRetentionPolicyAction } from '@/lib/retention/actions';
import { RETENTION_MIN_DAYS, retentionPolicyInput } from '@/lib/retention/schema';

type Values = { afterAcknowledgementDays: number; withoutAcknowledgementDays: number };
const FIELDS = ['afterAcknowledgementDays', 'withoutAcknowledgementDays'] as const;

/**
 * The two retention periods, in days, within the legal maximum of the configuration (checked here and on
 * the server). Saving needs a fresh second factor: the periods decide when personal data is gone for good.
 */
export function RetentionPolicyForm({
  policy,
  maxDays,
  totpEnrolled,
}: {
  policy: Values & { changedAt: string };
  maxDays: number;
  totpEnrolled: boolean;
}) {
  const t = useTranslations('retention');
  const router = useRouter();
  const message = useErrorMessage();
  const { run, prompt } = useStepUp({ totpEnrolled });
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const schema = retentionPolicyInput(maxDays);
  const toInput = (values: Values) => ({ ...values, seenChangedAt: policy.changedAt });
  const { register, handleSubmit, setError, formState } = useForm<Values>({
    resolver: schemaResolver<Values>({ safeParse: (values) => schema.safeParse(toInput(values as Values)) }),
    defaultValues: {
      afterAcknowledgementDays: policy.afterAcknowledgementDays,
      withoutAcknowledgementDays: policy.withoutAcknowledgementDays,
    },
  });

  async function onValid(values: Values) {
    setNotice(null);
    const result = await run(() => updateRetentionPolicyAction(toInput(values)), t('form.save')).catch(() => null);
    if (result?.ok) {
      setNotice({ tone: 'success', text: t('form.saved') });
      router.refresh();
      return;
    }
    setNotice({ tone: 'error', text: result?.message ?? t('form.networkError') });
    showServerFieldErrors(result?.fieldErrors, setError);
  }

  return (
    <form
      method="post"
      onSubmit={handleSubmit(onValid)}
      noValidate
      className="max-w-xl space-y-4"
      aria-busy={formState.isSubmitting}
    >
      {notice && (
        <Alert tone={notice.tone} announce testId={notice.tone === 'error' ? 'form-error' : 'form-success'}>
          {notice.text}
        </Alert>
      )}
      {FIELDS.map((name) => (
        <Field
          key={name}
          id={name}
          label={t(`form.${name}`)}
          hint={t('form.range', { min: RETENTION_MIN_DAYS, max: maxDays })}
          error={message(formState.errors[name]?.message)}
          required
          requiredLabel={t('form.required')}
        >
          {(aria) => (
            <div className="flex items-center gap-2">
              <input
                {...aria}
                type="number"
                inputMode="numeric"
                min={RETENTION_MIN_DAYS}
                max={maxDays}
                step={1}
                className={`${inputClass} w-28`}
                {...register(name, { valueAsNumber: true })}
              />
              <span>{t('form.days')}</span>
            </div>
          )}
        </Field>
      ))}
      <Button type="submit" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? t('form.saving') : t('form.save')}
      </Button>
      {prompt}
    </form>
  );
}
