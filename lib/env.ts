import { z } from 'zod';

import { ROLES, type Role } from '@/lib/auth/permissions';

/**
 * The one place that reads `process.env` (CONVENTIONS.md). Everything is validated once, on first use;
 * production refuses to start without its secrets instead of falling back to development defaults.
 */

/** Documented development-only secrets (README, "Configuration"); each is refused in production. */
export const DEV_AUTH_SECRET = 'dev-only-insecure-secret-do-not-use-in-production';
export const DEV_HASH_SECRET = 'dev-only-hash-secret-do-not-use-in-production';
export const DEV_ENCRYPTION_KEYS = 'dev-1:ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=';
/** Sender of the notification e-mails in development and tests; production must name its own (MAIL_FROM). */
export const DEV_MAIL_FROM = 'Vermittlung Polizei Hannover <no-reply@localhost>';

/** The encryption keyring: the current key (the first listed) and older ones still needed for reading. */
export type Keyring = { currentId: string; keys: Record<string, Buffer> };

const KEY_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Whether a keyring holds the published development key (refused in production and by keys:rotate). */
export function holdsDevelopmentKey(ring: Keyring): boolean {
  const devKey = Buffer.from(DEV_ENCRYPTION_KEYS.split(':')[1]!, 'base64');
  return Object.values(ring.keys).some((key) => key.equals(devKey));
}

/**
 * ENCRYPTION_KEYS: "id:base64key,older-id:base64key". The first key seals, every listed key opens. Ids are
 * short lowercase names (e.g. the month the key was made, "2026-11"); each key is 32 random bytes in base64
 * (`openssl rand -base64 32`).
 */
const keyring = z.string().transform((value, ctx): Keyring => {
  const keys: Record<string, Buffer> = {};
  let currentId = '';
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    const problem =
      at < 1 || !KEY_ID.test(id)
        ? 'expected "id:base64key" entries; an id is 1–32 of a-z, 0-9 and "-"'
        : Object.hasOwn(keys, id)
          ? `key id "${id}" appears twice`
          : key.length !== 32 || key.toString('base64') !== entry.slice(at + 1)
            ? `key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)`
            : null;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    keys[id] = key;
    currentId ||= id;
  }
  if (!currentId) {
    ctx.addIssue({ code: 'custom', message: 'needs at least one key' });
    return z.NEVER;
  }
  return { currentId, keys };
});

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * SMTP_URL: `smtp://` (STARTTLS when the server offers it) or `smtps://` (TLS from the start), with user and
 * password in the URL when the relay wants them; nodemailer options may follow as query parameters.
 */
const smtpUrl = z.url({
  protocol: /^smtps?$/,
  hostname: /^\S+$/,
  error: 'expected smtp://[user:password@]host:port or smtps://…',
});

/**
 * MAIL_FROM: `local@domain` or `Display Name <local@domain>`. No line break (it would start a header of its
 * own), no comma or quote in the name (nodemailer would read a list of addresses).
 */
