import { describe, expect, it } from 'vitest';

import { secondFactorRequired } from '@/lib/auth/mfa/policy';
import { generateRecoveryCodes, normaliseRecoveryCode } from '@/lib/auth/mfa/recovery-codes';
import {
  currentTotpCode,
  formatSecretForTyping,
  generateTotpSecret,
  matchingTimeStep,
  totpUri,
} from '@/lib/auth/mfa/totp';

// RFC 6238 appendix B: the ASCII secret "12345678901234567890" (base32 below), SHA-1.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it('produces the RFC test vectors (last six digits)', () => {
    expect(currentTotpCode(RFC_SECRET, 59_000)).toBe('287082');
    expect(currentTotpCode(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(currentTotpCode(RFC_SECRET, 2_000_000_000_000)).toBe('279037');
  });

  it('matches the code of this period and of the neighbouring ones, and tells which step', () => {
    const now = 1_111_111_109_000;
    const step = Math.floor(now / 30_000);
    expect(matchingTimeStep(RFC_SECRET, currentTotpCode(RFC_SECRET, now), now)).toBe(step);
    expect(matchingTimeStep(RFC_SECRET, currentTotpCode(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(matchingTimeStep(RFC_SECRET, currentTotpCode(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
    expect(matchingTimeStep(RFC_SECRET, currentTotpCode(RFC_SECRET, now - 60_000), now)).toBeNull();
    expect(matchingTimeStep(RFC_SECRET, '12345', now)).toBeNull();
    expect(matchingTimeStep(RFC_SECRET, 'abcdef', now)).toBeNull();
  });

  it('generates 160-bit secrets and an otpauth URI naming the app', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(totpUri(secret, 'a@b.example')).toBe(
      `otpauth://totp/Vermittlung%20HG:a%40b.example?issuer=Vermittlung%20HG&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(formatSecretForTyping('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes of three groups of four, without look-alike characters', () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    codes.forEach((c) => expect(c).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/));
  });

  it('are recognised however they are typed', () => {
    expect(normaliseRecoveryCode(' abcd-efgh jkmn ')).toBe('ABCDEFGHJKMN');
    expect(normaliseRecoveryCode('123456')).toBeNull();
    expect(normaliseRecoveryCode('ABCD-EFGH-JKM0')).toBeNull();
  });
});

describe('who needs a second factor', () => {
  it('is every role but officers, officers when required or enrolled, and any unknown role', () => {
    const opts = { enrolled: false, officersRequired: false };
    for (const role of ['SUPERVISOR', 'ADMIN', 'PARTNER', 'AUDITOR', 'JANITOR']) {
      expect(secondFactorRequired(role, opts)).toBe(true);
    }
    expect(secondFactorRequired('OFFICER', opts)).toBe(false);
    expect(secondFactorRequired('OFFICER', { ...opts, officersRequired: true })).toBe(true);
    expect(secondFactorRequired('OFFICER', { ...opts, enrolled: true })).toBe(true);
  });
});
