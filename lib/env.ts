import { z } from 'zod';

/**
 * The one place that reads `process.env` (CONVENTIONS.md). Everything is validated once, on first use;
 * production refuses to start without its secrets instead of falling back to development defaults.
 */

/** Documented development-only secret (README, "Konfiguration"); refused in production. */
export const DEV_AUTH_SECRET = 'dev-only-insecure-secret-do-not-use-in-production';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** PostgreSQL connection string. Unset in development: an embedded PostgreSQL is started. */
    DATABASE_URL: z.url().optional(),
    /** Where the embedded PostgreSQL keeps its data (development and demo only). */
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54320),
    /** Signs the session token (next-auth). At least 32 characters in production. */
    AUTH_SECRET: z.string().min(32).optional(),
    /** Public base URL of the app, used by next-auth for callbacks. */
    APP_URL: z.url().default('http://localhost:3000'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Absolute session lifetime and idle timeout (DESIGN.md section 8). */
    SESSION_MAX_AGE_HOURS: z.coerce.number().min(0.1).max(24).default(12),
    SESSION_IDLE_MINUTES: z.coerce.number().min(1).max(240).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'required in production' });
    }
    // Session cookies must be Secure in production: the public URL is HTTPS (localhost excepted, for tests).
    const appUrl = new URL(env.APP_URL);
    if (env.NODE_ENV === 'production' && appUrl.protocol !== 'https:' && !LOCAL_HOSTS.has(appUrl.hostname)) {
      ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'must be an https:// URL in production' });
    }
    if (env.NODE_ENV === 'production' && env.AUTH_SECRET === DEV_AUTH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message: 'the development secret is refused in production',
      });
    }
  });

export type Env = z.infer<typeof schema> & { AUTH_SECRET: string };

let cached: Env | undefined;

/** Validated configuration. Throws a readable error naming the bad variables (never their values). */
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  cached = { ...parsed.data, AUTH_SECRET: parsed.data.AUTH_SECRET ?? DEV_AUTH_SECRET };
  return cached;
}

/** The environment for a child process (the Next.js server started by lib/cli/serve.ts). */
export function childProcessEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  // next-auth v4 reads NEXTAUTH_URL itself to build its callback and sign-out URLs.
  const appUrl = overrides.APP_URL ?? env().APP_URL;
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXTAUTH_URL: appUrl, ...overrides };
}

/** For `npm start`: the launcher validates the production configuration before it starts anything. */
export function enterProductionMode(): void {
  (process.env as Record<string, string>).NODE_ENV = 'production';
  cached = undefined;
}

/** For tests of the configuration rules. */
export function resetEnvCache(): void {
  cached = undefined;
}
