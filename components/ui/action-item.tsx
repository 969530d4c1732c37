'use client';

import type { ReactNode } from 'react';

import { Button } from '@/components/ui/button';

/**
 * The parts of an administration page's list of actions: one action with its explanation, and the second,
 * explicit click an irreversible one asks for (a person signed out, a partner's system cut off).
 */
export function ActionItem({
  hint,
  lead,
  children,
  narrow = false,
}: {
  hint: string;
  lead?: string;
  children: ReactNode;
  /** At most 42 rem wide (a form beside a long page). */
  narrow?: boolean;
}) {
  return (
    <div className={`space-y-2 border-t border-slate-300 pt-4 ${narrow ? 'max-w-2xl' : ''}`}>
      {lead && <p className="font-semibold">{lead}</p>}
      <p className="max-w-prose text-sm text-slate-700">{hint}</p>
      {children}
    </div>
  );
}

/** A second, explicit click for an action that cannot be taken back. */
export function Confirm({
  question,
  yes,
  no,
  busy,
  onYes,
  onNo,
}: {
  question: string;
  yes: string;
  no: string;
  busy: boolean;
  onYes: () => void;
  onNo: () => void;
}) {
  return (
    <div role="group" aria-label={question} className="space-y-2 rounded-md border border-red-700 bg-red-50 p-3">
      <p className="font-semibold text-red-900">{question}</p>
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="button" disabled={busy} onClick={onYes} autoFocus>
          {yes}
        </Button>
        <Button type="button" variant="secondary" onClick={onNo}>
          {no}
        </Button>
      </div>
    </div>
  );
}
