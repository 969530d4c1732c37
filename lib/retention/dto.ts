import type { KeyStateView } from '@/lib/crypto/key-state-view';

/**
 * What the admins' retention page receives (lib/retention/queries.ts): counts, dates and key ids, never a
 * person or key material. Client-safe types.
 */
export type KeySchedule = {
  keys: KeyStateView[];
  keyRotationDays: number;
  destroyWithinDays: number;
  longestRecoverableDays: number;
};
