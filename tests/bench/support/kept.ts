/**
 * What benchmarks that keep a filled database between runs share (queue, audit): the secrets it was sealed
 * with, kept beside it, and the accounts' second-factor step reset so that a new run can sign in again.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

import { generateTotpSecret } from '@/lib/auth/mfa/totp';
import { withPgClient } from '@/lib/db/pg-client';

/** What a kept database was sealed with; the app of every later run gets the same. */
export type KeptKeys = { HASH_SECRET: string; ENCRYPTION_KEYS: string; TOTP_SECRET: string };

/** The kept database's keys from `dir`, made (and kept, readable by the owner only) on its first run. */
export async function keptKeys(dir: string): Promise<KeptKeys> {
  const file = path.join(dir, 'keys.json');
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as KeptKeys;
  } catch {
    const keys: KeptKeys = {
      HASH_SECRET: `bench-${randomBytes(24).toString('base64url')}-not-for-production-use`,
      ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      TOTP_SECRET: generateTotpSecret(),
    };
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
}

/** A code is accepted once per time step: a new run signs the same account in again. */
export async function clearLastStep(url: string, email: string): Promise<void> {
  await withPgClient(url, (client) => client.query('UPDATE "User" SET "mfaLastStep" = NULL WHERE email = $1', [email]));
}
