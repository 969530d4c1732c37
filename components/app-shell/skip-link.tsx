import { getTranslations } from 'next-intl/server';

export async function SkipLink() {
  const t = await getTranslations('app');
  return (
    <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:p-3 focus:text-brand-900">
      {t('skipToContent')}
    </a>
  );
}
