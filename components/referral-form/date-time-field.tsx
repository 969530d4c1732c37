'use client';

import { lazy, Suspense } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import type { ErrorOf, FieldName, FormValues } from '@/components/referral-form/form-values';
import { Field, inputClass } from '@/components/ui/field';

const FoldChoice = lazy(() => import('@/components/referral-form/fold-choice'));

/** A wall-clock time that may have happened twice: 02:00 to 02:59 in October (the clocks go back then). */
const MAYBE_TWICE = /^\d{4}-10-\d{2}T02:[0-5]\d$/;

type DateTimeName = 'incidentAt' | 'consentAt' | 'perpetratorConsentAt';

/** Fields whose checks read this time (consent not before the callout, the Wegweisung's end after it). */
const DEPENDENT: Record<DateTimeName, FieldName[]> = {
  incidentAt: ['consentAt', 'perpetratorConsentAt', 'wegweisungUntil'],
  consentAt: [],
  perpetratorConsentAt: [],
};

/**
 * A date and time in Europe/Berlin. In the autumn night when 02:00 to 02:59 happens twice, the officer is
 * asked which one is meant (before or after the clocks went back, fold-choice.tsx); the spring hour that does
 * not exist is refused by validation.
 */
export function DateTimeField({
  name,
  label,
  hint,
  form,
  errorOf,
}: {
  name: DateTimeName;
  label: string;
  hint?: string;
  form: UseFormReturn<FormValues>;
  errorOf: ErrorOf;
}) {
  const t = useText();
  const foldName = `${name}Fold` as const;
  const value = useWatch({ control: form.control, name });
  return (
    <>
      <Field
        id={name}
        label={label}
        hint={hint}
        error={errorOf(name)}
        required
        requiredLabel={t('referralForm.required')}
      >
        {(aria) => (
          <input
            {...aria}
            type="datetime-local"
            className={inputClass}
            {...form.register(name, { deps: DEPENDENT[name] })}
          />
        )}
      </Field>
      {typeof value === 'string' && MAYBE_TWICE.test(value) && (
        <Suspense fallback={null}>
          <FoldChoice name={foldName} value={value} form={form} errorOf={errorOf} />
        </Suspense>
      )}
    </>
  );
}
