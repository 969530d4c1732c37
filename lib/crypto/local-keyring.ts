import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { DEV_ENCRYPTION_KEYS } from '@/lib/env';

/**
 * `npm run dev` without ENCRYPTION_KEYS (ADR 0009): a key made on this machine and kept in
 * `${DATA_DIR}/encryption-keys` (readable by the owner only), next to the database it protects, so that a
 * development database never holds referral data under a key published in the repository. The published
 * development key stays in the ring as an older key, so values an earlier version sealed with it still open.
 * Production never gets here: it refuses to start without ENCRYPTION_KEYS.
 */
export function localDevelopmentKeyring(dataDir: string): { keyring: string; created: boolean } {
  const file = path.join(dataDir, 'encryption-keys');
  try {
    return { keyring: readFileSync(file, 'utf8').trim(), created: false };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const keyring = `local:${randomBytes(32).toString('base64')},${DEV_ENCRYPTION_KEYS}`;
    writeFileSync(file, `${keyring}\n`, { mode: 0o600, flag: 'wx' });
    return { keyring, created: true };
  }
}
