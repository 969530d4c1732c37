import { endCurrentSession } from '@/lib/auth/sign-out';
import { isTrustedOrigin } from '@/lib/security/origin';

export const dynamic = 'force-dynamic';

/**
 * Signing out: a plain form posts here (components/app-shell/sign-out-button.tsx). A route of its own rather
 * than a server action, so that it works the same before the page's JavaScript has loaded, while it loads
 * and after, from any page: a server action posted natively goes to the address the browser shows, and
 * during a client-side navigation that may still be the previous page, which does not know the action.
 * Public, because any session may end itself, also one still waiting for its second factor; a request from
 * another site is refused (cross-site request forgery would sign people out).
 */
export async function POST() {
  if (!(await isTrustedOrigin())) return new Response(null, { status: 403 });
  await endCurrentSession();
  return new Response(null, { status: 303, headers: { Location: '/anmelden', 'Cache-Control': 'no-store' } });
}
