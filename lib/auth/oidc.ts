import 'server-only';

import type { OAuthConfig } from 'next-auth/providers/oauth';

import { recordAudit } from '@/lib/audit/record';
import { secondFactorRequired } from '@/lib/auth/mfa/policy';
import { amrProvesSecondFactor, decideOidcAccount, type OidcRefusal } from '@/lib/auth/oidc-claims';
import { revokeAllSessions } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import type { Role } from '@/lib/generated/prisma/client';

/**
 * Sign-in through the directorate's OpenID Connect provider (issue: production sign-in, configured by
 * environment). The provider is the source of truth for role and unit: accounts are created on the first
 * sign-in and brought up to date on every one after it.
 */

export const OIDC_PROVIDER_ID = 'oidc';

type OidcClaims = Record<string, unknown>;

export function oidcConfigured(): boolean {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = env();
  return Boolean(OIDC_ISSUER && OIDC_CLIENT_ID && OIDC_CLIENT_SECRET);
}

/** The next-auth provider: authorization code flow with PKCE, state and nonce; claims from the ID token. */
export function oidcProvider(): OAuthConfig<OidcClaims> {
  const config = env();
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) {
    throw new Error('OIDC is not configured');
  }
  // Discovery lives below the issuer's path (Keycloak: …/realms/<name>/.well-known/…).
  const issuer = config.OIDC_ISSUER.endsWith('/') ? config.OIDC_ISSUER : `${config.OIDC_ISSUER}/`;
  return {
    id: OIDC_PROVIDER_ID,
    name: 'Dienstkonto',
    type: 'oauth',
    wellKnown: new URL('.well-known/openid-configuration', issuer).href,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    client: { token_endpoint_auth_method: 'client_secret_basic' },
    authorization: { params: { scope: config.OIDC_SCOPES } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    // Only the subject: next-auth would otherwise copy name and e-mail into the session token.
    profile: (claims) => ({ id: String(claims.sub) }),
  };
}

export type OidcProvisioning =
  | { ok: true; userId: string; sessionVersion: number; secondFactorPending: boolean }
  | { ok: false; reason: OidcRefusal };

type Scope = { stationId: string | null; inspectionId: string | null; partnerId: null };

/** The unit named by the claim: a station for officers; a station or an inspection for supervisors. */
async function resolveScope(role: Role, unitCode: string | null): Promise<Scope | null> {
  const none: Scope = { stationId: null, inspectionId: null, partnerId: null };
  if (role !== 'OFFICER' && role !== 'SUPERVISOR') return none;
  if (!unitCode) return null;
  const station = await db().station.findUnique({ where: { code: unitCode }, select: { id: true } });
  if (station) return { ...none, stationId: station.id };
  if (role === 'OFFICER') return null;
  const inspection = await db().inspection.findUnique({ where: { code: unitCode }, select: { id: true } });
  return inspection ? { ...none, inspectionId: inspection.id } : null;
}

/**
 * Creates or updates the account of a verified ID token (`claims`), or refuses it. Refusals are audited
 * with a reason code only; nothing from the token that names the person is stored in the audit trail.
 */
