/**
 * Authorisation matrix for pages and route handlers: every page under app/ × anonymous, every role and a
 * session still waiting for its second factor; every route handler × anonymous and a forged request. A
 * page or handler without a row fails the test. Denied pages look exactly like missing ones (404);
 * anonymous visitors are sent to sign-in, half signed-in ones to the second-factor step. Also: disabling
 * an account or changing its role takes effect on the very next request.
 *
 * It is also the audit trail's coverage test for pages (DESIGN.md section 7): every page declares what a visit
 * leaves, and each visit of an allowed role must leave exactly that, so a page that shows an affected person's
 * data without recording the consultation fails here.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';

import type { AuditAction } from '@/lib/audit/record';

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

const statisticsReaders: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'ok',
  ADMIN: 'ok',
  PARTNER: 'not-found',
  AUDITOR: 'ok',
};
const auditorsOnly: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'not-found',
  ADMIN: 'not-found',
  PARTNER: 'not-found',
  AUDITOR: 'ok',
};

const supervisorsOnly: Record<Role, Outcome> = {
  OFFICER: 'not-found',
  SUPERVISOR: 'ok',
  ADMIN: 'not-found',
  PARTNER: 'not-found',
  AUDITOR: 'not-found',
};

/**
 * What a page leaves in the audit trail (DESIGN.md section 7). Required for every page, so that none is
 * forgotten: `visit`, the consultation that each visit of an allowed role leaves (the page shows an affected
 * person's data); `signIn`, what the page's form leaves when someone signs in through it; or `none`, with the
 * reason the page shows no affected person's data. Every visit is checked to leave exactly what is declared.
 */
type PageAudit = { visit: AuditAction } | { signIn: AuditAction } | { none: string };

/** Staff accounts are not affected persons; changing them is audited by the administration's actions. */
const STAFF_ONLY = 'staff accounts only (colleagues’ names and addresses), no affected person';
const ADMINISTRATION = 'reference data (partners, routing rules and their history, stations), no affected person';

/**
 * Who may see each page and what seeing it leaves. Signed-in pages; /anmelden is public and redirects
 * signed-in users home; the second-factor step (SIGN_IN_STEP) needs a session that has passed the password
 * and sends complete sessions on.
 */
