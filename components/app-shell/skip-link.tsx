import { getTranslations } from 'next-intl/server';

export async function SkipLink() {
  const t = await getTranslations('app');
  return (
    <a
      href="#main"
      className="focus:text-brand-900 sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-10 focus:rounded focus:bg-white focus:p-3"
    >
      {t('skipToContent')}
    </a>
  );
}
