/**
 * Languages a partner can offer, as ISO 639-1 codes; names come from the platform (Intl.DisplayNames) in the
 * reader's language. The list is the languages most asked for in the Region Hannover; a code outside it is
 * refused, so the officer's choice (issue 10: preferred language) and the partner's offer always match.
 */
export const LANGUAGE_CODES = [
  'de',
  'en',
  'ar',
  'bg',
  'el',
  'es',
  'fa',
  'fr',
  'hr',
  'it',
  'ku',
  'pl',
  'ps',
  'pt',
  'ro',
  'ru',
  'so',
  'sq',
  'sr',
  'ti',
  'tr',
  'uk',
  'vi',
] as const;
export type LanguageCode = (typeof LANGUAGE_CODES)[number];

export function languageName(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
}

/** Every offered language with its name in `locale`, German first, then alphabetically. */
export function languageOptions(locale: string): { code: LanguageCode; name: string }[] {
  const names = LANGUAGE_CODES.map((code) => ({ code, name: languageName(code, locale) }));
  return [names[0]!, ...names.slice(1).sort((a, b) => a.name.localeCompare(b.name, locale))];
}
