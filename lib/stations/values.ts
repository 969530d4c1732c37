import { enumList } from '@/lib/enum-list';
import type { ReviewMode } from '@/lib/generated/prisma/enums';

export type { ReviewMode };

/** How a station's referrals leave the police: four-eyes review (the default) or direct dispatch. */
export const REVIEW_MODES = enumList<ReviewMode>()(['FOUR_EYES', 'DIRECT']);
