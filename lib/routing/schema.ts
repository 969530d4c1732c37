import { z } from 'zod/mini';

import { calendarDate } from '@/lib/partners/schema';
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { GENDERS } from '@/lib/referrals/values';
import { berlinDateOf } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';
import { cleanText } from '@/lib/validation/text';
import { uuidField as uuid } from '@/lib/validation/uuid';

/**
 * Routing administration (issue 9): the change of responsibility and the "Wer ist zuständig?" question.
 * One schema for the admin's form and the server action.
 */

/** How far a first day may lie in the past (with a reason) or ahead. */
export const FIRST_DAY_PAST_DAYS = 90;
export const FIRST_DAY_FUTURE_DAYS = 5 * 366;
export const REASON_MAX_LENGTH = 300;

const distinct = (list: readonly string[]) => new Set(list).size === list.length;

export const responsibilityChangeFields = {
  municipalityIds: z
    .array(uuid('routing.errors.municipalitiesRequired'), { error: 'routing.errors.municipalitiesRequired' })
    .check(
      z.minLength(1, { error: 'routing.errors.municipalitiesRequired' }),
      z.refine(distinct, { error: 'routing.errors.municipalitiesRequired' }),
    ),
  track: z.enum(TRACKS, { error: 'routing.errors.trackRequired' }),
  genders: z
    .array(z.enum(RULE_GENDERS, { error: 'routing.errors.gendersRequired' }), {
      error: 'routing.errors.gendersRequired',
    })
    .check(
      z.minLength(1, { error: 'routing.errors.gendersRequired' }),
      z.refine(distinct, { error: 'routing.errors.gendersRequired' }),
    ),
  partnerId: uuid('routing.errors.partnerRequired'),
  firstDay: calendarDate(),
  /** Required when the first day lies in the past: why the rules must change retroactively. */
  reason: z.optional(cleanText({ max: REASON_MAX_LENGTH, multiline: true, allowEmpty: true })),
};

type ChangeShape = { firstDay: string; reason?: string };

function checkFirstDay(value: ChangeShape, ctx: z.core.$RefinementCtx<unknown>) {
  const today = berlinDateOf(new Date());
  if (value.firstDay < addDays(today, -FIRST_DAY_PAST_DAYS) || value.firstDay > addDays(today, FIRST_DAY_FUTURE_DAYS)) {
    ctx.addIssue({ code: 'custom', path: ['firstDay'], message: 'routing.errors.firstDayOutOfRange' });
  } else if (value.firstDay < today && !value.reason) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'routing.errors.reasonRequiredForPast' });
  }
}

export const responsibilityChangeInput = z.strictObject(responsibilityChangeFields).check(z.superRefine(checkFirstDay));

/** The first-day check alone, for the form to show while other fields are still wrong. */
export const firstDayInput = z
  .object({ firstDay: responsibilityChangeFields.firstDay, reason: responsibilityChangeFields.reason })
  .check(z.superRefine(checkFirstDay));
export type ResponsibilityChangeInput = z.infer<typeof responsibilityChangeInput>;

/** Saving names the preview the admin confirmed: if the rules changed since, the admin sees the new one. */
export const confirmedResponsibilityChangeInput = z
  .strictObject({ ...responsibilityChangeFields, previewToken: z.string({ error: 'errors.reload' }) })
  .check(z.superRefine(checkFirstDay));
export type ConfirmedResponsibilityChangeInput = z.infer<typeof confirmedResponsibilityChangeInput>;

/** "Wer ist zuständig?": read from the page's query string (a GET form; nothing personal in it). */
export const whoIsResponsibleQuery = z.object({
  municipalityId: uuid('routing.errors.municipalityRequired'),
  gender: z.enum(GENDERS, { error: 'routing.errors.genderRequired' }),
  track: z.enum(TRACKS, { error: 'routing.errors.trackRequired' }),
  date: calendarDate(),
});
export type WhoIsResponsibleQuery = z.infer<typeof whoIsResponsibleQuery>;
