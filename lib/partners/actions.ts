'use server';

import { action } from '@/lib/actions';
import { createPartnerInput, updatePartnerInput } from '@/lib/partners/schema';
import { createPartner, updatePartner } from '@/lib/partners/service';

/**
 * Partner administration. Every change needs the second factor proved within the last minutes (step-up,
 * ASVS 7.5.3): a partner's e-mail address and active days decide where victims' data goes.
 */
const MANAGE = { permission: 'partners:manage', stepUp: true } as const;

/** "Partnerstelle anlegen". */
export const createPartnerAction = action({ ...MANAGE, input: createPartnerInput }, createPartner);

/** "Änderungen speichern" (including the last active day: deactivation). */
export const updatePartnerAction = action({ ...MANAGE, input: updatePartnerInput }, updatePartner);
