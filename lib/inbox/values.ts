/**
 * The partner's inbox (DESIGN.md section 6): its views, how a contact attempt was made, how the work ended.
 * Client-safe constants, so forms and the server share one list each.
 */

/** The inbox's views by the delivery's status: new, in progress, finished, withdrawn after delivery. */
export const INBOX_STATUSES = ['DISPATCHED', 'ACKNOWLEDGED', 'CLOSED', 'WITHDRAWN'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const CONTACT_ATTEMPT_CHANNELS = ['PHONE', 'SMS', 'LETTER', 'IN_PERSON'] as const;
export type ContactAttemptChannel = (typeof CONTACT_ATTEMPT_CHANNELS)[number];

export const OUTCOMES = ['REACHED_SUPPORTED', 'NOT_REACHABLE', 'DECLINED', 'UNSAFE_TO_CONTACT', 'FORWARDED'] as const;
export type Outcome = (typeof OUTCOMES)[number];
