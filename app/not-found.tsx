import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';

/** Also what a record or page outside the actor's scope looks like: forbidden is never distinguishable. */
export default async function NotFound() {
  const t = await getTranslations('notFound');
  return (
    <main id="main" className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{t('text')}</p>
      <a href="/" className={buttonClass('secondary')}>
        {t('back')}
      </a>
    </main>
  );
}
