/**
 * Authorisation matrix for pages and route handlers: every page under app/ × anonymous, every role and a
 * session still waiting for its second factor; every route handler × anonymous and a forged request. A
 * page or handler without a row fails the test. Denied pages look exactly like missing ones (404);
 * anonymous visitors are sent to sign-in, half signed-in ones to the second-factor step. Also: disabling
 * an account or changing its role takes effect on the very next request.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';

import { filesInApp, queryDb, signIn, signInAs, signInWithPassword, uniqueCaseNumber } from './support/fixtures';
import { fillRequiredReferral, submitWithPreview } from './support/referral-form';

type Outcome = 'ok' | 'not-found';
const ROLE_ACCOUNTS = {
  OFFICER: 'officer@polizei.example',
  SUPERVISOR: 'supervisor@polizei.example',
  ADMIN: 'admin@polizei.example',
  PARTNER: 'biss@partner.example',
  AUDITOR: 'auditor@polizei.example',
} as const;
type Role = keyof typeof ROLE_ACCOUNTS;

const everyone: Record<Role, Outcome> = { OFFICER: 'ok', SUPERVISOR: 'ok', ADMIN: 'ok', PARTNER: 'ok', AUDITOR: 'ok' };
const partnersOnly: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'not-found',
  ADMIN: 'not-found',
  PARTNER: 'ok',
  AUDITOR: 'not-found',
};
const officersOnly: Record<Role, Outcome> = {
  OFFICER: 'ok',
  SUPERVISOR: 'not-found',
  ADMIN: 'not-found',
  PARTNER: 'not-found',
  AUDITOR: 'not-found',
};

const adminsOnly: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'not-found',
  ADMIN: 'ok',
  PARTNER: 'not-found',
  AUDITOR: 'not-found',
};

const supervisorsOnly: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'ok',
  ADMIN: 'not-found',
  PARTNER: 'not-found',
  AUDITOR: 'not-found',
};

/**
 * Signed-in pages; /anmelden is public and redirects signed-in users home; the second-factor step
 * (SIGN_IN_STEP) needs a session that has passed the password and sends complete sessions on.
 */
