'use server';

import { action } from '@/lib/actions';
import { approveInput, retryDeliveryInput, returnInput, withdrawalInput } from '@/lib/review/schema';
import { approveReferral, recordWithdrawal, retryDelivery, returnReferral } from '@/lib/review/service';

/** "Freigeben": four-eyes approval of the version the supervisor read. */
export const approveReferralAction = action({ permission: 'review:decide', input: approveInput }, ({ actor, input }) =>
  approveReferral({ actor, input }),
);

/** "Zurückgeben": back to the officer with what to correct. */
export const returnReferralAction = action({ permission: 'review:decide', input: returnInput }, ({ actor, input }) =>
  returnReferral({ actor, input }),
);

/** "Widerruf erfassen": consent withdrawn; the personal data is erased at once. */
export const recordWithdrawalAction = action(
  { permission: 'review:record-withdrawal', input: withdrawalInput },
  ({ actor, input }) => recordWithdrawal({ actor, input }),
);

/** "Erneut zustellen": a delivery shown as "Zustellung gestört" is tried again now. */
export const retryDeliveryAction = action(
  { permission: 'delivery:retry', input: retryDeliveryInput },
  ({ actor, input }) => retryDelivery({ actor, input }),
);
