'use server';

import { action } from '@/lib/actions';
import { RETENTION_DAYS_CEILING, retentionPolicyInput } from '@/lib/retention/schema';
import { updateRetentionPolicy } from '@/lib/retention/service';

/**
 * New retention periods. A sensitive switch (it decides when personal data disappears for good): the
 * second factor within minutes. The service holds them against the configured legal maximum.
 */
export const updateRetentionPolicyAction = action(
  { permission: 'retention:manage', stepUp: true, input: retentionPolicyInput(RETENTION_DAYS_CEILING) },
  ({ actor, input }) => updateRetentionPolicy({ actor, input }),
);