const mailFrom = z
  .string()
  .trim()
  .regex(
    /^(?:[^<>\r\n@,";]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>,";]+@[^\s@<>,";]+)$/,
    'expected "local@domain" or "Name <local@domain>"',
  );

/**
 * OIDC_ROLE_MAP: "idp-value=ROLE,other-value=ROLE". Split at the last "=", so a value may contain "="
 * (e.g. a group DN) but not ",".
 */
/** A timeliness target: a quarter of an hour up to four weeks. */
const targetHours = (fallback: number) =>
  z.coerce
    .number()
    .min(0.25)
    .max(24 * 28)
    .default(fallback);

const roleMap = z.string().transform((value, ctx): Record<string, Role> | undefined => {
  const pairs = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  // Empty (e.g. `OIDC_ROLE_MAP=` in a compose file) means unset, not "map nothing".
  if (pairs.length === 0) return undefined;
  const map: Record<string, Role> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const idpValue = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at < 1 || !idpValue || !(ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({ code: 'custom', message: `expected "idp-value=ROLE" pairs, ROLE one of ${ROLES.join(', ')}` });
      return z.NEVER;
    }
    map[idpValue] = role as Role;
  }
  return map;
});

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** PostgreSQL connection string. Unset in development: an embedded PostgreSQL is started. */
    DATABASE_URL: z.url().optional(),
    /**
     * The connection `npm run db:migrate` uses: a role that may change the schema (the tables' owner).
     * Unset: DATABASE_URL. In production the app's own role (DATABASE_URL) then needs no DDL rights.
     */
    MIGRATION_DATABASE_URL: z.url().optional(),
    /** Where the embedded PostgreSQL keeps its data (development and demo only). */
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54320),
    /** Signs the session token (next-auth) and nothing else. At least 32 characters. */
    AUTH_SECRET: z.string().min(32).optional(),
    /** Root of the labelled keys of keyed hashes (lib/crypto/derive.ts). At least 32 characters. */
    HASH_SECRET: z.string().min(32).optional(),
    /** Keyring for everything stored encrypted (lib/crypto/keyring.ts). */
    ENCRYPTION_KEYS: keyring.optional(),
    /** Public base URL of the app, used by next-auth for callbacks. */
    APP_URL: z.url().default('http://localhost:3000'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /**
     * Interface the web server listens on. Unset: 127.0.0.1 for `npm run dev` (it runs with published demo
     * passwords and development secrets, so nobody else on the network may reach it), every interface for
     * `npm start` (a reverse proxy in front of it).
     */
    HOST: z.string().min(1).optional(),
    /**
     * How many reverse proxies in front of the app add themselves to X-Forwarded-For (0: none, the socket's
     * peer is the client). Decides the address the sign-in throttle counts, and whether forwarded headers
     * are believed at all (lib/security/client-address.ts).
     */
    TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    /** Absolute session lifetime and idle timeout (DESIGN.md section 8). */
    SESSION_MAX_AGE_HOURS: z.coerce.number().min(0.1).max(24).default(12),
    SESSION_IDLE_MINUTES: z.coerce.number().min(1).max(240).default(30),
    /** Whether officers must use a second factor too (the other roles always must). */
    MFA_FOR_OFFICERS: z.enum(['optional', 'required']).default('optional'),
    /** The directorate's OpenID Connect provider; sign-in through it is offered when all three are set. */
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Scopes requested; the provider must put the role and unit claims into the ID token. */
    OIDC_SCOPES: z
      .string()
      .default('openid profile email')
      .refine((scopes) => scopes.split(/\s+/).includes('openid'), 'must include "openid"'),
    /** ID-token claim holding the role, and the one holding the station code (inspection code for supervisors). */
    OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
    OIDC_UNIT_CLAIM: z.string().min(1).default('station'),
    /** Provider value → role; unset: the claim value is the role name itself. */
    OIDC_ROLE_MAP: roleMap.optional(),
    /**
     * The Vorgangsnummer format (a regular expression the whole number must match). Default: digits,
     * optionally grouped by single "/" or "-", 6 to 20 characters.
     */
    CASE_NUMBER_PATTERN: z
      .string()
      .min(1)
      .default('[0-9](?:[0-9]|[/-](?=[0-9])){5,19}')
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'must be a regular expression'),
    /**
     * Statutory bases an officer may select instead of the person's consent, separated by ";" (each stored
     * with the referral as its reference, e.g. "§ 41 NPOG"). Unset or empty: consent only.
     */
    LEGAL_BASES: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(';')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every((item) => item.length <= 100), 'each reference at most 100 characters'),
    /**
     * Timeliness targets in hours (DESIGN.md section 3), each with a shorter one for high-risk referrals: the
     * supervisor's approval after submission; the partner's acknowledgement and the first contact attempt,
     * both counted from the approval. A referral is overdue once its current step's target has passed.
     */
    /**
     * Who works the job queues (delivery, ADR 0011): `in-app`, the server process itself (`npm run dev`,
     * `npm start`); `off`, a separate `npm run worker` process does (production with several servers).
     */
    JOB_WORKER: z.enum(['in-app', 'off']).default('in-app'),
    /**
     * The hosts partner webhooks may go to in production, separated by "," (lib/webhooks/policy.ts): the app's
     * admin sets a partner's URL, operations approve its host here, so no one person can divert referrals.
     * A listed host may also resolve to a private network (a partner's case system inside the police
     * network); loopback and link-local are never reached. Development and tests: any host (and loopback),
     * private networks only when listed. Default: none (no webhooks in production).
     */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((host) => host.trim().toLowerCase().replace(/\.$/, ''))
          .filter(Boolean),
      )
      .refine(
        // A bare host name or address: no scheme, port, path or user (an IPv6 address in brackets).
        (hosts) =>
          hosts.every((host) => URL.canParse(`https://${host}/`) && new URL(`https://${host}/`).hostname === host),
        'expected host names separated by "," (no scheme, port or path)',
      ),
    /**
     * The relay the notification e-mails go through (lib/mail). Unset in development: `npm run dev` starts a
     * local server that keeps the mails under `${DATA_DIR}/mail` (lib/mail/dev-server.ts). Required in
     * production. The URL holds the relay's password: it is never printed.
     */
    SMTP_URL: smtpUrl.optional(),
    /** Sender of the notification e-mails. Development and tests: DEV_MAIL_FROM. Required in production. */
    MAIL_FROM: mailFrom.optional(),
    TARGET_APPROVE_HOURS: targetHours(4),
    TARGET_APPROVE_HIGH_RISK_HOURS: targetHours(1),
    TARGET_ACKNOWLEDGE_HOURS: targetHours(24),
    TARGET_ACKNOWLEDGE_HIGH_RISK_HOURS: targetHours(4),
    TARGET_FIRST_CONTACT_HOURS: targetHours(72),
    TARGET_FIRST_CONTACT_HIGH_RISK_HOURS: targetHours(24),
    /**
     * The longest any retention period may be set to, in days (the legal maximum the directorate's data
     * protection officer states; lib/retention). Admins choose the periods within it.
     */
    RETENTION_MAX_DAYS: z.coerce.number().int().min(7).max(3650).default(180),
    /**
     * How often the key-encryption key must be replaced, in days (ADR 0013): with the week the old key may
     * then stay, this bounds how long an erased referral stays readable in an older backup.
     */
    KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** 'disabled': e-mail/password sign-in is switched off (production with OIDC). */
    LOCAL_ACCOUNTS: z.enum(['enabled', 'disabled']).default('enabled'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      const secrets = {
        AUTH_SECRET: env.AUTH_SECRET,
        HASH_SECRET: env.HASH_SECRET,
        ENCRYPTION_KEYS: env.ENCRYPTION_KEYS,
        // Partners learn of a new referral only by e-mail (DESIGN.md section 6): no relay, no notice.
        SMTP_URL: env.SMTP_URL,
        MAIL_FROM: env.MAIL_FROM,
      };
      for (const [key, value] of Object.entries(secrets)) {
        if (!value) ctx.addIssue({ code: 'custom', path: [key], message: 'required in production' });
      }
      if (env.AUTH_SECRET && env.AUTH_SECRET === env.HASH_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['HASH_SECRET'], message: 'must differ from AUTH_SECRET' });
      }
      if (env.ENCRYPTION_KEYS && holdsDevelopmentKey(env.ENCRYPTION_KEYS)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ENCRYPTION_KEYS'],
          message: 'the development key is refused in production',
        });
      }
      if (env.HASH_SECRET === DEV_HASH_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['HASH_SECRET'],
          message: 'the development secret is refused in production',
        });
      }
    }
    // Production never falls back to the embedded PostgreSQL (fixed local credentials, on the app host).
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'required in production (the embedded PostgreSQL is for development and tests only)',
      });
    }
    // Session cookies must be Secure in production: the public URL is HTTPS (localhost excepted, for tests).
    const appUrl = new URL(env.APP_URL);
    if (env.NODE_ENV === 'production' && appUrl.protocol !== 'https:' && !LOCAL_HOSTS.has(appUrl.hostname)) {
      ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'must be an https:// URL in production' });
    }
    const oidcParts = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcParts !== 0 && oidcParts !== 3) {
      for (const key of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
        if (env[key]) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none',
        });
      }
    }
    if (env.LOCAL_ACCOUNTS === 'disabled' && oidcParts !== 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['LOCAL_ACCOUNTS'],
        message: 'may only be disabled when OIDC is configured',
      });
    }
    // Tokens are fetched from the issuer over the back channel: plain HTTP only on this machine (tests).
    if (env.NODE_ENV === 'production' && env.OIDC_ISSUER && URL.canParse(env.OIDC_ISSUER)) {
      const issuer = new URL(env.OIDC_ISSUER);
      if (issuer.protocol !== 'https:' && !LOCAL_HOSTS.has(issuer.hostname)) {
        ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'must be an https:// URL in production' });
      }
    }
    if (env.NODE_ENV === 'production' && env.AUTH_SECRET === DEV_AUTH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message: 'the development secret is refused in production',
      });
    }
  });

