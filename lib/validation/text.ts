import { z } from 'zod/mini';

/**
 * Text from people, normalised (Unicode NFC, trimmed) and rejected when it holds control characters,
 * NUL bytes, bidirectional overrides or isolates, invisible characters (zero-width space and joiners, word
 * joiner) or lone surrogates (DESIGN.md section 4): such characters can hide or reorder what a caseworker
 * reads, or make two names look alike. Messages are keys of the `errors` namespace.
 *
 * Client-safe schemas use `zod/mini`: the same validation as classic zod at a fraction of the browser
 * bundle (the officer form's JavaScript budget, DESIGN.md section 11).
 */
const FORBIDDEN_CHARACTERS =
  /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\uD800-\uDFFF]/u;

/** `format` runs after the basic checks passed, with its own message key. */
export function cleanText(options: { max: number; format?: { test: (s: string) => boolean; error: string } }) {
  const { max, format } = options;
  return z.string({ error: 'errors.required' }).check(
    z.normalize('NFC'),
    z.trim(),
    z.refine((s: string) => !FORBIDDEN_CHARACTERS.test(s), { error: 'errors.invalidCharacters', abort: true }),
    z.refine((s: string) => s.length > 0, { error: 'errors.required', abort: true }),
    z.refine((s: string) => s.length <= max, { error: 'errors.tooLong', abort: true }),
    ...(format ? [z.refine<string>((s) => format.test(s), { error: format.error })] : []),
  );
}

/** Names as written on an ID: letters (any script) with spaces, hyphens, apostrophes and dots. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}' .\u2019-]*$/u;

/** A person's name: of an affected person, and of staff (no look-alikes through invisible characters). */
export function personName(max = 100) {
  return cleanText({ max, format: { test: (s) => NAME_PATTERN.test(s), error: 'errors.nameCharacters' } });
}
