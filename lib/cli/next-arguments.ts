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
