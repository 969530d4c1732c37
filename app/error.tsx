'use client';

import { useText } from '@/components/i18n/client-texts';
import { Button } from '@/components/ui/button';

/** Unexpected errors: a generic message with the digest the server logged, never the error's text. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useText();
  return (
    <main id="main" className="mx-auto max-w-md space-y-4 px-4 py-12">
      <h1 className="text-2xl font-bold">{t('error.title')}</h1>
      <p>
        {t('error.text')} <code>{error.digest ?? '–'}</code>
      </p>
      <Button type="button" variant="secondary" onClick={reset}>
        {t('error.retry')}
      </Button>
    </main>
  );
}
