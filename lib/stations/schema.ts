import { z } from 'zod/mini';

import { REVIEW_MODES } from '@/lib/stations/values';
import { uuidField } from '@/lib/validation/uuid';

/** An admin's switch of a station's review mode, naming the mode the admin saw (two admins at once). */
export const reviewModeInput = z.strictObject({
  stationId: uuidField('errors.reload'),
  from: z.enum(REVIEW_MODES, { error: 'errors.reload' }),
  to: z.enum(REVIEW_MODES, { error: 'errors.choiceRequired' }),
});
export type ReviewModeInput = z.infer<typeof reviewModeInput>;
