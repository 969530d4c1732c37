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

/**
 * An operational record for the operators' log, one JSON line. Callers pass ids, counts, codes and hashes,
 * never personal data or a free-text message that could carry it.
 */
export function logRecord(level: 'info' | 'error', record: Record<string, string | number | null>): void {
  const line = JSON.stringify({ level, ...record });
  if (level === 'error') console.error(line);
  // Informational lines go to standard output as they are: one JSON object per line for the log collector.
  else process.stdout.write(`${line}\n`);
}
