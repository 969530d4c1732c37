import { createHash } from 'node:crypto';

/**
 * The command line of `next dev|start` as the launcher runs it. Development listens on 127.0.0.1 only: it
 * runs with the published demo passwords, second-factor secret and development secret, so another machine
 * on the network must not reach it. `npm start` listens on every interface (a reverse proxy in front).
 * `HOST` overrides both.
 */
export function nextArguments(mode: 'dev' | 'start', port: number, host: string | undefined): string[] {
  const hostname = host ?? (mode === 'dev' ? '127.0.0.1' : '0.0.0.0');
  return [mode, '--port', String(port), '--hostname', hostname];
}

/**
 * The Server Actions key of the development server: published, development only, the same on every start.
 * `next dev` keeps its own key in `.next/dev/cache/.rscinfo`, except where `/.dockerenv` exists (containers,
 * such as this project's development machine): there Next.js takes its storage for ephemeral and makes a
 * new key at every start. The key salts every Server Action id, so each `npm run dev` compiled other code
 * from the same sources (other ids in the pages and in every form's bundle, a new chunk for the lazily
 * loaded validation each time) and found the Turbopack cache in `.next/dev` out of date (issue 8, item 13:
 * pages reloading by themselves after a restart). With a fixed key an unchanged tree compiles to the same
 * code on every start. It guards nothing secret: the development server runs with published secrets on
 * 127.0.0.1, and the app has no inline 'use server' closures to encrypt. A key set in the environment
 * still wins; production builds make their own.
 */
export const DEV_SERVER_ACTIONS_KEY = createHash('sha256')
  .update('vermittlung-hg: Server Actions key of `next dev`, development only')
  .digest('base64');

/** Environment variables the launcher adds for Next.js (the environment itself wins over them). */
export function nextEnvironmentDefaults(mode: 'dev' | 'start'): Record<string, string> {
  return mode === 'dev' ? { NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: DEV_SERVER_ACTIONS_KEY } : {};
}

/**
 * V8 heap limits for the production server. Without them the old generation grows lazily under load to
 * about 300 MB of garbage before V8 collects it (bench submit: 535 MB resident at 20 concurrent
 * submissions); with them the server stays near 275 MB at the same throughput (DESIGN.md section 11:
 * ≤ 300 MB). Development keeps V8's defaults: compiling pages needs more.
 */
export function heapFlags(mode: 'dev' | 'start'): string[] {
  return mode === 'start' ? ['--max-old-space-size=256', '--max-semi-space-size=8'] : [];
}
