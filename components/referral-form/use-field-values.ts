'use client';

import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { UseFormReturn } from 'react-hook-form';

import type { FieldName, FormValues } from '@/components/referral-form/form-values';

/**
 * The current values of some fields, re-rendering when they change. For the parts of the form that load
 * later (consented-sections.tsx, routing-choice.tsx): react-hook-form's useWatch subscribes in an effect, so a
 * value changed between such a part's first render and that effect (the officer choosing the place while the
 * part was still loading) was missed, and the part kept showing the old value. useSyncExternalStore reads the
 * values again once subscribed, so nothing is missed.
 */
export function useFieldValues<const N extends readonly FieldName[]>(
  form: UseFormReturn<FormValues>,
  names: N,
): { [K in keyof N]: FormValues[N[K]] | null } {
  const key = names.join(',');
  const subscribe = useCallback(
    (onChange: () => void) =>
      form.subscribe({ name: key.split(',') as FieldName[], formState: { values: true }, callback: onChange }),
    [form, key],
  );
  // A string snapshot: equal values give an equal snapshot, so unrelated changes do not re-render.
  const read = () => JSON.stringify(key.split(',').map((name) => form.getValues(name as FieldName) ?? null));
  const snapshot = useSyncExternalStore(subscribe, read, read);
  return useMemo(() => JSON.parse(snapshot) as { [K in keyof N]: FormValues[N[K]] | null }, [snapshot]);
}
