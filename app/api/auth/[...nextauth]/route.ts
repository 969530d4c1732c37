import NextAuth from 'next-auth';

import { authOptions } from '@/lib/auth/options';

// next-auth's own handler: sign-in (credentials), sign-out, CSRF token and session endpoints.
// Built per request so configuration is read at run time, not at build time.
type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: RouteContext) {
  return NextAuth(request as never, { params: await context.params } as never, authOptions());
}

export { handler as GET, handler as POST };
