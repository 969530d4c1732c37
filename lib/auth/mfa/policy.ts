import type { Role } from '@/lib/auth/permissions';

/**
 * Who needs a second factor (DESIGN.md section 8): supervisors, admins, partner caseworkers and auditors
 * always (and any role this code does not know); officers when the directorate requires it (MFA_FOR_OFFICERS=required) or when they enrolled
 * one themselves. Client-safe: no imports with side effects.
 */
export function secondFactorRequired(role: string, options: { enrolled: boolean; officersRequired: boolean }): boolean {
  if (options.enrolled) return true;
  // Every role but OFFICER, including an unknown one: the safe side.
  return role !== ('OFFICER' satisfies Role) || options.officersRequired;
}

/** A sensitive admin action needs the second factor proved within this many minutes (ASVS 7.5.3). */
export const STEP_UP_MINUTES = 10;
