import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { env } from '@/lib/env';

/**
 * Everything the app stores encrypted goes through here (DESIGN.md section 7): AES-256-GCM under a
 * key-encryption key from the keyring of `ENCRYPTION_KEYS` (README, "Configuration"). Every ciphertext names
 * the key it was sealed with, so a new current key can be put first while older ones stay for reading until
 * `npm run keys:rotate` has re-sealed everything (lib/crypto/rotate.ts). Every ciphertext is bound to what it
 * belongs to (the associated data, e.g. "totp:<user id>"): moved to another account or column, it no longer
 * opens.
 *
 *   v2.<key id>.<iv>.<tag>.<ciphertext>   (base64url parts)
 *
 * Not marked server-only because the seed and the CLIs (plain Node) use it too; it never reaches a client
 * bundle.
 */
const VERSION = 'v2';

const b64 = (value: Buffer) => value.toString('base64url');

/** Seals `plaintext` under the current key, bound to `context`. */
export function seal(plaintext: string, context: string): string {
  const { currentId, keys } = env().ENCRYPTION_KEYS;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys[currentId]!, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, currentId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
}

/**
 * The plaintext, or null when the value cannot be opened: its key is no longer in the keyring, it belongs
 * to another context, or it was tampered with.
 */
export function open(sealed: string, context: string): string | null {
  const parts = sealed.split('.');
  if (parts[0] !== VERSION || parts.length !== 5) return null;
  const { keys } = env().ENCRYPTION_KEYS;
  return Object.hasOwn(keys, parts[1]!) ? decrypt(keys[parts[1]!]!, parts.slice(2), context) : null;
}

/** How every value sealed with `keyId` begins (key ids hold no "%" or "_", so it also works in LIKE). */
export const sealedPrefix = (keyId: string) => `${VERSION}.${keyId}.`;

/** The id of the key a value was sealed with, or null when it is no sealed value. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split('.');
  return parts[0] === VERSION && parts.length === 5 ? parts[1]! : null;
}

function decrypt(key: Buffer, [iv, tag, body]: string[], context: string): string | null {
  try {
    // The full 16-byte tag only: a shortened one would make forgeries cheaper.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
