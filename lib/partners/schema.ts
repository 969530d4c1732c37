import { z } from 'zod/mini';

import { LANGUAGE_CODES } from '@/lib/partners/languages';
import { PARTNER_KINDS } from '@/lib/partners/values';

export { PARTNER_KINDS };
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { isCalendarDate } from '@/lib/time/days';
import { cleanText, emailAddress, phoneNumber } from '@/lib/validation/text';
import { uuidField } from '@/lib/validation/uuid';
import { webhookUrl } from '@/lib/webhooks/schema';

/**
 * Partner administration (issue 9, DESIGN.md section 5): one schema for the admin's form and the server
 * action. Dates are Berlin calendar days; "active to" is the last active day (stored as the day after).
 */
export const PARTNER_CODE_PATTERN = /^[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){1,19}$/;
export const DESCRIPTION_MAX_LENGTH = 600;

/** A Berlin calendar day `YYYY-MM-DD` (what `<input type="date">` sends); `optional`: '' stays ''. */
export const calendarDate = ({ optional = false } = {}) =>
  z.string({ error: 'errors.required' }).check(
    z.trim(),
    ...(optional ? [] : [z.minLength(1, { error: 'errors.required', abort: true })]),
    z.refine((s: string) => (optional && s === '') || isCalendarDate(s), { error: 'errors.dateFormat' }),
  );

/** A non-empty list without repeats, of values from `values`. */
const listOf = <const V extends readonly [string, ...string[]]>(values: V, required: string) =>
  z.array(z.enum(values, { error: required }), { error: required }).check(
    z.minLength(1, { error: required }),
    z.refine((list: readonly string[]) => new Set(list).size === list.length, { error: required }),
  );

const fields = {
  name: cleanText({ max: 120 }),
  kind: z.enum(PARTNER_KINDS, { error: 'partners.errors.kindRequired' }),
  tracks: listOf(TRACKS, 'partners.errors.tracksRequired'),
  genders: listOf(RULE_GENDERS, 'partners.errors.gendersRequired'),
  phone: phoneNumber(),
  address: cleanText({ max: 200 }),
  notificationEmail: emailAddress(),
  activeFrom: calendarDate(),
  /** The last active day; empty = open-ended. */
  activeTo: z.optional(calendarDate({ optional: true })),
  languages: listOf(LANGUAGE_CODES, 'partners.errors.languagesRequired'),
  description: cleanText({ max: DESCRIPTION_MAX_LENGTH, multiline: true }),
};

function checkActiveRange(value: { activeFrom: string; activeTo?: string }, ctx: z.core.$RefinementCtx<unknown>) {
  if (value.activeTo && value.activeTo < value.activeFrom) {
    ctx.addIssue({ code: 'custom', path: ['activeTo'], message: 'partners.errors.activeToBeforeFrom' });
  }
}

/** The range check alone, for the form to show while other fields are still wrong. */
export const activeRangeInput = z
  .object({ activeFrom: fields.activeFrom, activeTo: fields.activeTo })
  .check(z.superRefine(checkActiveRange));

export const createPartnerInput = z
  .strictObject({
    code: z
      .string({ error: 'errors.required' })
      .check(
        z.trim(),
        z.toUpperCase(),
        z.minLength(1, { error: 'errors.required', abort: true }),
        z.regex(PARTNER_CODE_PATTERN, { error: 'partners.errors.codeFormat' }),
      ),
    ...fields,
  })
  .check(z.superRefine(checkActiveRange));
export type CreatePartnerInput = z.infer<typeof createPartnerInput>;

/** A change names the version the admin saw, so that two admins never silently overwrite each other. */
export const updatePartnerInput = z
  .strictObject({
    partnerId: uuidField('errors.reload'),
    version: z.int({ error: 'errors.reload' }),
    ...fields,
  })
  .check(z.superRefine(checkActiveRange));
export type UpdatePartnerInput = z.infer<typeof updatePartnerInput>;

export type PartnerFields = Omit<CreatePartnerInput, 'code'>;

/**
 * The partner's webhook (issue 12): set or change the URL, make a new secret, remove it. Each names the
 * version of the partner the admin saw, like the partner's form.
 */
const webhookTarget = {
  partnerId: uuidField('errors.reload'),
  version: z.int({ error: 'errors.reload' }),
};

export const setPartnerWebhookInput = z.strictObject({ ...webhookTarget, url: webhookUrl() });
export type SetPartnerWebhookInput = z.infer<typeof setPartnerWebhookInput>;

/** "Neues Geheimnis erzeugen" and "Webhook entfernen". */
export const partnerWebhookInput = z.strictObject(webhookTarget);
export type PartnerWebhookInput = z.infer<typeof partnerWebhookInput>;
