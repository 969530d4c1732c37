/**
 * Every kind of event the app writes; one list so the auditor's view can explain each. Client-safe: the
 * auditor's search offers them as a filter.
 */
export const AUDIT_ACTIONS = [
  'SIGN_IN_SUCCEEDED',
  'SIGN_IN_FAILED',
  'SIGNED_OUT',
  'SIGNED_OUT_EVERYWHERE',
  'PASSWORD_CHANGED',
  'SECOND_FACTOR_ENROLLED',
  'SECOND_FACTOR_VERIFIED',
  'SECOND_FACTOR_STEP_UP',
  'SECOND_FACTOR_FAILED',
  'ACCESS_DENIED',
  'USER_CREATED',
  'USER_UPDATED',
  'USER_DISABLED',
  'USER_ENABLED',
  'SECOND_FACTOR_RESET',
  'ACCOUNT_UNLOCKED',
  'PASSWORD_LINK_ISSUED',
  'PASSWORD_SET',
  'REFERRAL_CREATED',
  'REFERRAL_LIST_VIEWED',
  'REFERRAL_VIEWED',
  'REFERRAL_CORRECTED',
  'REFERRAL_APPROVED',
  'REFERRAL_RETURNED',
  'REFERRAL_DISPATCHED',
  'REFERRAL_ACKNOWLEDGED',
  'REFERRAL_CONTACT_ATTEMPTED',
  'REFERRAL_CLOSED',
  'REFERRAL_WITHDRAWN',
  'REFERRAL_PURGED',
  /** A partner's projection sent by webhook to its own case system (the recipient is the partner). */
  'REFERRAL_DISCLOSED',
  /** A supervisor asked for a failing delivery to be tried again now. */
  'DELIVERY_RETRIED',
  'DUPLICATE_SUSPECTED',
  'DECLINED_OFFER_RECORDED',
  'PARTNER_CREATED',
  'PARTNER_UPDATED',
  /** A partner's webhook URL set or changed; details name hosts only, never a path, query or the secret. */
  'PARTNER_WEBHOOK_CHANGED',
  /** A new webhook secret made (shown to the admin once); the old one stopped working. */
  'PARTNER_WEBHOOK_SECRET_ROTATED',
  'PARTNER_WEBHOOK_REMOVED',
  'ROUTING_CHANGED',
  'STATION_REVIEW_MODE_CHANGED',
  /** An auditor searched the trail (the filters, never a result). */
  'AUDIT_SEARCHED',
  /** An auditor looked up who saw or received one referral. */
  'AUDIT_REFERRAL_TRACED',
  /** An auditor downloaded search results as CSV. */
  'AUDIT_EXPORTED',
  /** The chain was verified on request (the daily checkpoint is not an event: it is stored on its own). */
  'AUDIT_CHAIN_VERIFIED',
  /** Break-glass: an auditor opened a referral's contents, with the written reason. Shown to admins. */
  'REFERRAL_CONTENTS_OPENED',
  /** An admin changed how long personal data is kept (the periods before and after, in days). */
  'RETENTION_POLICY_CHANGED',
  /**
   * Every stored data key and secret re-wrapped under a new key-encryption key (ADR 0013): counts and key
   * ids, never key material.
   */
  'ENCRYPTION_KEYS_REWRAPPED',
  /** A year of audit events dropped whole after its retention (`npm run audit:drop-year`). */
  'AUDIT_YEAR_DROPPED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
