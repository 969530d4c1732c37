import type { Role } from '@/lib/auth/permissions';
import type { ScopeKind } from '@/lib/users/schema';

/** What the user-administration pages hand to the browser: account facts, no Prisma rows, dates as ISO. */

export type ScopeOption = { value: string; label: string };
export type ScopeOptions = Record<ScopeKind, ScopeOption[]>;

/** The one-time link to set a password, as the admin sees it once. */
export type PasswordLinkDto = { path: string; expiresAt: string };

/** The account on its detail page, for the forms and buttons there. */
export type ManagedUserDto = {
  id: string;
  displayName: string;
  /** Version the admin saw; every change sends it back (lib/users/service.ts). */
  version: number;
  role: Role;
  scopeValue: string;
  active: boolean;
  locked: boolean;
  directoryAccount: boolean;
  secondFactorPresent: boolean;
};
