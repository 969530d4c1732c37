import 'server-only';

import { unstable_rethrow } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod/mini';

import { recordDenial } from '@/lib/audit/record';
import { authorizeAction, authorizeSecondFactorStep, type Actor, type SecondFactorStep } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import type { ValidSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { logUnexpectedError } from '@/lib/log';
import { failure, type ActionResult, type Failure } from '@/lib/result';
import { isTrustedOrigin } from '@/lib/security/origin';

/**
 * The one way to write a server action (CONVENTIONS.md). An action declares who may call it as data and
 * which shared schema its input must pass; the client does the rest in this order, the same for every
 * action:
 *
 *   Origin (must be APP_URL) → who may call (denials audited) → input (zod) → the handler → translated result
 *
 * Handlers call one service and shape its result; transactions and audit writes live in services. Next's
 * control flow (`redirect()`, `notFound()`) passes through; anything else unexpected is logged without
 * personal data and becomes `UNKNOWN` with an error id.
 *
 *   export const createUserAction = action(
 *     { permission: 'users:manage', stepUp: true, input: createUserInput },
 *     ({ actor, input }) => createUser({ actor, input }),
 *   );
 */

/** Who may call an action. */
export type Access =
  /** Anyone, signed in or not (the one-time password link, the language switch, signing out). */
  | { public: true }
  /** A fully signed-in user whose role holds the permission; `stepUp`: the second factor within minutes. */
  | { permission: Permission; stepUp?: boolean }
  /** A session in this step of the second factor (enrolment, sign-in code, step-up). */
  | { secondFactorStep: SecondFactorStep };

type Input<S> = S extends z.core.$ZodType ? z.output<S> : undefined;
type Spec<A extends Access, S> = A & { input?: S };
type Context<A extends Access> = A extends { permission: Permission }
  ? { actor: Actor; session: ValidSession }
  : A extends { secondFactorStep: SecondFactorStep }
    ? { session: ValidSession }
    : Record<never, never>;
type Handler<A extends Access, S, T> = (context: Context<A> & { input: Input<S> }) => Promise<ActionResult<T>>;

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

async function authorize(access: Access): Promise<ActionResult<Record<string, unknown>>> {
  if ('permission' in access) {
    const auth = await authorizeAction(access.permission, { stepUp: access.stepUp ?? false });
    return auth.ok ? { ok: true, data: { actor: auth.data.actor, session: auth.data.session } } : auth;
  }
  if ('secondFactorStep' in access) {
    const auth = await authorizeSecondFactorStep(access.secondFactorStep);
    return auth.ok ? { ok: true, data: { session: auth.data } } : auth;
  }
  return { ok: true, data: {} };
}

const ACCESS = Symbol('action access');

/** What an action built here declared about its callers; undefined for a function built any other way. */
export function declaredAccess(fn: unknown): Access | undefined {
  return typeof fn === 'function' ? (fn as { [ACCESS]?: Access })[ACCESS] : undefined;
}

function declare<F extends object>(fn: F, spec: Access): F {
  const access: Access =
    'permission' in spec
      ? { permission: spec.permission, stepUp: spec.stepUp ?? false }
      : 'secondFactorStep' in spec
        ? { secondFactorStep: spec.secondFactorStep }
        : { public: true };
  return Object.defineProperty(fn, ACCESS, { value: access });
}

/** Defines a server action: export its result from an `actions.ts` module that starts with 'use server'. */
export function action<A extends Access, S extends z.core.$ZodType | undefined = undefined, T = null>(
  spec: Spec<A, S>,
  handler: Handler<A, S, T>,
): (raw?: unknown) => Promise<ActionResult<T>> {
  return declare(async (raw?: unknown): Promise<ActionResult<T>> => {
    const t = await getTranslations();
    try {
      if (!(await isTrustedOrigin())) {
        // Counted, not logged one by one: a cross-site request names no one we could trust.
        await recordDenial(db(), { actor: null, kind: 'ORIGIN', details: { reason: 'ORIGIN' } });
        return failure('FORBIDDEN', t('errors.codes.FORBIDDEN'));
      }
      const auth = await authorize(spec);
      let result: ActionResult<T>;
      if (!auth.ok) {
        result = auth;
      } else if (spec.input === undefined) {
        result = await handler({ ...auth.data, input: undefined } as Context<A> & { input: Input<S> });
      } else {
        const parsed = z.safeParse(spec.input, raw);
        result = parsed.success
          ? await handler({ ...auth.data, input: parsed.data } as Context<A> & { input: Input<S> })
          : invalidInput(parsed.error);
      }
      if (result.ok) return result;
      return {
        ...result,
        message: t.has(result.message) ? t(result.message, result.values) : t('errors.codes.UNKNOWN'),
      };
    } catch (error) {
      unstable_rethrow(error); // redirect(), notFound() and Next's other control flow are not errors
      const errorId = crypto.randomUUID().slice(0, 8);
      logUnexpectedError(errorId, error);
      return { ok: false, code: 'UNKNOWN', message: t('errors.codes.UNKNOWN_WITH_ID', { errorId }), errorId };
    }
  }, spec);
}

/**
 * The same action for a plain `<form action={…}>` that works without JavaScript (sign-out, language):
 * React wants such an action to resolve to nothing, so the result is dropped. Its handler ends with a
 * `redirect()` or lets Next render the page again.
 */
export function formAction<A extends Access, S extends z.core.$ZodType | undefined = undefined>(
  spec: Spec<A, S>,
  handler: Handler<A, S, null>,
): (form?: FormData) => Promise<void> {
  const run = action(spec, handler);
  return declare(async (form?: FormData) => {
    await run(form);
  }, spec);
}
