import { ROLES, type Role } from '@/lib/auth/permissions';

/**
 * Turns the verified ID-token claims of the directorate's identity provider into an account decision.
 * Pure: the database lookups (unit codes, existing accounts) happen in lib/auth/oidc.ts.
 */

/** Why a sign-in through the identity provider is refused; audited, never shown in detail. */
export type OidcRefusal =
  | 'SUBJECT_MISSING'
  | 'EMAIL_MISSING'
  | 'ROLE_MISSING'
  | 'ROLE_UNMAPPED'
  | 'ROLE_AMBIGUOUS'
  | 'ROLE_NOT_ALLOWED'
  | 'UNIT_MISSING'
  | 'UNIT_UNKNOWN'
  | 'DISABLED'
  | 'EMAIL_TAKEN';

export type OidcClaimConfig = {
  roleClaim: string;
  unitClaim: string;
  /** Provider value → role; undefined: the value must be the role name itself. */
  roleMap?: Record<string, Role>;
};

export type OidcAccountClaims = {
  subject: string;
  email: string;
  displayName: string;
  role: Role;
  /** Station code, or for supervisors a station or inspection code; null for roles without a unit. */
  unitCode: string | null;
  secondFactorProved: boolean;
};

export type OidcDecision = { ok: true; account: OidcAccountClaims } | { ok: false; reason: OidcRefusal };

/**
 * Authentication methods (RFC 8176) that show the provider already asked for a second factor: `mfa`, or
 * a possession factor (one-time password, hardware / software key, the police service card) together
 * with one the person knows or is.
 */
const POSSESSION = new Set(['otp', 'hwk', 'swk', 'sc', 'sms', 'tel']);
const KNOWLEDGE_OR_INHERENCE = new Set(['pwd', 'pin', 'kba', 'fpt', 'face', 'iris', 'retina', 'vbm', 'bio']);

export function amrProvesSecondFactor(amr: unknown): boolean {
  const values = (typeof amr === 'string' ? [amr] : Array.isArray(amr) ? amr : []).filter(
    (value): value is string => typeof value === 'string',
  );
  if (values.includes('mfa')) return true;
  return values.some((v) => POSSESSION.has(v)) && values.some((v) => KNOWLEDGE_OR_INHERENCE.has(v));
}

/** A claim by name; a dotted name also reaches into nested objects (Keycloak's `realm_access.roles`). */
export function readClaim(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** The one role the claim names: a string or a list (group memberships); several roles are refused. */
function roleFrom(value: unknown, roleMap: Record<string, Role> | undefined): { role: Role } | { reason: OidcRefusal } {
  const values = (Array.isArray(value) ? value : [value]).map(nonEmptyString).filter((v) => v !== null);
  if (values.length === 0) return { reason: 'ROLE_MISSING' };
  const roles = new Set<Role>();
  for (const v of values) {
    const role = roleMap ? (Object.hasOwn(roleMap, v) ? roleMap[v] : undefined) : ROLES.find((r) => r === v);
    if (role) roles.add(role);
  }
  if (roles.size === 0) return { reason: 'ROLE_UNMAPPED' };
  // One person, several roles only through separate accounts (DESIGN.md section 2).
  if (roles.size > 1) return { reason: 'ROLE_AMBIGUOUS' };
  return { role: [...roles][0]! };
}

export function decideOidcAccount(claims: Record<string, unknown>, config: OidcClaimConfig): OidcDecision {
  const subject = nonEmptyString(claims.sub);
  if (!subject) return { ok: false, reason: 'SUBJECT_MISSING' };
  const email = nonEmptyString(claims.email)?.toLowerCase();
  if (!email) return { ok: false, reason: 'EMAIL_MISSING' };

  const mapped = roleFrom(readClaim(claims, config.roleClaim), config.roleMap);
  if ('reason' in mapped) return { ok: false, reason: mapped.reason };
  const { role } = mapped;
  // Partner caseworkers are not in the police directory; their accounts are local and set up by an admin.
  if (role === 'PARTNER') return { ok: false, reason: 'ROLE_NOT_ALLOWED' };

  const needsUnit = role === 'OFFICER' || role === 'SUPERVISOR';
  const unitCode = needsUnit ? nonEmptyString(readClaim(claims, config.unitClaim)) : null;
  if (needsUnit && !unitCode) return { ok: false, reason: 'UNIT_MISSING' };

  const fullName = [claims.given_name, claims.family_name].map(nonEmptyString).filter(Boolean).join(' ');
  const displayName = (nonEmptyString(claims.name) ?? (fullName || email)).slice(0, 200);

  return {
    ok: true,
    account: {
      subject,
      email,
      displayName,
      role,
      unitCode,
      secondFactorProved: amrProvesSecondFactor(claims.amr),
    },
  };
}
