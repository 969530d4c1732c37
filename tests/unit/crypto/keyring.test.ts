import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { openTotpSecret, sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { hashKey } from '@/lib/crypto/derive';
import { open, seal, sealedKeyId } from '@/lib/crypto/keyring';
import { resetEnvCache } from '@/lib/env';

const key = () => randomBytes(32).toString('base64');
const [A, B] = [key(), key()];

function useKeys(value: string) {
  vi.stubEnv('ENCRYPTION_KEYS', value);
  resetEnvCache();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('encryption keyring', () => {
  it('seals under the first key, names it, and opens only in the same context', () => {
    useKeys(`2026-11:${A},2025-01:${B}`);
    const sealed = seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealed.startsWith('v2.2026-11.')).toBe(true);
    expect(sealedKeyId(sealed)).toBe('2026-11');
    expect(open(sealed, 'totp:user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(open(sealed, 'totp:user-2')).toBeNull(); // moved to another account
    expect(seal('JBSWY3DPEHPK3PXP', 'totp:user-1')).not.toBe(sealed); // fresh IV each time
  });

  it('opens values of an older key still in the ring, and nothing once the key is gone', () => {
    useKeys(`2025-01:${B}`);
    const old = seal('geheim', 'c');
    useKeys(`2026-11:${A},2025-01:${B}`);
    expect(open(old, 'c')).toBe('geheim');
    useKeys(`2026-11:${A}`);
    expect(open(old, 'c')).toBeNull();
  });

  it('refuses tampered values and garbage', () => {
    useKeys(`k1:${A}`);
    const [v, id, iv, tag, body] = seal('geheim', 'c').split('.');
    const flipped = `${body![0] === 'A' ? 'B' : 'A'}${body!.slice(1)}`;
    expect(open([v, id, iv, tag, flipped].join('.'), 'c')).toBeNull();
    expect(open([v, 'k2', iv, tag, body].join('.'), 'c')).toBeNull();
    expect(open('garbage', 'c')).toBeNull();
    expect(sealedKeyId('garbage')).toBeNull();
  });

  it('accepts any well-formed key id, also one that names an object property', () => {
    useKeys(`constructor:${A},tostring:${B}`);
    expect(open(seal('geheim', 'c'), 'c')).toBe('geheim');
  });

  it('refuses a shortened authentication tag', () => {
    useKeys(`k1:${A}`);
    const [v, id, iv, tag, body] = seal('geheim', 'c').split('.');
    const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url');
    expect(open([v, id, iv, short, body].join('.'), 'c')).toBeNull();
  });

  it('binds TOTP secrets to their account', () => {
    const sealed = sealTotpSecret('user-1', 'JBSWY3DPEHPK3PXP');
    expect(openTotpSecret('user-1', sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(openTotpSecret('user-2', sealed)).toBeNull();
  });

  it('does not depend on AUTH_SECRET or HASH_SECRET: rotating either keeps every second factor', () => {
    const sealed = sealTotpSecret('user-1', 'JBSWY3DPEHPK3PXP');
    vi.stubEnv('AUTH_SECRET', 'a-completely-different-session-secret-0123456789');
    vi.stubEnv('HASH_SECRET', 'a-completely-different-hash-secret-0123456789');
    resetEnvCache();
    expect(openTotpSecret('user-1', sealed)).toBe('JBSWY3DPEHPK3PXP');
  });
});

describe('labelled derivations for keyed hashes', () => {
  it('give each use its own key, from HASH_SECRET only', () => {
    const throttle = hashKey('sign-in-throttle');
    expect(hashKey('submission-fingerprint').equals(throttle)).toBe(false);
    vi.stubEnv('AUTH_SECRET', 'a-completely-different-session-secret-0123456789');
    resetEnvCache();
    expect(hashKey('sign-in-throttle').equals(throttle)).toBe(true);
    vi.stubEnv('HASH_SECRET', 'a-completely-different-hash-secret-0123456789');
    resetEnvCache();
    expect(hashKey('sign-in-throttle').equals(throttle)).toBe(false);
  });
});
