'use client';

/** One choice among a few, as large radio buttons (a phone in a hurry). */
export function Choices<T extends string>({
  legend,
  name,
  options,
  label,
  value,
  onChange,
  columns = false,
}: {
  legend: string;
  name: string;
  options: readonly T[];
  label: (value: T) => string;
  value: T | null;
  onChange: (value: T) => void;
  /** Two columns where there is room. */
  columns?: boolean;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="font-semibold">{legend}</legend>
      <div className={`grid gap-2 ${columns ? 'sm:grid-cols-2' : ''}`}>
        {options.map((option) => (
          <label key={option} className="flex min-h-12 items-center gap-3 rounded-md border border-slate-400 px-3">
            <input
              type="radio"
              name={name}
              value={option}
              checked={value === option}
              onChange={() => onChange(option)}
              className="accent-brand-700 size-5 shrink-0"
            />
            {label(option)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
