import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers, with libphonenumber-js and its full metadata (the number plans of every country, kept up to
 * date by the library), in one place: validation (lib/referrals/schema.ts) and display. Client-safe; it
 * loads only with the form's validation and the pages that show a number, never with a route's first
 * JavaScript.
 */
const WRITTEN = /^[+0-9 ()/.-]+$/;

/**
 * The number in E.164 ("+4951112345678") if it can exist: German or international notation, digits with the
 * separators people write. E.164 allows 15 digits at most; the metadata's patterns alone let some longer
 * German numbers through.
 */
export function toE164(written: string): string | null {
  if (!WRITTEN.test(written)) return null;
  const number = parsePhoneNumberFromString(written, 'DE');
  return number?.isValid() && number.number.length <= 16 ? number.number : null;
}

/**
 * A stored number as people read it, so that a wrong digit stands out: German numbers as dialled in Germany
 * ("0157 31234567"), others internationally ("+33 1 23 45 67 89").
 */
export function displayPhone(e164: string): string {
  const number = parsePhoneNumberFromString(e164);
  if (!number) return e164;
  return number.countryCallingCode === '49' ? number.formatNational() : number.formatInternational();
}
