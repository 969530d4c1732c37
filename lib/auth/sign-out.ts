import 'server-only';

import { getSession } from '@/lib/auth/guards';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/session-store';

/** Revokes the request's server-side session (audited) and removes its cookie; nothing to do without one. */
export async function endCurrentSession(): Promise<void> {
  const session = await getSession();
  if (session) await revokeSession(session.sessionId);
  await clearSessionCookie();
}