const PAGES: Record<string, Record<Role, Outcome> | 'PUBLIC' | 'SIGN_IN_STEP'> = {
  '/anmelden': 'PUBLIC',
  '/anmelden/zweiter-faktor': 'SIGN_IN_STEP',
  '/': everyone,
  '/konto': everyone,
  '/vermittlungen': officersOnly,
  '/vermittlungen/neu': officersOnly,
  // Visited with a referral the demo officer filed (beforeAll): another officer's is "not found" too.
  '/vermittlungen/[id]': officersOnly,
  '/vermittlungen/[id]/korrigieren': officersOnly,
  // User administration: ADMIN only (users:manage).
  '/verwaltung/benutzer': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  '/verwaltung/benutzer/neu': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  // Visited with the id of a real account (the demo officer's).
  '/verwaltung/benutzer/[id]': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  // Public like /anmelden: the one-time link (its token in the fragment) is the proof; without one, the invalid-link message.
  '/anmelden/passwort': 'PUBLIC',
  // Partner and routing administration: ADMIN only (partners:manage, routing:manage).
  '/verwaltung/partner': adminsOnly,
  '/verwaltung/partner/neu': adminsOnly,
  '/verwaltung/partner/[id]': adminsOnly,
  '/verwaltung/zustaendigkeit': adminsOnly,
  '/verwaltung/zustaendigkeit/aendern': adminsOnly,
  '/verwaltung/zustaendigkeit/[id]': adminsOnly,
  '/verwaltung/abdeckung': adminsOnly,
  '/verwaltung/dienststellen': adminsOnly,
  // The review queue and its referrals: supervisors of the referral's scope (review:read); the demo
  // supervisor's inspection holds the demo officer's station. Another inspection's supervisor: see below.
  '/pruefung': supervisorsOnly,
  '/pruefung/[id]': supervisorsOnly,
  // The partner's inbox and its deliveries: caseworkers of the delivery's partner (inbox:read); the demo
  // caseworker works for the BISS Region Hannover, which receives the delivery made below.
  '/eingang': partnersOnly,
  '/eingang/[id]': partnersOnly,
  // "Wer ist zuständig?": admins, and supervisors read-only (routing:read).
  '/wer-ist-zustaendig': {
    OFFICER: 'not-found',
    SUPERVISOR: 'ok',
    ADMIN: 'ok',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
  // The kept development mails: a development tool that the production build serves to nobody.
  '/entwicklung/post': {
    OFFICER: 'not-found',
    SUPERVISOR: 'not-found',
    ADMIN: 'not-found',
    PARTNER: 'not-found',
    AUDITOR: 'not-found',
  },
};

/** The URL to visit for a page: dynamic segments filled with something real (looked up once per route). */
const urls = new Map<string, string>();
async function urlOf(route: string): Promise<string> {
  if (!route.includes('[id]')) return route;
  const known = urls.get(route);
  if (known) return known;
  const [row] = route.startsWith('/verwaltung/partner/')
    ? await queryDb<{ id: string }>(`SELECT id FROM "Partner" WHERE code = 'MB-H'`)
    : route.startsWith('/verwaltung/zustaendigkeit/')
      ? await queryDb<{ id: string }>(`SELECT id FROM "Municipality" WHERE name = 'Sehnde'`)
      : route.startsWith('/eingang/')
        ? await queryDb<{ id: string }>(
            `SELECT t.id FROM "ReferralTrack" t JOIN "Partner" p ON p.id = t."partnerId"
              WHERE p.code = 'BISS-REGION' AND t."dispatchedAt" IS NOT NULL LIMIT 1`,
          )
        : route.startsWith('/vermittlungen/') || route.startsWith('/pruefung/')
          ? await queryDb<{ id: string }>(
              `SELECT r.id FROM "Referral" r JOIN "User" u ON u.id = r."createdById"
              WHERE u.email = $1 AND r.status = 'SUBMITTED' LIMIT 1`,
              [ROLE_ACCOUNTS.OFFICER],
            )
          : await queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [ROLE_ACCOUNTS.OFFICER]);
  const url = route.replace('[id]', row!.id);
  urls.set(route, url);
  return url;
}

/**
 * Where a visit to the page ends, asked with an HTTP request that carries the browser context's cookies
 * (`page.request`) or none (`request`): a GET that follows redirects as a navigation does, then the path it
 * ended on and the status. The outcome is decided by the status and the redirects alone, so a real browser
 * adds nothing here but 0.3–0.5 s of rendering per page; the journeys and headers.spec.ts load the pages in
 * Chromium. A redirect that Next.js could only send inside the streamed page (a refresh meta tag, as the
 * browser would follow it) counts as a redirect too, so nothing a browser would leave passes for "ok".
 */
async function outcomeOf(
  request: APIRequestContext,
  route: string,
): Promise<Outcome | 'sign-in' | 'second-factor' | `status ${number}` | `ended on ${string}`> {
  const url = await urlOf(route);
  const response = await request.get(url);
  const refresh = /<meta[^>]*http-equiv="refresh"[^>]*content="\d+;\s*url=([^"]+)"/i.exec(await response.text());
  const landed = new URL(refresh ? refresh[1]!.replaceAll('&amp;', '&') : response.url(), response.url()).pathname;
  if (landed !== url && landed === '/anmelden') return 'sign-in';
  if (landed !== url && landed === '/anmelden/zweiter-faktor') return 'second-factor';
  if (landed !== url) return `ended on ${landed}`;
  if (response.status() === 404) return 'not-found';
  return response.status() === 200 ? 'ok' : `status ${response.status()}`;
}

