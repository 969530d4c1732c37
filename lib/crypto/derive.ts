import { hkdfSync } from 'node:crypto';

import { env } from '@/lib/env';

/**
 * Keys for keyed hashes (HMAC), each derived from `HASH_SECRET` with its own label (HKDF-SHA256), so that
 * no two uses share a key and none shares one with the sessions or the encryption keyring. A label never
 * changes: changing it changes every hash made with it. Deriving costs microseconds; nothing is cached.
 */
export type HashLabel = 'sign-in-throttle' | 'submission-fingerprint' | 'case-number-index';

export function hashKey(label: HashLabel): Buffer {
  return Buffer.from(hkdfSync('sha256', env().HASH_SECRET, 'vermittlung-hg', label, 32));
}
