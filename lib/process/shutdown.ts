/**
 * Orderly shutdown for the CLI processes (lib/cli/*) and anything that owns a child process (the embedded
 * PostgreSQL). Runs under plain tsx/node, so no `server-only` here.
 *
 * Why not rely on Node's defaults: SIGINT/SIGTERM without a listener kill Node without running any
 * cleanup, which would leave a PostgreSQL server running on its data directory. Hooks run in reverse order
 * of registration (last started, first stopped), so "start Postgres, then start Next" stops Next first.
 */

type Hook = () => Promise<void> | void;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type ShutdownSignal = (typeof SIGNALS)[number];
const SIGNAL_NUMBERS: Record<ShutdownSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

const hooks: Hook[] = [];
let installed = false;
let shuttingDown: Promise<void> | undefined;

/** Register a cleanup step. Returns a function that unregisters it (call it once the resource is gone). */
export function onShutdown(hook: Hook): () => void {
  installSignalHandlers();
  hooks.push(hook);
  return () => {
    const index = hooks.lastIndexOf(hook);
    if (index >= 0) hooks.splice(index, 1);
  };
}

/** Run every registered hook once, newest first. Errors are reported, never stop the remaining hooks. */
export function runShutdownHooks(): Promise<void> {
  shuttingDown ??= (async () => {
    while (hooks.length > 0) {
      const hook = hooks.pop();
      try {
        await hook?.();
      } catch (error) {
        console.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return shuttingDown;
}

/** True once a signal (or an explicit call) started the shutdown. Long tasks can check it to stop early. */
export function isShuttingDown(): boolean {
  return shuttingDown !== undefined;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (shuttingDown) {
        // Repeats are normal, not impatience: a terminal Ctrl-C reaches npm, tsx and us, and npm and tsx
        // forward it again. Exiting early here would orphan Next or PostgreSQL; every hook has its own
        // time limit instead.
        return;
      }
      const code = 128 + SIGNAL_NUMBERS[signal];
      void runShutdownHooks().finally(() => process.exit(code));
    });
  }
}
