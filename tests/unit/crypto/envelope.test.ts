import { randomBytes } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { dataKeyContext, newDataKey, openJson, sealJson, unwrapDataKey, type DataKey } from '@/lib/crypto/envelope';
import { resetEnvCache } from '@/lib/env';

const REFERRAL = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const OTHER_REFERRAL = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c';
const DETAILS = `Referral.details:${REFERRAL}`;

const person = {
  firstName: 'Marie',
  lastName: 'Schneider-Öztürk',
  phone: '+495119876543',
  note: 'Hund im Haus 🐕, bitte nur vormittags anrufen.',
  children: [3, 7],
};

const kek = () => randomBytes(32).toString('base64');
const KEK = kek();

function useKeys(value: string) {
  vi.stubEnv('ENCRYPTION_KEYS', value);
  resetEnvCache();
}

beforeEach(() => useKeys(`test-1:${KEK}`));
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** `sealed` with one bit of its `part`-th dot-separated part (base64url) flipped. */
function flipBit(sealed: string, part: number, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[byte % bytes.length]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('envelope encryption of a referral', () => {
  it.each([
    ['an object', person],
    ['a string', 'Jürgen Müller'],
    ['a number', 42],
    ['null', null],
    ['a list', ['VOICEMAIL', 'SMS']],
    ['an empty object', {}],
  ])('opens what it sealed: %s', (_name, value) => {
    const { dataKey } = newDataKey(REFERRAL);
    expect(openJson(dataKey, sealJson(dataKey, value, DETAILS), DETAILS)).toEqual(value);
  });

  it('names the data key in every ciphertext, with a fresh IV each time', () => {
    const { dataKey } = newDataKey(REFERRAL);
    const sealed = sealJson(dataKey, person, DETAILS);
    expect(sealed.startsWith(`e1.${dataKey.id}.`)).toBe(true);
    const [version, keyId, iv, tag, body] = sealed.split('.');
    expect([version, keyId]).toEqual(['e1', dataKey.id]);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(body!, 'base64url')).toHaveLength(Buffer.byteLength(JSON.stringify(person)));
    expect(sealJson(dataKey, person, DETAILS)).not.toBe(sealed);
    expect(sealJson(dataKey, person, DETAILS).split('.')[2]).not.toBe(iv);
  });

  it('gives every referral its own data key', () => {
    const a = newDataKey(REFERRAL).dataKey;
    const b = newDataKey(REFERRAL).dataKey;
    expect(a.id).not.toBe(b.id);
    expect(a.key.equals(b.key)).toBe(false);
    expect(a.key).toHaveLength(32);
  });

  it('does not open in another row or column', () => {
    const { dataKey } = newDataKey(REFERRAL);
    const sealed = sealJson(dataKey, person, DETAILS);
    expect(openJson(dataKey, sealed, `Referral.details:${OTHER_REFERRAL}`)).toBeNull();
    expect(openJson(dataKey, sealed, `ReferralTrack.person:${REFERRAL}`)).toBeNull();
    expect(openJson(dataKey, sealed, '')).toBeNull();
  });

  it.each([
    ['the IV', 2],
    ['the tag', 3],
    ['the body', 4],
  ])('returns null when one bit of %s was flipped', (_name, part) => {
    const { dataKey } = newDataKey(REFERRAL);
    const sealed = sealJson(dataKey, person, DETAILS);
    for (const byte of [0, 5, 11]) expect(openJson(dataKey, flipBit(sealed, part, byte), DETAILS)).toBeNull();
    expect(openJson(dataKey, sealed, DETAILS)).toEqual(person);
  });

  it.each([
    ['shortened', (s: string) => s.slice(0, -2)],
    ['without its tag', (s: string) => s.split('.').toSpliced(3, 1, '').join('.')],
    [
      'with its tag cut to 4 bytes',
      (s: string) => {
        const parts = s.split('.');
        parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url');
        return parts.join('.');
      },
    ],
    ['with a part too many', (s: string) => `${s}.AA`],
    ['of another version', (s: string) => s.replace(/^e1\./, 'e2.')],
    ['empty', () => ''],
    ['garbage', () => 'e1.x.y.z.w'],
  ])('returns null for a ciphertext %s', (_name, change) => {
    const { dataKey } = newDataKey(REFERRAL);
    expect(openJson(dataKey, change(sealJson(dataKey, person, DETAILS)), DETAILS)).toBeNull();
  });

  it('returns null for nothing stored', () => {
    expect(openJson(newDataKey(REFERRAL).dataKey, null, DETAILS)).toBeNull();
  });

  it('does not open with another data key, even one claiming the same id', () => {
    const { dataKey } = newDataKey(REFERRAL);
    const sealed = sealJson(dataKey, person, DETAILS);
    expect(openJson(newDataKey(REFERRAL).dataKey, sealed, DETAILS)).toBeNull();
    const impostor: DataKey = { id: dataKey.id, key: randomBytes(32) };
    expect(openJson(impostor, sealed, DETAILS)).toBeNull();
  });

  it('never shows the plaintext in the ciphertext, nor the data key in its wrapped form', () => {
    const { dataKey, wrapped } = newDataKey(REFERRAL);
    const sealed = sealJson(dataKey, person, DETAILS);
    const json = JSON.stringify(person);
    for (const plain of [person.firstName, person.lastName, person.phone, '9876543', json]) {
      expect(sealed).not.toContain(plain);
    }
    const body = sealed.split('.')[4]!;
    expect(body).not.toBe(Buffer.from(json).toString('base64url'));
    expect(Buffer.from(body, 'base64url').toString('utf8')).not.toContain('Marie');
    expect(wrapped).not.toContain(dataKey.key.toString('base64url'));
    expect(wrapped).not.toContain(dataKey.key.toString('base64'));
    expect(wrapped).not.toContain(dataKey.key.toString('hex'));
  });
});

