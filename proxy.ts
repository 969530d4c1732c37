import { NextResponse, type NextRequest } from 'next/server';

/**
 * Redirects visitors without a session cookie to the sign-in page. Convenience only: it checks no
 * signature, role or database, and is never the security boundary (CVE-2025-29927). Every page, action
 * and route handler authorises itself.
 */
const PUBLIC_PATHS = ['/anmelden', '/api/auth', '/api/health'];
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return NextResponse.next();
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/anmelden';
  url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
