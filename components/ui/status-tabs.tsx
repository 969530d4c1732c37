'use client';

import { useEffect, useRef } from 'react';

/**
 * Views of a list by status, as tabs: one scrolling row on a phone (so that the first rows show on the first
 * screen), scrolled so that the current tab is in view, each with its count and, in red, how many of them are
 * overdue.
 */
export function StatusTabs({
  label,
  tabs,
  testId,
}: {
  label: string;
  tabs: {
    key: string;
    href: string;
    text: string;
    current: boolean;
    count?: { total: number; overdue: number; overdueText: string } | null;
  }[];
  testId: string;
}) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const row = list.current;
    const current = row?.querySelector<HTMLElement>('[aria-current="page"]');
    // Only the row scrolls, never the page; nothing to do where the tabs wrap (no overflow).
    if (row && current) row.scrollLeft = Math.max(0, current.offsetLeft - row.offsetLeft - 16);
  }, []);
  return (
    <nav aria-label={label}>
      <ul
        ref={list}
        className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1 sm:mx-0 sm:flex-wrap sm:px-0"
        data-testid={testId}
      >
        {tabs.map((tab) => (
          <li key={tab.key}>
            <a
              href={tab.href}
              aria-current={tab.current ? 'page' : undefined}
              className={`inline-flex min-h-11 items-center gap-2 rounded-md border px-3 text-sm font-semibold whitespace-nowrap ${
                tab.current ? 'border-brand-700 bg-brand-700 text-white' : 'border-slate-400 bg-white text-slate-900'
              }`}
            >
              {tab.text}
              {tab.count && (
                <span data-testid={`count-${tab.key}`}>
                  {tab.count.total}
                  {tab.count.overdue > 0 && (
                    <span className={tab.current ? 'text-white' : 'text-red-800'}> {tab.count.overdueText}</span>
                  )}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
