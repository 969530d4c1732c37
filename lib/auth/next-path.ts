/**
 * Where to go after sign-in: only a path on this site, never another origin (no open redirect). The
 * value is resolved the way the browser will resolve it, so tricks such as `/\t/evil.example` (browsers
 * drop tabs and newlines) or `/\evil.example` fall back to the start page.
 */
export function safeNextPath(next: string | undefined, origin: string): string {
  if (!next || !next.startsWith('/')) return '/';
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** The second-factor step; every sign-in passes through it and goes on to `next` when nothing is owed. */
export const SECOND_FACTOR_PATH = '/anmelden/zweiter-faktor';

export function secondFactorStepFor(next: string): string {
  return next === '/' ? SECOND_FACTOR_PATH : `${SECOND_FACTOR_PATH}?next=${encodeURIComponent(next)}`;
}
