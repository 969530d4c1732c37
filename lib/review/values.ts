/** Longest return comment: the schema refuses longer ones, the text area stops typing there. Client-safe, no zod. */
export const RETURN_COMMENT_MAX = 1000;

/** How a withdrawal of consent reached the police (the `WithdrawalChannel` enum of the schema). */
export const WITHDRAWAL_CHANNELS = ['PHONE', 'IN_PERSON', 'IN_WRITING', 'VIA_PARTNER'] as const;