test.beforeAll(async ({ browser }) => {
  // A referral of the demo officer's own, for the pages that show one.
  const page = await browser.newPage();
  await signInAs(page, ROLE_ACCOUNTS.OFFICER);
  await page.goto('/vermittlungen/neu');
  await fillRequiredReferral(page, {
    municipality: 'Garbsen',
    gender: 'weiblich',
    caseNumber: uniqueCaseNumber(),
    firstName: 'Matrix',
    lastName: 'Probe',
    phone: '0511 1112233',
  });
  await submitWithPreview(page);
  await expect(page.getByTestId('submit-success')).toBeVisible();
  // A second one, delivered to the BISS Region Hannover (its review and dispatch are other specs' subject:
  // here it is put there directly), for the partner's pages.
  await page.goto('/vermittlungen/neu');
  await fillRequiredReferral(page, {
    municipality: 'Garbsen',
    gender: 'weiblich',
    caseNumber: uniqueCaseNumber(),
    firstName: 'Matrix',
    lastName: 'Eingang',
    phone: '0511 1112234',
  });
  await submitWithPreview(page);
  await expect(page.getByTestId('submit-success')).toBeVisible();
  await queryDb(
    `WITH r AS (UPDATE "Referral" SET status = 'DISPATCHED', "approvedAt" = now()
                 WHERE id = (SELECT r.id FROM "Referral" r JOIN "User" u ON u.id = r."createdById"
                              WHERE u.email = $1 ORDER BY r."submittedAt" DESC LIMIT 1)
                RETURNING id)
     UPDATE "ReferralTrack" SET status = 'DISPATCHED', "dispatchedAt" = now() WHERE "referralId" IN (SELECT id FROM r)`,
    [ROLE_ACCOUNTS.OFFICER],
  );
  await page.close();
});

test('a referral that is not the officer’s own, or none at all, is "not found"', async ({ page }) => {
  await signInAs(page, ROLE_ACCOUNTS.OFFICER);
  for (const id of ['0199a7a2-0000-7000-8000-000000000000', 'not-a-uuid', '%00']) {
    expect((await page.request.get(`/vermittlungen/${id}`)).status(), id).toBe(404);
    expect((await page.request.get(`/vermittlungen/${id}/korrigieren`)).status(), id).toBe(404);
  }
});

test('a supervisor of another inspection finds the referral "not found", like one that does not exist', async ({
  page,
}) => {
  await signIn(page, 'supervisor.hannover@polizei.example');
  const own = await urlOf('/pruefung/[id]');
  for (const url of [own, '/pruefung/0199a7a2-0000-7000-8000-000000000000', '/pruefung/not-a-uuid']) {
    expect((await page.goto(url))?.status(), url).toBe(404);
  }
  await page.goto('/pruefung');
  await expect(page.locator(`a[href="${own}"]`)).toHaveCount(0);
});

test('every page has a row in the matrix', () => {
  expect(filesInApp('page.tsx').sort()).toEqual(Object.keys(PAGES).sort());
});

/**
 * Route handlers. The health check only reads; next-auth's own handler protects its state-changing POSTs
 * (sign-in, sign-out) with a double-submit CSRF token; our sign-out (POST only) checks the Origin.
 */
const ROUTES: Record<string, { probe: string; anonymous: number }> = {
  '/api/health': { probe: '/api/health', anonymous: 200 },
  '/api/auth/[...nextauth]': { probe: '/api/auth/session', anonymous: 200 },
  '/abmelden': { probe: '/abmelden', anonymous: 405 },
};

test('every route handler has a row, answers anonymous callers as listed and refuses other methods', async ({
  request,
}) => {
  expect(filesInApp('route.ts').sort()).toEqual(Object.keys(ROUTES).sort());
  for (const { probe, anonymous } of Object.values(ROUTES)) {
    expect((await request.get(probe)).status(), probe).toBe(anonymous);
  }
  expect((await request.post('/api/health')).status()).toBe(405);
  // The anonymous session endpoint reveals nothing.
  expect(await (await request.get('/api/auth/session')).json()).toEqual({});
});