export async function provisionOidcUser(claims: OidcClaims): Promise<OidcProvisioning> {
  const config = env();
  const subject = typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  const existing = subject
    ? await db().user.findUnique({
        where: { oidcSubject: subject },
        select: {
          id: true,
          email: true,
          displayName: true,
          role: true,
          active: true,
          stationId: true,
          inspectionId: true,
          partnerId: true,
        },
      })
    : null;

  const refuse = async (reason: OidcRefusal): Promise<OidcProvisioning> => {
    await recordAudit(db(), {
      actorId: existing?.id ?? null,
      actorRole: existing?.role ?? null,
      action: 'SIGN_IN_FAILED',
      details: { method: 'OIDC', reason },
    });
    return { ok: false, reason };
  };

  if (existing && !existing.active) return refuse('DISABLED');
  const decision = decideOidcAccount(claims, {
    roleClaim: config.OIDC_ROLE_CLAIM,
    unitClaim: config.OIDC_UNIT_CLAIM,
    roleMap: config.OIDC_ROLE_MAP,
  });
  if (!decision.ok) return refuse(decision.reason);
  const { account } = decision;

  const scope = await resolveScope(account.role, account.unitCode);
  if (!scope) return refuse('UNIT_UNKNOWN');
  // Never link by e-mail address: whoever controls an address at the provider would take over the local
  // account that uses it. An admin has to sort such a collision out.
  const holder = await db().user.findUnique({ where: { email: account.email }, select: { id: true } });
  if (holder && holder.id !== existing?.id) return refuse('EMAIL_TAKEN');

  const next = { email: account.email, displayName: account.displayName, role: account.role, ...scope };
  const scopeAudit = {
    scopeKind: scope.stationId ? 'STATION' : scope.inspectionId ? 'INSPECTION' : null,
    scopeId: scope.stationId ?? scope.inspectionId,
  };
  const now = new Date();

  return db().$transaction(async (tx) => {
    let userId: string;
    if (!existing) {
      const created = await tx.user.create({
        data: { ...next, oidcSubject: account.subject, passwordHash: null, lastSignInAt: now },
        select: { id: true },
      });
      userId = created.id;
      await recordAudit(tx, {
        actorId: userId,
        actorRole: account.role,
        action: 'USER_CREATED',
        entityType: 'User',
        entityId: userId,
        details: { source: 'OIDC', role: account.role, ...scopeAudit },
      });
    } else {
      userId = existing.id;
      const fields = (['email', 'displayName', 'role', 'stationId', 'inspectionId', 'partnerId'] as const).filter(
        (field) => next[field] !== existing[field],
      );
      await tx.user.update({ where: { id: userId }, data: { ...next, lastSignInAt: now } });
      // A new role or unit ends the sessions opened under the old one (ASVS 8.3.2).
      if (fields.some((field) => field !== 'email' && field !== 'displayName')) await revokeAllSessions(tx, userId);
      if (fields.length) {
        await recordAudit(tx, {
          actorId: userId,
          actorRole: account.role,
          action: 'USER_UPDATED',
          entityType: 'User',
          entityId: userId,
          details: {
            source: 'OIDC',
            role: account.role,
            previousRole: existing.role,
            fields: fields.join(','),
            ...scopeAudit,
          },
        });
      }
    }

    const user = await tx.user.findUniqueOrThrow({
      where: { id: userId },
      select: { sessionVersion: true, mfaEnabledAt: true },
    });
    const secondFactorPending =
      !account.secondFactorProved &&
      secondFactorRequired(account.role, {
        enrolled: user.mfaEnabledAt !== null,
        officersRequired: config.MFA_FOR_OFFICERS === 'required',
      });
    await recordAudit(tx, {
      actorId: userId,
      actorRole: account.role,
      action: 'SIGN_IN_SUCCEEDED',
      details: { method: 'OIDC', secondFactorPending },
    });
    return { ok: true, userId, sessionVersion: user.sessionVersion, secondFactorPending };
  });
}

/**
 * For the session that follows a successful `provisionOidcUser`: the account of the token's subject and
 * whether the provider already asked for a second factor.
 */
export async function oidcSessionUser(
  subject: string,
  claims: OidcClaims | undefined,
): Promise<{ id: string; sessionVersion: number; secondFactorProved: boolean; provedAt?: Date }> {
  const user = await db().user.findUniqueOrThrow({
    where: { oidcSubject: subject },
    select: { id: true, sessionVersion: true },
  });
  const authTime = claims?.auth_time;
  return {
    ...user,
    secondFactorProved: amrProvesSecondFactor(claims?.amr),
    // When the person last really signed in at the provider (a silent single sign-on keeps the old time).
    provedAt: typeof authTime === 'number' ? new Date(authTime * 1000) : undefined,
  };
}
