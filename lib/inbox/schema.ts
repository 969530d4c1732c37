import { z } from 'zod/mini';

import { CONTACT_ATTEMPT_CHANNELS, OUTCOMES } from '@/lib/inbox/values';
import { uuidField } from '@/lib/validation/uuid';

/**
 * The caseworker's steps on a delivery of their organisation (DESIGN.md section 6). Each names the delivery
 * (the track's id, the partner's reference); there are no free-text notes: the partner's case file lives in
 * its own system. Messages are keys. Client-safe.
 */
const delivery = { trackId: uuidField('errors.reload') };

export const acknowledgeInput = z.strictObject(delivery);
export type AcknowledgeInput = z.infer<typeof acknowledgeInput>;

/**
 * A contact attempt: when (a Berlin wall-clock time, `YYYY-MM-DDTHH:mm`; the service checks it lies between
 * the delivery and now), how, and whether the person was reached.
 */
export const contactAttemptInput = z.strictObject({
  ...delivery,
  contactAt: z
    .string({ error: 'inbox.errors.contactAtRequired' })
    .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'inbox.errors.contactAtRequired' })),
  channel: z.enum(CONTACT_ATTEMPT_CHANNELS, { error: 'inbox.errors.channelRequired' }),
  reached: z.boolean({ error: 'inbox.errors.reachedRequired' }),
});
export type ContactAttemptInput = z.infer<typeof contactAttemptInput>;

/** The outcome ends the partner's work on the delivery (CLOSED); it cannot be changed afterwards. */
export const outcomeInput = z.strictObject({
  ...delivery,
  outcome: z.enum(OUTCOMES, { error: 'inbox.errors.outcomeRequired' }),
});
export type OutcomeInput = z.infer<typeof outcomeInput>;
