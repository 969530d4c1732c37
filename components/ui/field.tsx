import type { InputHTMLAttributes, ReactNode, Ref } from 'react';

/** The visible asterisk, and the word for screen readers (the asterisk alone is not announced). */
function RequiredMark({ label }: { label?: string }) {
  return (
    <>
      <span aria-hidden="true" className="text-red-800">
        {' '}
        *
      </span>
      {label && <span className="sr-only"> ({label})</span>}
    </>
  );
}

export const inputClass =
  'block min-h-12 w-full rounded-md border border-slate-500 bg-white px-3 text-base text-slate-900 aria-[invalid=true]:border-2 aria-[invalid=true]:border-red-700';

/**
 * Label, hint and error around one control. The control gets `aria-describedby` and `aria-invalid` through
 * the render prop so screen readers read the hint and the error with it (WCAG 1.3.1, 3.3.1).
 */
export function Field({
  id,
  label,
  hint,
  error,
  required,
  requiredLabel,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  requiredLabel?: string;
  children: (aria: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
    'aria-required'?: boolean;
  }) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-base font-semibold">
        {label}
        {required && <RequiredMark label={requiredLabel} />}
      </label>
      {hint && (
        <p id={hintId} className="text-sm text-slate-700">
          {hint}
        </p>
      )}
      {children({
        id,
        'aria-describedby': describedBy,
        'aria-invalid': error ? true : undefined,
        'aria-required': required || undefined,
      })}
      {error && (
        <p
          id={errorId}
          className="text-sm font-semibold [overflow-wrap:anywhere] text-red-800"
          data-testid={`error-${id}`}
        >
          {error}
        </p>
      )}
    </div>
  );
}

const COLUMNS = { 2: 'sm:grid-cols-2', 3: 'sm:grid-cols-3', 4: 'sm:grid-cols-2 md:grid-cols-4' } as const;

/**
 * A group of radio buttons (or, with `type="checkbox"`, checkboxes) with a legend; large touch targets (at
 * least 48 px high).
 */
export function RadioGroup({
  name,
  legend,
  hint,
  error,
  required,
  requiredLabel,
  options,
  inputProps,
  type = 'radio',
  columns = 2,
}: {
  type?: 'radio' | 'checkbox';
  /** Columns from 640 px on (phones: one). */
  columns?: 2 | 3 | 4;
  name: string;
  legend: string;
  hint?: string;
  error?: string;
  required?: boolean;
  requiredLabel?: string;
  options: { value: string; label: string }[];
  /** What a form library registers on each radio input (name, handlers, ref). */
  inputProps: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> };
}) {
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className="space-y-2" aria-describedby={describedBy}>
      <legend className="text-base font-semibold">
        {legend}
        {required && <RequiredMark label={requiredLabel} />}
      </legend>
      {hint && (
        <p id={hintId} className="text-sm text-slate-700">
          {hint}
        </p>
      )}
      <div className={`grid gap-2 ${COLUMNS[columns]}`}>
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <label
              key={option.value}
              htmlFor={id}
              className="has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 flex min-h-12 cursor-pointer items-center gap-3 rounded-md border border-slate-400 bg-white px-3 has-[:checked]:border-2"
            >
              <input
                type={type}
                id={id}
                value={option.value}
                className="accent-brand-700 size-5 shrink-0"
                {...inputProps}
              />
              <span>{option.label}</span>
            </label>
          );
        })}
      </div>
      {error && (
        <p
          id={errorId}
          className="text-sm font-semibold [overflow-wrap:anywhere] text-red-800"
          data-testid={`error-${name}`}
        >
          {error}
        </p>
      )}
    </fieldset>
  );
}
