import 'server-only';

import { createHash } from 'node:crypto';

import { isAccountLocked } from '@/lib/auth/throttle';
import { db } from '@/lib/db';
import { activePartnerOptions } from '@/lib/partners/queries';
import type { Prisma, Role } from '@/lib/generated/prisma/client';
import type { ScopeOptions } from '@/lib/users/dto';
import {
  USER_SEARCH_MAX_LENGTH,
  PASSWORD_TOKEN_PATTERN,
  scopeValue,
  type Scope,
  type ScopeKind,
} from '@/lib/users/schema';
import { UUID_PATTERN } from '@/lib/validation/uuid';

/**
 * What the user administration reads: accounts and reference data only. Admins never see referral
 * contents (DESIGN.md section 2), so nothing here selects from referrals.
 */
export const USERS_PAGE_SIZE = 25;

export type UserRow = {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  scopeKind: ScopeKind | null;
  scopeName: string | null;
  active: boolean;
  locked: boolean;
  secondFactorEnrolled: boolean;
  /** Account of the directorate's identity provider: role and scope come from there. */
  directoryAccount: boolean;
  lastSignInAt: Date | null;
};

const ROW_SELECT = {
  id: true,
  email: true,
  displayName: true,
  role: true,
  active: true,
  oidcSubject: true,
  mfaEnabledAt: true,
  lastSignInAt: true,
  stationId: true,
  inspectionId: true,
  partnerId: true,
  station: { select: { name: true } },
  inspection: { select: { name: true } },
  partner: { select: { name: true } },
} as const satisfies Prisma.UserSelect;

type SelectedRow = Prisma.UserGetPayload<{ select: typeof ROW_SELECT }>;

function scopeOf(u: SelectedRow): { scope: Scope | null; name: string | null } {
  if (u.stationId) return { scope: { kind: 'STATION', id: u.stationId }, name: u.station?.name ?? null };
  if (u.inspectionId) return { scope: { kind: 'INSPECTION', id: u.inspectionId }, name: u.inspection?.name ?? null };
  if (u.partnerId) return { scope: { kind: 'PARTNER', id: u.partnerId }, name: u.partner?.name ?? null };
  return { scope: null, name: null };
}

async function toRow(u: SelectedRow): Promise<UserRow> {
  const { scope, name } = scopeOf(u);
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    scopeKind: scope?.kind ?? null,
    scopeName: name,
    active: u.active,
    locked: await isAccountLocked(u.email),
    secondFactorEnrolled: u.mfaEnabledAt !== null,
    directoryAccount: u.oidcSubject !== null,
    lastSignInAt: u.lastSignInAt,
  };
}

/** Accounts by name, optionally filtered by a part of the name or e-mail address; numbered pages. */
export async function listUsers({ search = '', page = 1 }: { search?: string; page?: number }) {
  const term = search.trim().slice(0, USER_SEARCH_MAX_LENGTH);
  const where: Prisma.UserWhereInput = term
    ? {
        OR: [
          { displayName: { contains: term, mode: 'insensitive' } },
          { email: { contains: term, mode: 'insensitive' } },
        ],
      }
    : {};
  const total = await db().user.count({ where });
  const pages = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const users = await db().user.findMany({
    where,
    orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    skip: (current - 1) * USERS_PAGE_SIZE,
    take: USERS_PAGE_SIZE,
    select: ROW_SELECT,
  });
  return { items: await Promise.all(users.map(toRow)), total, page: current, pages, search: term };
}

export type UserDetail = UserRow & {
  /** The session version: every change names it, so that two admins do not overwrite each other. */
  version: number;
  scopeValue: string;
  createdAt: Date;
  hasPassword: boolean;
  /** A second factor is set up or half set up: something to reset. */
  secondFactorPresent: boolean;
  /** Expiry of the newest link that can still be used, if any. */
  passwordLinkExpiresAt: Date | null;
};

/** One account, or null (also for an id that cannot be one, so the page shows "not found"). */
export async function getUserDetail(id: string): Promise<UserDetail | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const now = new Date();
  const user = await db().user.findUnique({
    where: { id },
    select: {
      ...ROW_SELECT,
      sessionVersion: true,
      createdAt: true,
      passwordHash: true,
      mfaSecret: true,
      passwordTokens: {
        where: { usedAt: null, expiresAt: { gt: now } },
        orderBy: { expiresAt: 'desc' },
        take: 1,
        select: { expiresAt: true },
      },
    },
  });
  if (!user) return null;
  return {
    ...(await toRow(user)),
    version: user.sessionVersion,
    scopeValue: scopeValue(scopeOf(user).scope),
    createdAt: user.createdAt,
    hasPassword: user.passwordHash !== null,
    secondFactorPresent: user.mfaSecret !== null || user.mfaEnabledAt !== null,
    passwordLinkExpiresAt: user.passwordTokens[0]?.expiresAt ?? null,
  };
}

/** Stations, inspections and active partner organisations for the scope select. Reference data. */
export async function loadScopeOptions(): Promise<ScopeOptions> {
  const [stations, inspections, partners] = await Promise.all([
    db().station.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db().inspection.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    activePartnerOptions(),
  ]);
  const options = (kind: ScopeKind, rows: { id: string; name: string }[]) =>
    rows.map((r) => ({ value: scopeValue({ kind, id: r.id }), label: r.name }));
  return {
    STATION: options('STATION', stations),
    INSPECTION: options('INSPECTION', inspections),
    PARTNER: options('PARTNER', partners),
  };
}

/** Only this hash of a password link's token is stored. */
export function hashPasswordToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The account a link may still set a password for: unused, not expired, active, local. */
export async function findUsablePasswordToken(token: string, now = new Date()) {
  if (!PASSWORD_TOKEN_PATTERN.test(token)) return null;
  const row = await db().passwordToken.findUnique({
    where: { tokenHash: hashPasswordToken(token) },
    select: {
      id: true,
      usedAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, role: true, active: true, oidcSubject: true } },
    },
  });
  if (!row || row.usedAt || row.expiresAt <= now || !row.user.active || row.user.oidcSubject) return null;
  return row;
}

/** For the public page: whom the link is for, or null; null never says why (used, expired, unknown). */
export async function passwordLinkAccount(token: string): Promise<{ email: string } | null> {
  const row = await findUsablePasswordToken(token);
  return row ? { email: row.user.email } : null;
}
