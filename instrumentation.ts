/** Runs once when a Next.js server process starts (https://nextjs.org/docs/app/guides/instrumentation). */
export async function register(): Promise<void> {
  const { installLogRedaction } = await import('@/lib/log-redaction');
  installLogRedaction();
  // The job worker runs in the server (ADR 0011); not where there is no database (`next build`).
  const { startInAppWorker } = await import('@/lib/jobs/in-app');
  startInAppWorker();
}
