/**
 * `npm run dev` as a developer runs it (lib/cli/serve.ts dev, through tsx directly so that our SIGTERM
 * reaches the launcher), on free ports and a data directory of the spec's own, with its output kept for
 * assertions. For the specs in tests/e2e/dev-server, which test the development server itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The app's own settings (lib/env.ts) and Next's Server Actions key, as far as the shell that runs the
 * tests may have set them: the launcher gets its defaults, as in a fresh terminal, plus what the spec
 * passes.
 */
const INHERITED_SETTINGS_DROPPED = [
  'NODE_ENV',
  'DATABASE_URL',
  'MIGRATION_DATABASE_URL',
  'DATA_DIR',
  'EMBEDDED_PG_PORT',
  'APP_URL',
  'PORT',
  'HOST',
  'SMTP_URL',
  'MAIL_FROM',
  'NEXT_SERVER_ACTIONS_ENCRYPTION_KEY',
];

export interface DevLauncher {
  /** http://localhost:<port> */
  url: string;
  /** Everything the launcher and Next.js wrote so far (stdout and stderr). */
  output: () => string;
  /** Resolves once the launcher reports Next.js listening; rejects with its output if it exits first. */
  ready: Promise<void>;
  /** SIGTERM (the launcher stops Next.js, then PostgreSQL) and waits for its exit; SIGKILL after 45 s. */
  stop: () => Promise<void>;
}

export function startDevLauncher({ port, pgPort, dataDir }: { port: number; pgPort: number; dataDir: string }) {
  // Playwright runs from the project's root (as tests/e2e/support/fixtures.ts assumes too).
  const root = process.cwd();
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_SETTINGS_DROPPED.includes(key))),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
  };
  const child: ChildProcess = spawn(
    path.join(root, 'node_modules/.bin/tsx'),
    ['lib/cli/serve.ts', 'dev', '--port', String(port)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Next's types declare NODE_ENV as always present; for `dev` it is deliberately absent (Next sets it).
      env: env as NodeJS.ProcessEnv,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      // The launcher's own line once Next.js accepts connections (lib/cli/serve.ts).
      if (output.includes(`▶ http://localhost:${port}`)) return resolve();
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`npm run dev exited before it was ready:\n${output}`));
      }
      setTimeout(check, 100);
    };
    check();
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 45_000))),
      ]);
      clearTimeout(timer);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  return { url: `http://localhost:${port}`, output: () => output, ready, stop } satisfies DevLauncher;
}
