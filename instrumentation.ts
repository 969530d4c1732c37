/** Runs once when a Next.js server process starts (https://nextjs.org/docs/app/guides/instrumentation). */
export async function register(): Promise<void> {
  const { installLogRedaction } = await import('@/lib/log-redaction');
  installLogRedaction();
  // The job worker runs in the Node.js server (ADR 0011); not where there is no database (`next build`).
  // Next.js compiles this file for the Edge runtime too: written literally, the check lets it leave the
  // worker (node:crypto, pg) out of that bundle instead of warning about it.
  // eslint-disable-next-line no-restricted-properties -- Next.js' own build-time constant, not configuration
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startInAppWorker } = await import('@/lib/jobs/in-app');
    startInAppWorker();
  }
}
