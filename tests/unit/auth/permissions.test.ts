import { describe, expect, it } from 'vitest';

import { can, PERMISSIONS, permissionsOf, ROLES } from '@/lib/auth/permissions';

describe('permission table', () => {
  it('lets only officers file and read their own referrals', () => {
    expect(ROLES.filter((role) => can(role, 'referral:create'))).toEqual(['OFFICER']);
    expect(ROLES.filter((role) => can(role, 'referral:read-own'))).toEqual(['OFFICER']);
  });

  it.each([undefined, null, '', 'officer', 'ROOT', '__proto__', 'constructor', 'toString'])(
    'gives the unknown role %j nothing',
    (role) => {
      for (const permission of PERMISSIONS) expect(can(role, permission)).toBe(false);
      expect(permissionsOf(role)).toEqual([]);
    },
  );

  it('never lets admins or auditors read referral contents', () => {
    expect(permissionsOf('ADMIN')).not.toContain('referral:read-own');
    expect(permissionsOf('AUDITOR')).not.toContain('referral:read-own');
  });
});