describe('the wrapped data key', () => {
  it('is wrapped by the current key-encryption key and unwraps to the same data key', () => {
    const { dataKey, wrapped } = newDataKey(REFERRAL);
    expect(wrapped.startsWith('v2.test-1.')).toBe(true);
    const unwrapped = unwrapDataKey(wrapped, REFERRAL);
    expect(unwrapped?.id).toBe(dataKey.id);
    expect(unwrapped?.key.equals(dataKey.key)).toBe(true);
    expect(openJson(unwrapped!, sealJson(dataKey, person, DETAILS), DETAILS)).toEqual(person);
  });

  it('returns null once destroyed (crypto-shredding)', () => {
    expect(unwrapDataKey(null, REFERRAL)).toBeNull();
    expect(unwrapDataKey('', REFERRAL)).toBeNull();
  });

  it('does not unwrap for another referral', () => {
    const { wrapped } = newDataKey(REFERRAL);
    expect(dataKeyContext(REFERRAL)).toBe(`Referral.dataKey:${REFERRAL}`);
    expect(unwrapDataKey(wrapped, OTHER_REFERRAL)).toBeNull();
  });

  it('returns null when tampered with', () => {
    const { wrapped } = newDataKey(REFERRAL);
    for (const part of [2, 3, 4]) expect(unwrapDataKey(flipBit(wrapped, part), REFERRAL)).toBeNull();
  });

  it('still unwraps after rotation while the old key-encryption key is in the ring, and not once it is gone', () => {
    const { dataKey, wrapped } = newDataKey(REFERRAL);
    useKeys(`test-2:${kek()},test-1:${KEK}`);
    expect(unwrapDataKey(wrapped, REFERRAL)?.key.equals(dataKey.key)).toBe(true);
    expect(newDataKey(REFERRAL).wrapped.startsWith('v2.test-2.')).toBe(true);
    useKeys(`test-2:${kek()}`);
    expect(unwrapDataKey(wrapped, REFERRAL)).toBeNull();
  });
});
