import { z } from 'zod';

/**
 * Text from people, normalised (Unicode NFC, trimmed) and rejected when it holds control characters,
 * NUL bytes, bidirectional overrides or isolates (DESIGN.md section 4): such characters can hide or
 * reorder what a caseworker reads. Messages are keys of the `errors` namespace.
 */
const FORBIDDEN_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/u;

export function cleanText(options: { max: number }) {
  return z
    .string({ error: 'errors.required' })
    .normalize('NFC')
    .trim()
    .refine((s) => !FORBIDDEN_CHARACTERS.test(s), { error: 'errors.invalidCharacters', abort: true })
    .refine((s) => s.length > 0, { error: 'errors.required', abort: true })
    .refine((s) => s.length <= options.max, { error: 'errors.tooLong' });
}
