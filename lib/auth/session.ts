import 'server-only';

import { getServerSession } from 'next-auth';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';

import { recordAudit } from '@/lib/audit/record';
import { authOptions } from '@/lib/auth/options';
import { validateSession, type Actor, type ValidSession } from '@/lib/auth/sessions';
import { can, type Permission } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import { failure, success, type ActionResult } from '@/lib/result';

export type { Actor } from '@/lib/auth/sessions';

type SessionClaims = { uid?: unknown; sv?: unknown; sid?: unknown };

/**
 * The signed-in user, or null. The token only names the user and the server-side session; the role, the
 * scope, whether the account may still act and whether the session is still valid (revoked, expired,
 * idle) come from the database on every request. Cached per request.
 */
export const getSession = cache(async (): Promise<ValidSession | null> => {
  const claims = (await getServerSession(authOptions())) as SessionClaims | null;
  if (typeof claims?.uid !== 'string' || typeof claims.sv !== 'number' || typeof claims.sid !== 'string') return null;
  return validateSession({ uid: claims.uid, sv: claims.sv, sid: claims.sid });
});

export async function getActor(): Promise<Actor | null> {
  return (await getSession())?.user ?? null;
}

async function auditDenied(actor: Actor | null, permission: Permission): Promise<void> {
  await recordAudit(db(), {
    actorId: actor?.id ?? null,
    actorRole: actor?.role ?? null,
    action: 'ACCESS_DENIED',
    details: { permission },
  });
}

/** For pages and layouts: the actor, or a redirect to sign-in. */
export async function requireUser(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/anmelden');
  return actor;
}

/** For pages: the actor holding `permission`. Anyone else sees "not found", and the denial is audited. */
export async function requirePermission(permission: Permission): Promise<Actor> {
  const actor = await requireUser();
  if (!can(actor.role, permission)) {
    await auditDenied(actor, permission);
    notFound();
  }
  return actor;
}

/** For server actions and route handlers: never throws or redirects, returns a failure instead. */
export async function authorizeAction(permission: Permission): Promise<ActionResult<Actor>> {
  const actor = await getActor();
  if (!actor || !can(actor.role, permission)) {
    await auditDenied(actor, permission);
    return actor
      ? failure('FORBIDDEN', 'errors.codes.FORBIDDEN')
      : failure('UNAUTHENTICATED', 'errors.codes.UNAUTHENTICATED');
  }
  return success(actor);
}
