'use server';

import { action } from '@/lib/actions';
import { acknowledgeInput, contactAttemptInput, outcomeInput } from '@/lib/inbox/schema';
import { acknowledgeDelivery, recordContactAttempt, recordOutcome } from '@/lib/inbox/service';

/** "Empfang bestätigen". */
export const acknowledgeDeliveryAction = action(
  { permission: 'inbox:work', input: acknowledgeInput },
  ({ actor, input }) => acknowledgeDelivery({ actor, input }),
);

/** "Kontaktversuch erfassen". */
export const recordContactAttemptAction = action(
  { permission: 'inbox:work', input: contactAttemptInput },
  ({ actor, input }) => recordContactAttempt({ actor, input }),
);

/** "Ergebnis erfassen": ends the organisation's work on the delivery. */
export const recordOutcomeAction = action({ permission: 'inbox:work', input: outcomeInput }, ({ actor, input }) =>
  recordOutcome({ actor, input }),
);
