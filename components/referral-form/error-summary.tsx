'use client';

import type { FieldErrors } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import type { FormValues } from '@/components/referral-form/form-values';

export { showServerFieldErrors } from '@/components/forms/server-field-errors';

const ERROR_SUMMARY_ID = 'error-summary';

/** The control a field's error belongs to: the field itself, or the first option of a group. */
function controlOf(name: string): HTMLElement | null {
  return document.getElementById(name) ?? document.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
}

/** The fields with an error shown on the page, in the order they appear (the form's order, not the schema's). */
function fieldsWithErrorsInPageOrder(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>('form [data-testid^="error-"]'), (el) =>
    (el.dataset.testid ?? '').slice('error-'.length),
  );
}

/** Moves focus to the first field with an error, in the order of the page. */
export function focusFirstError(): void {
  const [first] = fieldsWithErrorsInPageOrder();
  if (first) controlOf(first)?.focus();
}

/**
 * At the top of a long form: how many answers need attention, each a link to its field (GOV.UK's error
 * summary pattern). Listed in the order of the page; the focus itself goes to the first field.
 */
export function ErrorSummary({ errors }: { errors: FieldErrors<FormValues> }) {
  const t = useText();
  const names = Object.keys(errors).filter((name) => name !== 'root');
  if (names.length === 0) return null;
  const order = typeof document === 'undefined' ? [] : fieldsWithErrorsInPageOrder();
  const sorted = [...names].sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999));
  return (
    <div
      id={ERROR_SUMMARY_ID}
      className="rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900"
      data-testid="summary-of-errors"
    >
      <h2 className="font-bold">
        {t('referralForm.errorSummaryTitle')} ({sorted.length})
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {sorted.map((name) => (
          <li key={name}>
            <a
              href={`#${name}`}
              className="[overflow-wrap:anywhere] underline"
              onClick={(event) => {
                event.preventDefault();
                controlOf(name)?.focus();
              }}
            >
              {t(`referralForm.labels.${name}`, 'referralForm.labels.other')}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
