import { describe, expect, it } from 'vitest';

import { ROLES } from '@/lib/auth/permissions';
import { enumList } from '@/lib/enum-list';
import { Gender, Role } from '@/lib/generated/prisma/enums';
import { GENDERS } from '@/lib/referrals/values';

type Colour = 'RED' | 'GREEN';

describe('value lists from the database enums', () => {
  it('keep every value of the enum, in the order given', () => {
    expect(enumList<Colour>()(['GREEN', 'RED'])).toEqual(['GREEN', 'RED']);
    expect([...GENDERS].sort()).toEqual(Object.values(Gender).sort());
    expect([...ROLES].sort()).toEqual(Object.values(Role).sort());
  });

  it('do not compile when a value is missing or unknown (checked by `npm run typecheck`)', () => {
    // @ts-expect-error GREEN is missing
    enumList<Colour>()(['RED']);
    // @ts-expect-error BLUE is no value of the enum
    enumList<Colour>()(['RED', 'GREEN', 'BLUE']);
  });
});
