/**
 * The request context a server action sees inside Next.js, for integration tests: the session the app
 * decodes from the cookie (set per test through tests/integration/support/request-context.ts) and the
 * German translator, and the request headers (same-origin unless a test says otherwise). Everything behind it (the account lookup, permissions, services, the database) is real.
 */
import type * as SessionCookie from '@/lib/auth/session-cookie';
import type * as NextHeaders from 'next/headers';
import type * as NextIntlServer from 'next-intl/server';
import { vi } from 'vitest';

vi.mock('@/lib/auth/session-cookie', async (importOriginal) => {
  const { currentSession } = await import('../support/request-context');
  return {
    ...(await importOriginal<typeof SessionCookie>()),
    readSessionCookie: async () => currentSession.value,
  };
});

vi.mock('next-intl/server', async (importOriginal) => {
  const { createFormatter, createTranslator } = await import('next-intl');
  const de = (await import('@/lib/i18n/messages/de.json')).default;
  return {
    ...(await importOriginal<typeof NextIntlServer>()),
    getTranslations: async (namespace?: string) =>
      createTranslator({ locale: 'de', messages: de, namespace: namespace as never }),
    getFormatter: async () => createFormatter({ locale: 'de', timeZone: 'Europe/Berlin' }),
  };
});

// A session cookie the app sets is what the browser sends with its next request: the test's session
// becomes the one the cookie names.
vi.mock('next/headers', async (importOriginal) => {
  const { currentCookies, currentHeaders, currentSession } = await import('../support/request-context');
  const { decode } = await import('next-auth/jwt');
  const { env } = await import('@/lib/env');
  const cookieStore = {
    get: (name: string) => (name in currentCookies.value ? { name, value: currentCookies.value[name] } : undefined),
    has: (name: string) =>
      name.endsWith('next-auth.session-token') ? currentSession.value !== null : name in currentCookies.value,
    set: async (name: string, value: string) => {
      if (!name.endsWith('next-auth.session-token')) {
        currentCookies.value[name] = value;
        return;
      }
      const claims = await decode({ token: value, secret: env().AUTH_SECRET });
      currentSession.value = claims as unknown as typeof currentSession.value;
    },
    delete: (options: string | { name: string }) => {
      const name = typeof options === 'string' ? options : options.name;
      if (name.endsWith('next-auth.session-token')) currentSession.value = null;
      delete currentCookies.value[name];
    },
  };
  return {
    ...(await importOriginal<typeof NextHeaders>()),
    headers: async () => new Headers(currentHeaders.value),
    cookies: async () => cookieStore,
  };
});
