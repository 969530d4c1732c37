'use server';

import { action } from '@/lib/actions';
import { reviewModeInput } from '@/lib/stations/schema';
import { setReviewMode } from '@/lib/stations/service';

/** Four-eyes or direct dispatch for one station. A sensitive switch: the second factor within minutes. */
export const setReviewModeAction = action(
  { permission: 'stations:manage', stepUp: true, input: reviewModeInput },
  ({ actor, input }) => setReviewMode({ actor, input }),
);
