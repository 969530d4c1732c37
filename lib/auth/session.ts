import 'server-only';

import { getServerSession } from 'next-auth';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';

import { recordAudit } from '@/lib/audit/record';
import { authOptions, SESSION_MAX_AGE_SECONDS } from '@/lib/auth/options';
import { can, type Permission } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import type { Role } from '@/lib/generated/prisma/client';
import { failure, success, type ActionResult } from '@/lib/result';

/** Who is acting, as read from the database for this request. Services take this, never cookies. */
export type Actor = {
  id: string;
  role: Role;
  displayName: string;
  stationId: string | null;
  inspectionId: string | null;
  partnerId: string | null;
};

/** The columns an Actor is made of; also used by tests that act as a given user. */
export const ACTOR_SELECT = {
  id: true,
  role: true,
  displayName: true,
  stationId: true,
  inspectionId: true,
  partnerId: true,
} as const;

type SessionClaims = { uid?: string; sv?: number; authTime?: number };

/**
 * The signed-in user, or null. The token only proves who signed in; the role, the scope and whether
 * the account still may act come from the database, and a bumped session version ends every session
 * on the next request (ASVS 8.3.2). Cached per request.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = (await getServerSession(authOptions())) as SessionClaims | null;
  if (!session?.uid || typeof session.sv !== 'number' || typeof session.authTime !== 'number') return null;
  if (Date.now() / 1000 - session.authTime > SESSION_MAX_AGE_SECONDS) return null;

  const user = await db().user.findUnique({
    where: { id: session.uid },
    select: { ...ACTOR_SELECT, active: true, sessionVersion: true },
  });
  if (!user || !user.active || user.sessionVersion !== session.sv) return null;
  const { active: _active, sessionVersion: _sessionVersion, ...actor } = user;
  return actor;
});

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