export type Env = z.infer<typeof schema> & {
  AUTH_SECRET: string;
  HASH_SECRET: string;
  ENCRYPTION_KEYS: Keyring;
  MAIL_FROM: string;
};

let cached: Env | undefined;

/** Validated configuration. Throws a readable error naming the bad variables (never their values). */
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  // Development and tests fall back to the published secrets; production has refused to get here without them.
  cached = {
    ...parsed.data,
    AUTH_SECRET: parsed.data.AUTH_SECRET ?? DEV_AUTH_SECRET,
    HASH_SECRET: parsed.data.HASH_SECRET ?? DEV_HASH_SECRET,
    ENCRYPTION_KEYS: parsed.data.ENCRYPTION_KEYS ?? keyring.parse(DEV_ENCRYPTION_KEYS),
    MAIL_FROM: parsed.data.MAIL_FROM ?? DEV_MAIL_FROM,
  };
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

/**
 * `npm run dev` without ENCRYPTION_KEYS: the launcher's locally generated keyring (lib/crypto/local-keyring.ts)
 * becomes the configuration of this process and of the Next.js server it starts.
 */
export function adoptLocalKeyring(keyring: string): void {
  if (process.env.ENCRYPTION_KEYS) return;
  process.env.ENCRYPTION_KEYS = keyring;
  cached = undefined;
}

/**
 * A CLI that opened the development embedded PostgreSQL (lib/cli/database.ts) hands its URL to the app's own
 * modules, which read DATABASE_URL (lib/db.ts). A configured DATABASE_URL is kept.
 */
export function adoptDatabaseUrl(url: string): void {
  if (process.env.DATABASE_URL) return;
  process.env.DATABASE_URL = url;
  cached = undefined;
}

/** Whether ENCRYPTION_KEYS is configured (rather than the development fallback). */
export function hasConfiguredKeyring(): boolean {
  return Boolean(process.env.ENCRYPTION_KEYS);
}

/** For tests of the configuration rules. */
export function resetEnvCache(): void {
  cached = undefined;
}
