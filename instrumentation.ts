/** Runs once when a Next.js server process starts (https://nextjs.org/docs/app/guides/instrumentation). */
export async function register(): Promise<void> {
  const { installLogRedaction } = await import('@/lib/log-redaction');
  installLogRedaction();
}
