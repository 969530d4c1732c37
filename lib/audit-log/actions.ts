'use server';

import { action } from '@/lib/actions';
import { findReferralsToTrace } from '@/lib/audit-log/queries';
import { breakGlassInput, traceLookupInput } from '@/lib/audit-log/schema';
import { openReferralContents, verifyAuditChainNow } from '@/lib/audit-log/service';
import { success } from '@/lib/result';

/**
 * "Wer hat diese Vermittlung gesehen?": the referrals a Vorgangsnummer or id names. A POST, so the number
 * never stands in an address; the page then opens the trace by the referral's id.
 */
export const findReferralsToTraceAction = action(
  { permission: 'audit:read', input: traceLookupInput },
  async ({ actor, input }) => success(await findReferralsToTrace(actor, input.query)),
);

/** Break-glass: a referral's contents with a written reason; needs the second factor within minutes. */
export const openReferralContentsAction = action(
  { permission: 'audit:break-glass', stepUp: true, input: breakGlassInput },
  ({ actor, input }) => openReferralContents({ actor, input }),
);

/** "Jetzt prüfen": verify the chain since the last checkpoint. */
export const verifyAuditChainAction = action({ permission: 'audit:read' }, ({ actor }) =>
  verifyAuditChainNow({ actor }),
);
