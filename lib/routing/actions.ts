'use server';

import { action } from '@/lib/actions';
import { confirmedResponsibilityChangeInput, responsibilityChangeInput } from '@/lib/routing/schema';
import { changeResponsibility, previewResponsibilityChange } from '@/lib/routing/service';

/** "Vorschau anzeigen": changes nothing, so no step-up. */
export const previewResponsibilityChangeAction = action(
  { permission: 'routing:manage', input: responsibilityChangeInput },
  previewResponsibilityChange,
);

/**
 * "Wechsel speichern": with step-up (ASVS 7.5.3), because it decides where victims' data goes from the
 * first day on.
 */
export const changeResponsibilityAction = action(
  { permission: 'routing:manage', stepUp: true, input: confirmedResponsibilityChangeInput },
  changeResponsibility,
);
