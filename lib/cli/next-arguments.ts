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
 * V8 heap limits for the production server. Without them the old generation grows lazily under load to
 * about 300 MB of garbage before V8 collects it (bench submit: 535 MB resident at 20 concurrent
 * submissions); with them the server stays near 275 MB at the same throughput (DESIGN.md section 11:
 * ≤ 300 MB). Development keeps V8's defaults: compiling pages needs more.
 */
export function heapFlags(mode: 'dev' | 'start'): string[] {
  return mode === 'start' ? ['--max-old-space-size=256', '--max-semi-space-size=8'] : [];
}
