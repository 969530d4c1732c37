import { z } from 'zod/mini';

import { LOCALES } from '@/lib/i18n/config';

/** The language switch's form: one field, `locale`, one of the interface languages. */
export const localeForm = z.pipe(
  z.pipe(
    z.instanceof(FormData),
    z.transform((form) => form.get('locale')),
  ),
  z.enum(LOCALES),
);
