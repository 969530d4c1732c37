import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import type { FieldErrors } from '@/lib/result';

/**
 * Puts a server action's field errors (message keys) on the form's fields and focuses the first one.
 * `fields`: the fields this form shows (others, such as `_form`, are left to the caller's summary).
 * Returns whether any field got an error.
 */
export function showServerFieldErrors<T extends FieldValues>(
  fieldErrors: FieldErrors | undefined,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[] = Object.keys(fieldErrors ?? {}).filter((f) => f !== '_form') as Path<T>[],
): boolean {
  let focused = false;
  for (const field of fields) {
    const key = fieldErrors?.[field]?.[0];
    if (!key) continue;
    setError(field, { type: 'server', message: key }, { shouldFocus: !focused });
    focused = true;
  }
  return focused;
}
