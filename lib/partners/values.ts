/** Value lists of partner administration, client-safe. */
import { enumList } from '@/lib/enum-list';
import type { PartnerKind } from '@/lib/generated/prisma/enums';

export const PARTNER_KINDS = enumList<PartnerKind>()(['VICTIM_SUPPORT', 'PERPETRATOR_PROGRAMME']);
