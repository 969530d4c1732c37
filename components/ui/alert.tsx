import type { ReactNode } from 'react';

const TONES = {
  error: 'border-red-700 bg-red-50 text-red-900',
  success: 'border-green-700 bg-green-50 text-green-900',
  info: 'border-brand-600 bg-brand-50 text-brand-900',
  warning: 'border-amber-600 bg-amber-50 text-amber-950',
} as const;

/** A message box. `role="alert"` only for errors that appear after an action, so they are announced. */
export function Alert({
  tone,
  children,
  testId,
  announce = false,
}: {
  tone: keyof typeof TONES;
  children: ReactNode;
  testId?: string;
  announce?: boolean;
}) {
  return (
    <div
      role={announce ? (tone === 'error' ? 'alert' : 'status') : undefined}
      data-testid={testId}
      className={`rounded-md border-l-4 p-4 text-base ${TONES[tone]}`}
    >
      {children}
    </div>
  );
}
