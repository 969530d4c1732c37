/**
 * The one result type of every server action (CONVENTIONS.md): expected failures are values with a
 * code, a message for people and the field errors; unexpected errors become `UNKNOWN` with an error id.
 */
export type FailureCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'INVALID_STATE'
  /** A sensitive action needs the second factor entered again first (ASVS 7.5.3). */
  | 'STEP_UP_REQUIRED'
  | 'UNKNOWN';

/** Field errors carry message keys of the `errors` namespace; the UI translates them. */
export type FieldErrors = Record<string, string[] | undefined>;

export type Failure = {
  ok: false;
  code: FailureCode;
  message: string;
  /** Values for the message's placeholders (e.g. the names of conflicting rules, a time). */
  values?: Record<string, string | number | Date>;
  fieldErrors?: FieldErrors;
  errorId?: string;
};
export type Success<T> = { ok: true; data: T };
export type ActionResult<T> = Success<T> | Failure;

export const success = <T>(data: T): Success<T> => ({ ok: true, data });

export const failure = (code: FailureCode, message: string, fieldErrors?: FieldErrors): Failure =>
  fieldErrors ? { ok: false, code, message, fieldErrors } : { ok: false, code, message };

/** A failure whose message names things: `values` fill the message's placeholders. */
export const failureWith = (
  code: FailureCode,
  message: string,
  values: Record<string, string | number | Date>,
): Failure => ({
  ok: false,
  code,
  message,
  values,
});
