'use client';

import { useTranslations } from 'next-intl';

import { Button } from '@/components/ui/button';

/** Unexpected errors: a generic message with the digest the server logged, never the error's text. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations('error');
  return (
    <main id="main" className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p>{t('text', { digest: error.digest ?? '–' })}</p>
      <Button type="button" variant="secondary" onClick={reset}>
        {t('retry')}
      </Button>
    </main>
  );
}
