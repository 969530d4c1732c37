import 'server-only';

import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Passwords people commonly choose (about 49,000, bundled with zxcvbn-ts, so the check works offline)
 * and words anyone would guess here are refused (ASVS 6.2.4, BSI ORP.4.A23).
 */
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
const CONTEXT_WORDS = ['polizei', 'hannover', 'vermittlung', 'passwort', 'password'];

export function isGuessablePassword(password: string, email: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  const local = email.split('@')[0]!.toLowerCase();
  const words = [...CONTEXT_WORDS, ...(local.length >= 4 ? [local] : [])];
  // A context word with a few characters around it ("Polizei2026!") is still a guess.
  return words.some((word) => lower.includes(word) && lower.length - word.length < 8);
}
