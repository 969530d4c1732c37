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
/** The same, except line breaks (`multiline`: a text area). */
const FORBIDDEN_IN_MULTILINE =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\uD800-\uDFFF]/u;

/**
 * `format` runs after the basic checks passed, with its own message key. `multiline` allows line breaks
 * (written as \n whatever the browser sent), nothing else invisible.
 */
export function cleanText(options: {
  max: number;
  multiline?: boolean;
  /** An optional text field: empty (after trimming) is valid and stays ''. */
  allowEmpty?: boolean;
  format?: { test: (s: string) => boolean; error: string };
}) {
  const { max, format, multiline = false, allowEmpty = false } = options;
  const forbidden = multiline ? FORBIDDEN_IN_MULTILINE : FORBIDDEN_CHARACTERS;
  return z.string({ error: 'errors.required' }).check(
    z.normalize('NFC'),
    ...(multiline ? [z.overwrite((s: string) => s.replace(/\r\n?/g, '\n'))] : []),
    z.trim(),
    z.refine((s: string) => !forbidden.test(s), { error: 'errors.invalidCharacters', abort: true }),
    ...(allowEmpty ? [] : [z.refine<string>((s) => s.length > 0, { error: 'errors.required', abort: true })]),
    z.refine((s: string) => s.length <= max, { error: 'errors.tooLong', abort: true }),
    ...(format ? [z.refine<string>((s) => (allowEmpty && s === '') || format.test(s), { error: format.error })] : []),
  );
}

/** Names as written on an ID: letters (any script) with spaces, hyphens, apostrophes and dots. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}' .\u2019-]*$/u;

/** A person's name: of an affected person, and of staff (no look-alikes through invisible characters). */
export function personName(max = 100) {
  return cleanText({ max, format: { test: (s) => NAME_PATTERN.test(s), error: 'errors.nameCharacters' } });
}

/** A phone number as people write it: digits with spaces, brackets, slashes, hyphens, a leading +. */
export function phoneNumber(max = 30) {
  return cleanText({
    max,
    format: {
      test: (s) => /^\+?[0-9 ()/-]+$/.test(s) && /^\d{6,15}$/.test(s.replace(/\D/g, '')),
      error: 'errors.phoneFormat',
    },
  });
}

export const EMAIL_MAX_LENGTH = 254;

/** An e-mail address, trimmed and lower-cased. */
export function emailAddress() {
  return z
    .string({ error: 'errors.required' })
    .check(
      z.trim(),
      z.toLowerCase(),
      z.minLength(1, { error: 'errors.required', abort: true }),
      z.maxLength(EMAIL_MAX_LENGTH, { error: 'errors.tooLong', abort: true }),
      z.email({ error: 'errors.emailFormat' }),
    );
}
