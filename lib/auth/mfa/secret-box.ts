import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

import { env } from '@/lib/env';

/**
 * Encrypts TOTP secrets at rest (AES-256-GCM). The key is derived from AUTH_SECRET with HKDF, so a
 * database dump alone does not yield anybody's second factor. Changing AUTH_SECRET makes the stored
 * secrets unreadable: every second factor then has to be reset (README, "Konfiguration").
 * Not marked server-only because the seed (plain Node) uses it too; it never reaches a client bundle.
 */
const VERSION = 'v1';

function key(): Buffer {
  return Buffer.from(hkdfSync('sha256', env().AUTH_SECRET, 'vermittlung-hg', 'totp-secret', 32));
}

export function seal(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The plaintext, or null when the value was sealed with another key or tampered with. */
export function open(sealed: string): string | null {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
