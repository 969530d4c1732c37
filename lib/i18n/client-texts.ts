import 'server-only';

import { getMessages } from 'next-intl/server';

/** Finished texts by full key ("referralForm.title"), for client components that do not load next-intl. */
export type ClientTexts = Record<string, string>;

/**
 * The texts of whole namespaces, translated on the server for client components on routes with a tight
 * JavaScript budget (the officer's form): the browser then looks texts up instead of loading a message
 * formatter. Only texts without arguments are included; such a component shows variable parts (a
 * partner's name, an error id) next to the text instead of inside it.
 */
export async function clientTexts(...namespaces: string[]): Promise<ClientTexts> {
  const messages = (await getMessages()) as Record<string, unknown>;
  const texts: ClientTexts = {};
  const collect = (prefix: string, value: unknown) => {
    // Compiled at build time (next-intl's precompile), a text without arguments is a plain string.
    if (typeof value === 'string') {
      if (!value.includes('{')) texts[prefix] = value;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) collect(`${prefix}.${key}`, child);
    }
  };
  for (const namespace of namespaces) collect(namespace, messages[namespace]);
  return texts;
}
