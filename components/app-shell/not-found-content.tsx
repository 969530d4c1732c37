import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';

/** "Seite nicht gefunden": also what a record or page outside the actor's scope looks like. */
export async function NotFoundContent() {
  const t = await getTranslations('notFound');
  return (
    <div className="mx-auto max-w-md space-y-4 py-6" data-testid="not-found">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{t('text')}</p>
      <a href="/" className={buttonClass('secondary')}>
        {t('back')}
      </a>
    </div>
  );
}
