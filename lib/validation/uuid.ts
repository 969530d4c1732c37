import { z } from 'zod/mini';

/** A UUID as PostgreSQL writes it (any version): ids from URLs and forms are checked before any query. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/**
 * An id from a form, lower-cased: PostgreSQL compares uuids regardless of case, but the app compares ids as
 * strings (is this my own account? the partner the rule chose?), so an upper-case copy must not slip past.
 */
export const uuidField = (error: string) =>
  z.string({ error }).check(z.regex(UUID_PATTERN, { error }), z.toLowerCase());
