import 'server-only';

import { getTranslations } from 'next-intl/server';
import { z } from 'zod/mini';

import { recordDenial } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { logUnexpectedError } from '@/lib/log';
import { failure, type ActionResult, type Failure } from '@/lib/result';
import { isTrustedOrigin } from '@/lib/security/origin';

/** A message key ("errors.required", "users.errors.emailTaken"), as opposed to a sentence zod wrote. */
const MESSAGE_KEY = /^[a-zA-Z]+(\.[a-zA-Z0-9]+)+$/;

/**
 * A schema failure as the one result type: every field's message keys, nothing dropped. Our schemas give
 * every message as a key of the `errors` namespace; what zod words itself (in English: an unknown field,
 * a wrong type) becomes a key too, so that people read German.
 */
export function invalidInput(error: z.core.$ZodError): Failure {
  const flat = z.flattenError(error, (issue) =>
    issue.code === 'unrecognized_keys'
      ? 'errors.unknownField'
      : MESSAGE_KEY.test(issue.message)
        ? issue.message
        : 'errors.invalid',
  );
  const fieldErrors: Record<string, string[]> = { ...(flat.fieldErrors as Record<string, string[]>) };
  if (flat.formErrors.length) fieldErrors._form = flat.formErrors;
  return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', fieldErrors);
}

/**
 * Runs the body of a server action. Services speak in message keys; here the top-level message is
 * translated for the person. Unexpected errors are logged without personal data and become a generic
 * message carrying an error id the support desk can look up.
 */
export async function runAction<T>(body: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  const t = await getTranslations();
  try {
    if (!(await isTrustedOrigin())) {
      // Counted, not logged one by one: a cross-site request names no one we could trust.
      await recordDenial(db(), { actor: null, kind: 'ORIGIN', details: { reason: 'ORIGIN' } });
      return failure('FORBIDDEN', t('errors.codes.FORBIDDEN'));
    }
    const result = await body();
    if (result.ok) return result;
    return { ...result, message: t.has(result.message) ? t(result.message) : t('errors.codes.UNKNOWN') };
  } catch (error) {
    const errorId = crypto.randomUUID().slice(0, 8);
    logUnexpectedError(errorId, error);
    return { ok: false, code: 'UNKNOWN', message: t('errors.codes.UNKNOWN_WITH_ID', { errorId }), errorId };
  }
}
