import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';

import { open, seal } from '@/lib/crypto/keyring';

/**
 * Envelope encryption of a referral's personal data (DESIGN.md section 7, ADR 0009). Each referral has its
 * own random 256-bit data key; the data is sealed with AES-256-GCM under that key, and the data key is
 * stored wrapped by the key-encryption keyring (lib/crypto/keyring.ts, `ENCRYPTION_KEYS`). Hence:
 *
 * - rotating the key-encryption key re-wraps the data keys (`npm run keys:rotate`) and never touches data;
 * - destroying a referral's wrapped data key (crypto-shredding) makes everything sealed under it unreadable
 *   for good, in every copy of the database made afterwards and, once the key-encryption key in use before
 *   is retired, in older backups too.
 *
 * A data ciphertext names its data key and is bound to what it belongs to (associated data: table, column
 * and row, e.g. "Referral.details:<id>"): copied to another row or column, it no longer opens.
 *
 *   e1.<data key id>.<iv>.<tag>.<ciphertext>   (base64url parts)
 *
 * Plain Node (no server-only): the key-rotation CLI and the database fill use it too.
 */
const VERSION = 'e1';

export type DataKey = {
  /** Names the key in every ciphertext made with it. */
  id: string;
  key: Buffer;
};

/** What the wrapped data key of a referral is bound to. */
export const dataKeyContext = (referralId: string) => `Referral.dataKey:${referralId}`;

/** A fresh data key for a new referral, and its wrapped form for the database. */
export function newDataKey(referralId: string): { dataKey: DataKey; wrapped: string } {
  const dataKey = { id: randomUUID(), key: randomBytes(32) };
  return { dataKey, wrapped: seal(`${dataKey.id}.${dataKey.key.toString('base64url')}`, dataKeyContext(referralId)) };
}

/** The data key of a referral, or null when it was destroyed or cannot be unwrapped with the keyring. */
export function unwrapDataKey(wrapped: string | null, referralId: string): DataKey | null {
  if (!wrapped) return null;
  const plain = open(wrapped, dataKeyContext(referralId));
  const [id, key] = plain?.split('.') ?? [];
  return id && key ? { id, key: Buffer.from(key, 'base64url') } : null;
}

const b64 = (value: Buffer) => value.toString('base64url');

/** Seals `value` (serialised as JSON) under the data key, bound to `context`. */
export function sealJson(dataKey: DataKey, value: unknown, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [VERSION, dataKey.id, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
}

/**
 * The value sealed in `sealed`, or null when it does not open: another data key, another context, or
 * tampered with. The caller validates the shape it expects.
 */
export function openJson(dataKey: DataKey, sealed: string | null, context: string): unknown {
  const parts = sealed?.split('.') ?? [];
  if (parts.length !== 5 || parts[0] !== VERSION || parts[1] !== dataKey.id) return null;
  const [, , iv, tag, body] = parts as [string, string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey.key, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
