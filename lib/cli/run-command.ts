import { runShutdownHooks } from '@/lib/process/shutdown';

/** An error's exit code: its message on standard error, then 1. */
export function failedWithMessage(error: unknown): number {
  console.error(error instanceof Error ? error.message : String(error));
  return 1;
}

/**
 * Runs a CLI's `main` with the process's arguments and exits with its code: on an error its message (never a
 * stack) and 1, or what `onError` makes of it. Whatever is still registered to shut down runs first, and the
 * exit is explicit: a pool left open by a seed or a driver must not keep the command alive.
 */
export function runCommand(
  main: (argv: string[]) => Promise<number>,
  onError: (error: unknown) => number = failedWithMessage,
): void {
  void main(process.argv.slice(2))
    .catch(onError)
    .then(async (code) => {
      await runShutdownHooks();
      process.exit(code);
    });
}
