/**
 * Request guards: who is asking, and may they? Pages call `requireUser` / `requirePermission`; server actions
 * declare their access for the action client (lib/actions.ts), which calls `authorizeAction` or
 * `authorizeSecondFactorStep`, as do route handlers. Each reads the session named by the request's cookie and checks the
 * permission table. The session rows themselves live in lib/auth/session-store.ts.
 */
import 'server-only';

import { notFound, redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { cache } from 'react';

import { recordDenial } from '@/lib/audit/record';
import { STEP_UP_MINUTES } from '@/lib/auth/mfa/policy';
import { SECOND_FACTOR_PATH } from '@/lib/auth/next-path';
import { readSessionCookie } from '@/lib/auth/session-cookie';
import { validateSession, type Actor, type ValidSession } from '@/lib/auth/session-store';
import { can, type Permission } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { failure, success, type ActionResult } from '@/lib/result';
import { isUuid } from '@/lib/validation/uuid';

export type { Actor } from '@/lib/auth/session-store';

type SessionClaims = { uid?: unknown; sv?: unknown; sid?: unknown };

/**
 * The signed-in session, or null; possibly one still waiting for its second factor (only the second-factor
 * step may use such a session). The token only names the user and the server-side session; the role, the
 * scope, whether the account may still act and whether the session is still valid (revoked, expired,
 * idle) come from the database on every request. Cached per request.
 */
export const getSession = cache(async (): Promise<ValidSession | null> => {
  const claims = (await readSessionCookie()) as SessionClaims | null;
  if (typeof claims?.uid !== 'string' || typeof claims.sv !== 'number' || typeof claims.sid !== 'string') return null;
  return validateSession({ uid: claims.uid, sv: claims.sv, sid: claims.sid });
});

/** The user of a fully signed-in session (second factor done), or null. */
export async function getActor(): Promise<Actor | null> {
  const session = await getSession();
  return session?.secondFactor === 'DONE' ? session.user : null;
}

async function auditDenied(
  session: ValidSession | null,
  permission: Permission,
  reason?: string,
  referral?: string,
): Promise<void> {
  await recordDenial(db(), {
    actor: session?.user ?? null,
    kind: permission,
    details: { permission, ...(reason && { reason }), ...(referral && { referral }) },
  });
}

/** For pages and layouts: the actor, or a redirect to sign-in (or to the second-factor step). */
export async function requireUser(): Promise<Actor> {
  const session = await getSession();
  if (!session) redirect('/anmelden');
  if (session.secondFactor !== 'DONE') redirect(SECOND_FACTOR_PATH);
  return session.user;
}

/**
 * For development tools (app/entwicklung/…): anyone may open them outside production. In production they
 * do not exist, for anyone: sign-in first, then "not found" with the refusal audited, like any page of
 * another role.
 */
export async function requireDevelopment(): Promise<void> {
  if (env().NODE_ENV !== 'production') return;
  const actor = await requireUser();
  await recordDenial(db(), { actor, kind: 'DEVELOPMENT_ONLY', details: { reason: 'DEVELOPMENT_ONLY' } });
  notFound();
}

/** Whether the second factor was proved recently enough for a sensitive action (ASVS 7.5.3). */
export function hasFreshSecondFactor(session: ValidSession, now = Date.now()): boolean {
  return session.secondFactorAt !== null && now - session.secondFactorAt.getTime() <= STEP_UP_MINUTES * 60_000;
}

/**
 * For pages: the actor holding `permission`. Anyone else sees "not found", and the denial is audited, naming
 * the referral the page is about when it has one (a valid id from the address): "who tried to see it"
 * finds the refusal there too.
 */
export async function requirePermission(
  permission: Permission,
  about?: Promise<{ id: string }> | { id: string },
): Promise<Actor> {
  const actor = await requireUser();
  if (!can(actor.role, permission)) {
    const id = about ? (await about).id : undefined;
    await auditDenied(await getSession(), permission, undefined, id && isUuid(id) ? id.toLowerCase() : undefined);
    notFound();
  }
  return actor;
}

/**
 * For server actions and route handlers: never throws or redirects, returns a failure instead. A session
 * still waiting for its second factor counts as not signed in. `stepUp`: the action is one of the most
 * sensitive ones and needs the second factor proved within the last minutes.
 */
export async function authorizeAction(
  permission: Permission,
  { stepUp = false }: { stepUp?: boolean } = {},
): Promise<ActionResult<{ actor: Actor; session: ValidSession }>> {
  const session = await getSession();
  if (!session || session.secondFactor !== 'DONE') {
    await auditDenied(session, permission, session ? 'SECOND_FACTOR_PENDING' : undefined);
    return failure('UNAUTHENTICATED', 'errors.codes.UNAUTHENTICATED');
  }
  if (!can(session.user.role, permission)) {
    await auditDenied(session, permission);
    return failure('FORBIDDEN', 'errors.codes.FORBIDDEN');
  }
  if (stepUp && !hasFreshSecondFactor(session)) {
    await auditDenied(session, permission, 'STEP_UP_REQUIRED');
    return failure('STEP_UP_REQUIRED', 'errors.codes.STEP_UP_REQUIRED');
  }
  return success({ actor: session.user, session });
}

/** ENROL / VERIFY: the second-factor step of a half signed-in session; STEP_UP: a signed-in one. */
export type SecondFactorStep = 'ENROL' | 'VERIFY' | 'STEP_UP';

/** For the second-factor actions, which act on sessions that `authorizeAction` refuses. */
export async function authorizeSecondFactorStep(step: SecondFactorStep): Promise<ActionResult<ValidSession>> {
  const session = await getSession();
  const allowed =
    session !== null &&
    (step === 'STEP_UP' ? session.secondFactor === 'DONE' && session.totpEnrolled : session.secondFactor === step);
  if (!allowed) {
    await recordDenial(db(), {
      actor: session?.user ?? null,
      kind: `secondFactor:${step}`,
      details: { secondFactorStep: step },
    });
    return failure('UNAUTHENTICATED', 'errors.codes.UNAUTHENTICATED');
  }
  return success(session);
}

/**
 * A guarded page's title (its `generateMetadata`): the page's own for whoever may open it, the "not found"
 * title for everyone else, so that a refused page does not name itself in the browser's tab.
 */
export async function titleFor(permission: Permission, namespace: string, key: string): Promise<{ title: string }> {
  const actor = await getActor();
  if (!actor || !can(actor.role, permission)) return { title: (await getTranslations('notFound'))('title') };
  return { title: (await getTranslations(namespace))(key) };
}
