import { useTranslations } from 'next-intl';

/** Turns a message key from a schema or a server action (`errors.*`) into text; unknown keys read generic. */
export function useErrorMessage(): (key: string | undefined) => string | undefined {
  const t = useTranslations();
  return (key) => (key ? (t.has(key) ? t(key) : t('errors.invalid')) : undefined);
}
