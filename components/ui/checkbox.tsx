import type { InputHTMLAttributes, Ref } from 'react';

/** One yes/no checkbox with its label as a large touch target (at least 48 px high). */
export function Checkbox({
  id,
  label,
  hint,
  inputProps,
}: {
  id: string;
  label: string;
  hint?: string;
  inputProps: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> };
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label
        htmlFor={id}
        className="has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 flex min-h-12 cursor-pointer items-center gap-3 rounded-md border border-slate-400 bg-white px-3 py-2 has-[:checked]:border-2"
      >
        <input
          type="checkbox"
          id={id}
          aria-describedby={hintId}
          className="accent-brand-700 size-5 shrink-0"
          {...inputProps}
        />
        <span>{label}</span>
      </label>
      {hint && (
        <p id={hintId} className="text-sm text-slate-700">
          {hint}
        </p>
      )}
    </div>
  );
}
