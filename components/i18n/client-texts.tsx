'use client';

import { createContext, use, useMemo, type ReactNode } from 'react';

import type { ClientTexts } from '@/lib/i18n/client-texts';

const TextsContext = createContext<ClientTexts>({});

/** Makes server-translated texts (lib/i18n/client-texts.ts) available below; adds to those of a parent. */
export function ClientTextsProvider({ texts, children }: { texts: ClientTexts; children: ReactNode }) {
  const parent = use(TextsContext);
  const merged = useMemo(() => ({ ...parent, ...texts }), [parent, texts]);
  return <TextsContext value={merged}>{children}</TextsContext>;
}

/**
 * Looks a text up by its full key, else the `fallback` key's text. A key missing from both shows the key
 * itself, which tests notice.
 */
export function useText(): (key: string, fallback?: string) => string {
  const texts = use(TextsContext);
  return (key, fallback) => texts[key] ?? (fallback === undefined ? undefined : texts[fallback]) ?? key;
}
