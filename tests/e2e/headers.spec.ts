import { expect, test, type Page } from '@playwright/test';

import { filesInApp, signIn } from './support/fixtures';

/** Every page of the app (dynamic segments filled with placeholders) and a missing one. */
const PAGES = [...filesInApp('page.tsx').map((route) => route.replaceAll(/\[[^\]]+\]/g, 'beispiel')), '/gibt-es-nicht'];

function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text()))
      violations.push(message.text());
  });
  return violations;
}

function expectHardenedHeaders(headers: Record<string, string>) {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'(;|$)/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-powered-by']).toBeUndefined();
}

test('every page is served with the security headers and a fresh CSP nonce, and runs under it', async ({ page }) => {
  const violations = collectCspViolations(page);
  const signInResponse = await page.goto('/anmelden');
  expectHardenedHeaders(signInResponse!.headers());
  await signIn(page, 'officer@polizei.example');

  const nonces = new Set<string>();
  for (const path of PAGES) {
    const response = await page.goto(path);
    const headers = response!.headers();
    expectHardenedHeaders(headers);
    nonces.add(/'nonce-([^']+)'/.exec(headers['content-security-policy']!)![1]!);
  }
  expect(nonces.size).toBe(PAGES.length);
  // The form is interactive under the policy: the client bundle ran.
  await page.goto('/vermittlungen/neu');
  await page.getByRole('radio', { name: 'Ja, Einwilligung liegt vor' }).check();
  await expect(page.getByLabel('Vorname')).toBeVisible();
  expect(violations).toEqual([]);
});

test('the session cookie is HttpOnly and SameSite=Lax', async ({ page, context }) => {
  await signIn(page, 'officer@polizei.example');
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'));
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
});

test('the health endpoint and redirects carry the headers too', async ({ request }) => {
  expectHardenedHeaders((await request.get('/api/health')).headers());
  const redirect = await request.get('/vermittlungen', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expectHardenedHeaders(redirect.headers());
});