const PAGES: Record<string, { access: Record<Role, Outcome> | 'PUBLIC' | 'SIGN_IN_STEP'; audit: PageAudit }> = {
  '/anmelden': { access: 'PUBLIC', audit: { signIn: 'SIGN_IN_SUCCEEDED' } },
  '/anmelden/zweiter-faktor': { access: 'SIGN_IN_STEP', audit: { signIn: 'SECOND_FACTOR_VERIFIED' } },
  '/': { access: everyone, audit: { none: 'counts and coverage gaps per role, no person' } },
  '/konto': { access: everyone, audit: { none: 'the signed-in person’s own account' } },
  // Names of the victims: the demo officer's newest referrals (beforeAll) are on the first page.
  '/vermittlungen': { access: officersOnly, audit: { visit: 'REFERRAL_LIST_VIEWED' } },
  '/vermittlungen/neu': {
    access: officersOnly,
    audit: { none: 'the empty form, with municipalities, partners and routing rules' },
  },
  // Visited with a referral the demo officer filed (beforeAll): another officer's is "not found" too.
  '/vermittlungen/[id]': { access: officersOnly, audit: { visit: 'REFERRAL_VIEWED' } },
  '/vermittlungen/[id]/korrigieren': { access: officersOnly, audit: { visit: 'REFERRAL_VIEWED' } },
  // User administration: ADMIN only (users:manage).
  '/verwaltung/benutzer': { access: adminsOnly, audit: { none: STAFF_ONLY } },
  '/verwaltung/benutzer/neu': { access: adminsOnly, audit: { none: 'the empty form for a new account' } },
  // Visited with the id of a real account (the demo officer's).
  '/verwaltung/benutzer/[id]': { access: adminsOnly, audit: { none: STAFF_ONLY } },
  // Public like /anmelden: the one-time link (its token in the fragment) is the proof; without one, the invalid-link
  // message. Setting the password through it is PASSWORD_SET (tests/integration/authorization-matrix.test.ts).
  '/anmelden/passwort': {
    access: 'PUBLIC',
    audit: { none: 'the link holder’s own account address, read in the browser through a server action' },
  },
  // Partner and routing administration: ADMIN only (partners:manage, routing:manage).
  '/verwaltung/partner': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/partner/neu': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/partner/[id]': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/zustaendigkeit': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/zustaendigkeit/aendern': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/zustaendigkeit/[id]': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/abdeckung': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/verwaltung/dienststellen': { access: adminsOnly, audit: { none: ADMINISTRATION } },
  '/statistik': {
    access: statisticsReaders,
    audit: { none: 'pseudonymous aggregates with small cells suppressed (ADR 0014), no person and no referral' },
  },
  '/verwaltung/aufbewahrung': {
    access: adminsOnly,
    audit: { none: 'retention periods, counts of runs and erasures, encryption key ids and dates; no person' },
  },
  // The review queue and its referrals: supervisors of the referral's scope (review:read); the demo
  // supervisor's inspection holds the demo officer's station. Another inspection's supervisor: see below.
  '/pruefung': {
    access: supervisorsOnly,
    audit: { none: 'the queue names no affected person (lib/review/dto.ts): place, station, officer, partners, times' },
  },
  '/pruefung/[id]': { access: supervisorsOnly, audit: { visit: 'REFERRAL_VIEWED' } },
  // The auditor's workspace (audit:read): each search and each trace is itself an event.
  '/protokoll': { access: auditorsOnly, audit: { visit: 'AUDIT_SEARCHED' } },
  '/protokoll/vermittlung': {
    access: auditorsOnly,
    audit: { none: 'a form for a Vorgangsnummer; the look-up is an action and audited there' },
  },
  '/protokoll/vermittlung/[id]': { access: auditorsOnly, audit: { visit: 'AUDIT_REFERRAL_TRACED' } },
  '/protokoll/integritaet': { access: auditorsOnly, audit: { none: "the chain's positions and hashes, no person" } },
  '/verwaltung/notfallzugriffe': {
    access: adminsOnly,
    audit: { none: "auditors' break-glass entries (who, when, why), nothing of a referral's contents" },
  },
  // The partner's inbox and its deliveries: caseworkers of the delivery's partner (inbox:read); the demo
  // caseworker works for the BISS Region Hannover, which receives the delivery made below, so its default view
  // ("new") shows a name.
  '/eingang': { access: partnersOnly, audit: { visit: 'REFERRAL_LIST_VIEWED' } },
  '/eingang/[id]': { access: partnersOnly, audit: { visit: 'REFERRAL_VIEWED' } },
  // "Wer ist zuständig?": admins, and supervisors read-only (routing:read).
  '/wer-ist-zustaendig': {
    access: {
      OFFICER: 'not-found',
      SUPERVISOR: 'ok',
      ADMIN: 'ok',
      PARTNER: 'not-found',
      AUDITOR: 'not-found',
    },
    audit: { none: ADMINISTRATION },
  },
  // The kept development mails: a development tool that the production build serves to nobody.
  '/entwicklung/post': {
    access: {
      OFFICER: 'not-found',
      SUPERVISOR: 'not-found',
      ADMIN: 'not-found',
      PARTNER: 'not-found',
      AUDITOR: 'not-found',
    },
    audit: { none: 'a partner notice holds no personal data by construction (lib/mail/partner-notice.ts)' },
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
        : route.startsWith('/vermittlungen/') || route.startsWith('/pruefung/') || route.startsWith('/protokoll/')
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

test('every row declares what a visit leaves in the audit trail', () => {
  for (const [url, { audit }] of Object.entries(PAGES)) {
    // Playwright does not type-check: a row may come without a declaration, or with an empty reason.
    const declared = audit as { visit?: unknown; signIn?: unknown; none?: unknown } | undefined;
    const given = [declared?.visit, declared?.signIn, declared?.none].filter((v) => typeof v === 'string' && v.trim());
    expect(given, `${url}: what a visit leaves in the audit trail`).toHaveLength(1);
  }
});

/** The newest audit event's position: what a visit leaves comes after it. */
async function lastEventId(): Promise<string> {
  const [row] = await queryDb<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM "AuditEvent"`);
  return row!.id;
}

/** The actions of the account's audit events after the position `after`, sorted. */
async function actionsOf(email: string, after: string): Promise<string[]> {
  const rows = await queryDb<{ action: string }>(
    `SELECT a.action FROM "AuditEvent" a JOIN "User" u ON u.id = a."actorId"
      WHERE u.email = $1 AND a.id > $2::bigint`,
    [email, after],
  );
  return rows.map((r) => r.action).sort();
}

test('signing in through the sign-in pages leaves what their rows declare', async ({ page }) => {
  const before = await lastEventId();
  // The demo admin owes a second factor: both pages, the password and then the code.
  await signIn(page, ROLE_ACCOUNTS.ADMIN);
  const declared = Object.values(PAGES).flatMap(({ audit }) => ('signIn' in audit ? [audit.signIn] : []));
  expect(await actionsOf(ROLE_ACCOUNTS.ADMIN, before)).toEqual(declared.sort());
});

/**
 * Route handlers. The health check only reads; next-auth's own handler protects its state-changing POSTs
 * (sign-in, sign-out) with a double-submit CSRF token; our sign-out (POST only) checks the Origin.
 */
const ROUTES: Record<string, { probe: string; anonymous: number }> = {
  '/api/health': { probe: '/api/health', anonymous: 200 },
  '/api/auth/[...nextauth]': { probe: '/api/auth/session', anonymous: 200 },
  '/abmelden': { probe: '/abmelden', anonymous: 405 },
  // POST only (the search page's export form); without a session the proxy sends everyone to sign-in first.
  // Signed-in callers without audit:read: audit.spec.ts.
  '/protokoll/export': { probe: '/protokoll/export', anonymous: 200 },
  // The statistics' CSV (GET, aggregates only); callers without statistics:read get 404 (statistics.spec.ts).
  '/statistik/export': { probe: '/statistik/export', anonymous: 200 },
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
  for (const [url, { access }] of Object.entries(PAGES)) {
    expect(await outcomeOf(request, url), url).toBe(access === 'PUBLIC' ? 'ok' : 'sign-in');
  }
});

test('a session waiting for its second factor reaches only that step', async ({ page }) => {
  await signInWithPassword(page, ROLE_ACCOUNTS.ADMIN);
  for (const [url, { access }] of Object.entries(PAGES)) {
    expect(await outcomeOf(page.request, url), url).toBe(
      access === 'PUBLIC' || access === 'SIGN_IN_STEP' ? 'ok' : 'second-factor',
    );
  }
});

for (const [role, email] of Object.entries(ROLE_ACCOUNTS) as [Role, string][]) {
  test(`${role} sees exactly the pages of the role; each visit leaves its page's event, each refusal its own`, async ({
    page,
  }) => {
    await signInAs(page, email);
    for (const [url, { access, audit }] of Object.entries(PAGES)) {
      if (typeof access === 'string') continue;
      const before = await lastEventId();
      expect(await outcomeOf(page.request, url), `${role} ${url}`).toBe(access[role]);
      expect(await actionsOf(email, before), `audit of ${role} ${url}`).toEqual(
        access[role] === 'not-found' ? ['ACCESS_DENIED'] : 'visit' in audit ? [audit.visit] : [],
      );
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
