import { enumList } from '@/lib/enum-list';
import type { Role as DatabaseRole } from '@/lib/generated/prisma/enums';

/**
 * The one permission table (DESIGN.md section 2): server checks and the UI both ask `can()`. A role that
 * is missing here, or an unknown string, has no permission at all. Client-safe: type imports only.
 */
export const ROLES = enumList<DatabaseRole>()(['OFFICER', 'SUPERVISOR', 'ADMIN', 'PARTNER', 'AUDITOR']);
export type Role = DatabaseRole;

export const PERMISSIONS = [
  /** File a referral or record a declined offer. */
  'referral:create',
  /** List and read the referrals one filed oneself. */
  'referral:read-own',
  /** Correct an own referral until the supervisor approved it. */
  'referral:correct-own',
  /** End all of one's own sessions (a lost phone, a shared patrol-car tablet). */
  'account:sign-out-everywhere',
  /** Change one's own password (local accounts). */
  'account:change-password',
  /** Create and disable accounts, set role and scope, reset the second factor, unlock (user administration). */
  'users:manage',
  /** Create and change partner organisations (never delete them). */
  'partners:manage',
  /** Change of responsibility: end and start routing rules; see coverage and history. */
  'routing:manage',
  /** "Wer ist zuständig?": which partner a referral would go to, by which rule (read-only). */
  'routing:read',
  /** The review queue of one's station or inspection, and opening its referrals (an audited consultation). */
  'review:read',
  /** Four-eyes decision on a referral of one's scope: approve it, or return it to the officer with a comment. */
  'review:decide',
  /** Record that a person withdrew consent: the referral is withdrawn and its personal data erased at once. */
  'review:record-withdrawal',
  /** Switch a station between four-eyes review and direct dispatch. */
  'stations:manage',
  /** The inbox of one's own partner organisation: its deliveries, each opened in its projection (audited). */
  'inbox:read',
  /** Acknowledge a delivery of one's organisation, record contact attempts and the outcome. */
  'inbox:work',
  /** Ask for a delivery whose webhook keeps failing to be tried again now ("Zustellung gestört"). */
  'delivery:retry',
  /**
   * The audit trail (issue 13): search it, trace who saw or received a referral, export, see and run the
   * chain's verification. Every use is itself audited; no referral contents.
   */
  'audit:read',
  /** Break-glass: a referral's contents for an inquiry, only with a written reason (shown to admins). */
  'audit:break-glass',
  /** The list of break-glass views, so that the directorate knows each one. */
  'audit:oversee',
  /**
   * How long personal data is kept (within the legal maximum), the retention job's runs and the encryption
   * keys' replacement schedule (issue 14, ADR 0013).
   */
  'retention:manage',
  /**
   * The statistics (issue 14): directorate-wide for admins and auditors, the own station or inspection for
   * supervisors. Pseudonymous aggregates with small cells suppressed; no referral, no person.
   */
  'statistics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TABLE: Record<Role, readonly Permission[]> = {
  OFFICER: [
    'referral:create',
    'referral:read-own',
    'referral:correct-own',
    'account:sign-out-everywhere',
    'account:change-password',
  ],
  SUPERVISOR: [
    'account:sign-out-everywhere',
    'account:change-password',
    'routing:read',
    'review:read',
    'review:decide',
    'review:record-withdrawal',
    'delivery:retry',
    'statistics:read',
  ],
  ADMIN: [
    'account:sign-out-everywhere',
    'account:change-password',
    'users:manage',
    'partners:manage',
    'routing:manage',
    'routing:read',
    'stations:manage',
    'audit:oversee',
    'retention:manage',
    'statistics:read',
  ],
  PARTNER: ['account:sign-out-everywhere', 'account:change-password', 'inbox:read', 'inbox:work'],
  AUDITOR: [
    'account:sign-out-everywhere',
    'account:change-password',
    'audit:read',
    'audit:break-glass',
    'statistics:read',
  ],
};

export function can(role: string | null | undefined, permission: Permission): boolean {
  if (!role || !Object.hasOwn(TABLE, role)) return false;
  return TABLE[role as Role].includes(permission);
}

export function permissionsOf(role: string | null | undefined): Permission[] {
  return PERMISSIONS.filter((p) => can(role, p));
}
