'use client';

import { useText } from '@/components/i18n/client-texts';
import type { ErrorOf, FormValues } from '@/components/referral-form/form-values';
import { RadioGroup } from '@/components/ui/field';
import { berlinLocalToInstant } from '@/lib/time/berlin';
import type { UseFormReturn } from 'react-hook-form';

/**
 * In the autumn night when 02:00 to 02:59 happens twice, which one the officer means: before or after the
 * clocks went back. Loaded only for a time in that hour of an October night (date-time-field.tsx).
 */
export default function FoldChoice({
  name,
  value,
  form,
  errorOf,
}: {
  name: 'incidentAtFold' | 'consentAtFold' | 'perpetratorConsentAtFold';
  value: string;
  form: UseFormReturn<FormValues>;
  errorOf: ErrorOf;
}) {
  const t = useText();
  const local = berlinLocalToInstant(value);
  if (!local.ok || !local.ambiguous) return null;
  return (
    <RadioGroup
      name={name}
      legend={t('referralForm.fold')}
      hint={t('referralForm.foldHint')}
      error={errorOf(name)}
      required
      requiredLabel={t('referralForm.required')}
      options={[
        { value: 'earlier', label: t('referralForm.foldEarlier') },
        { value: 'later', label: t('referralForm.foldLater') },
      ]}
      inputProps={form.register(name)}
    />
  );
}
