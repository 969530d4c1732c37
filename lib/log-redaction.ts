/**
 * Keeps database error texts out of every log, whichever layer prints them (DESIGN.md section 7). A
 * PostgreSQL or Prisma error message may quote the values of its query ("invalid input syntax for type
 * uuid: \"…\"", a violated key's values), and Next.js prints errors thrown while rendering with their
 * message. Installed once per server process (instrumentation.ts): errors and strings passed to
 * console.error/warn/log lose such texts; the error's class, code and stack frames remain for the support
 * desk. No `server-only` here: instrumentation loads outside React's server environment.
 */

/** Prisma's error classes and the driver's: their messages may quote query values. */
const DATABASE_ERROR = /^(Prisma\w*Error|DriverAdapterError|DatabaseError)$/;
/** Markers of a database error text inside a longer string (Next's own log lines, wrapped errors). */
const DATABASE_TEXT = /Invalid `prisma\.|Raw query failed|invalid input syntax|violates .* constraint|Key \(/i;

function redactedError(error: Error): Error {
  const code = (error as { code?: unknown }).code;
  const copy = new Error(
    `${error.name}${typeof code === 'string' ? ` ${code}` : ''} (message withheld: may hold data)`,
  );
  copy.name = error.name;
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  copy.stack = [`${copy.name}: ${copy.message}`, ...frames].join('\n');
  return copy;
}

/** What may be logged of `value`: database errors and texts without their message, anything else as it is. */
export function redactForLog(value: unknown): unknown {
  if (value instanceof Error) {
    if (DATABASE_ERROR.test(value.name) || DATABASE_TEXT.test(value.message)) return redactedError(value);
    if (value.cause !== undefined && redactForLog(value.cause) !== value.cause) return redactedError(value);
    return value;
  }
  if (typeof value === 'string' && DATABASE_TEXT.test(value)) return '[database error text withheld: may hold data]';
  return value;
}

let installed = false;

/** Routes the console's error, warn and log output through `redactForLog`. Idempotent. */
export function installLogRedaction(target: Pick<Console, 'error' | 'warn' | 'log'> = console): void {
  if (installed && target === console) return;
  if (target === console) installed = true;
  for (const level of ['error', 'warn', 'log'] as const) {
    const original = target[level].bind(target);
    target[level] = (...args: unknown[]) => original(...args.map(redactForLog));
  }
}
