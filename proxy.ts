import { NextResponse, type NextRequest } from 'next/server';

import { env } from '@/lib/env';
import { contentSecurityPolicy, createNonce } from '@/lib/security/headers';

/**
 * Two jobs, neither of them authorisation: sets the per-request Content-Security-Policy nonce (Next.js
 * reads it from the request header and puts it on its own scripts), and redirects visitors without a
 * session cookie to the sign-in page. It checks no signature, role or database and is never the security
 * boundary (CVE-2025-29927): every page, action and route handler authorises itself.
 */
const PUBLIC_PATHS = ['/anmelden', '/abmelden', '/api/auth', '/api/health'];
/** Development tools (the kept mails, app/entwicklung/post): public outside production, absent in it. */
const DEVELOPMENT_PATHS = ['/entwicklung'];
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const publicPaths = env().NODE_ENV === 'production' ? PUBLIC_PATHS : [...PUBLIC_PATHS, ...DEVELOPMENT_PATHS];
  const isPublic = publicPaths.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const hasSessionCookie = SESSION_COOKIES.some((name) => request.cookies.has(name));
  const csp = contentSecurityPolicy(createNonce(), { development: env().NODE_ENV === 'development' });

  if (!isPublic && !hasSessionCookie) {
    const url = request.nextUrl.clone();
    url.pathname = '/anmelden';
    url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    const redirect = NextResponse.redirect(url);
    redirect.headers.set('Content-Security-Policy', csp);
    return redirect;
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

// Static files are public: without a session cookie the icons would otherwise be redirected to /anmelden.
// Server-action calls (the `Next-Action` header) answer with data, not a page: no CSP nonce to set, nothing
// to redirect, and the action authorises itself; skipping them saves work on every form submission.
export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)',
      missing: [{ type: 'header', key: 'next-action' }],
    },
  ],
};
