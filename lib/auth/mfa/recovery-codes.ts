import { randomInt } from 'node:crypto';

/**
 * Recovery codes: ten single-use codes of 12 characters from an alphabet without look-alikes (60 bits
 * each), shown once as XXXX-XXXX-XXXX and stored only as argon2id hashes.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 12;

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return raw.match(/.{4}/g)!.join('-');
  });
}

/** What was typed, as the code is hashed: upper case, without spaces and dashes; null if not a code. */
export function normaliseRecoveryCode(typed: string): string | null {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '');
  return compact.length === LENGTH && [...compact].every((c) => ALPHABET.includes(c)) ? compact : null;
}
