import 'server-only';

/**
 * Application log. Error messages can carry data (a database error may quote the values of a query),
 * so only the error's class, its code and the stack frames are written, never the message itself.
 */
export function logUnexpectedError(errorId: string, error: unknown): void {
  const e = error instanceof Error ? error : new Error('non-error thrown');
  const code = (e as { code?: unknown }).code;
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 12);
  console.error(
    JSON.stringify({
      level: 'error',
      errorId,
      name: e.name,
      code: typeof code === 'string' ? code : undefined,
      frames,
    }),
  );
}