test('a sign-out forged from another site is refused (next-auth: no CSRF token; ours: wrong Origin)', async ({
  page,
  request,
}) => {
  const revokedSessions = async () =>
    (
      await queryDb<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Session" s JOIN "User" u ON u.id = s."userId"
         WHERE u.email = $1 AND s."revokedAt" IS NOT NULL`,
        [ROLE_ACCOUNTS.OFFICER],
      )
    )[0]!.n;
  await signIn(page, ROLE_ACCOUNTS.OFFICER);
  const before = await revokedSessions();
  const cookies = await page.context().cookies();
  const forged = await request.post('/api/auth/signout', {
    headers: {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      origin: 'https://evil.example',
    },
    form: { callbackUrl: '/' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBeGreaterThanOrEqual(300);
  const forgedOwn = await request.post('/abmelden', {
    headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '), origin: 'https://evil.example' },
    maxRedirects: 0,
  });
  expect(forgedOwn.status()).toBe(403);
  // The session was not ended: the officer still works.
  expect(await outcomeOf(page.request, '/vermittlungen/neu')).toBe('ok');
  expect(await revokedSessions()).toBe(before);
});

test('anonymous visitors reach only the sign-in page', async ({ request }) => {
  for (const [url, row] of Object.entries(PAGES)) {
    expect(await outcomeOf(request, url), url).toBe(row === 'PUBLIC' ? 'ok' : 'sign-in');
  }
});

test('a session waiting for its second factor reaches only that step', async ({ page }) => {
  await signInWithPassword(page, ROLE_ACCOUNTS.ADMIN);
  for (const [url, row] of Object.entries(PAGES)) {
    expect(await outcomeOf(page.request, url), url).toBe(
      row === 'PUBLIC' || row === 'SIGN_IN_STEP' ? 'ok' : 'second-factor',
    );
  }
});

async function deniedEventsOf(email: string): Promise<number> {
  const [row] = await queryDb<{ n: number }>(
    `SELECT count(*)::int AS n FROM "AuditEvent" a JOIN "User" u ON u.id = a."actorId"
     WHERE u.email = $1 AND a.action = 'ACCESS_DENIED'`,
    [email],
  );
  return row!.n;
}

for (const [role, email] of Object.entries(ROLE_ACCOUNTS) as [Role, string][]) {
  test(`${role} sees exactly the pages of the role, and every refusal is audited`, async ({ page }) => {
    await signInAs(page, email);
    for (const [url, row] of Object.entries(PAGES)) {
      if (typeof row === 'string') continue;
      const before = await deniedEventsOf(email);
      expect(await outcomeOf(page.request, url), `${role} ${url}`).toBe(row[role]);
      expect(await deniedEventsOf(email), `audit of ${role} ${url}`).toBe(before + (row[role] === 'not-found' ? 1 : 0));
    }
  });
}

test.describe('changes to an account take effect on the next request', () => {
  const email = 'e2e-wechsel@polizei.example';

  test.beforeEach(async () => {
    // A copy of the demo officer (same password hash), so the demo accounts stay untouched.
    await queryDb(`DELETE FROM "User" WHERE email = $1`, [email]);
    await queryDb(
      `INSERT INTO "User" (id, email, "displayName", "passwordHash", role, "stationId")
       SELECT gen_random_uuid(), $1, 'Wechsel (E2E)', "passwordHash", role, "stationId" FROM "User" WHERE email = 'officer@polizei.example'`,
      [email],
    );
  });

  test('a disabled account is signed out at once', async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByRole('link', { name: 'Neue Vermittlung' }).first()).toBeVisible();
    await queryDb(`UPDATE "User" SET active = false WHERE email = $1`, [email]);
    await page.goto('/vermittlungen');
    await expect(page).toHaveURL(/\/anmelden/);
  });

  test('a changed role applies at once', async ({ page }) => {
    await signIn(page, email);
    expect(await outcomeOf(page.request, '/vermittlungen/neu')).toBe('ok');
    // Auditors need a second factor, which this session has not passed: it may go no further than that.
    await queryDb(`UPDATE "User" SET role = 'AUDITOR' WHERE email = $1`, [email]);
    expect(await outcomeOf(page.request, '/vermittlungen/neu')).toBe('second-factor');
  });
});

test('the interface switches to English and back', async ({ page }) => {
  await page.goto('/anmelden');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await expect(page.getByRole('heading', { name: 'Anmelden' })).toBeVisible();
});
