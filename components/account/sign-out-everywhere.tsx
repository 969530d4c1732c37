'use client';

import { useTranslations } from 'next-intl';
import { useRouter } from 'next/navigation';
import { useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { signOutEverywhereAction } from '@/lib/auth/actions';

export function SignOutEverywhere() {
  const t = useTranslations('account');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const router = useRouter();
  async function onClick() {
    setPending(true);
    const result = await signOutEverywhereAction().catch(() => null);
    if (result?.ok) {
      // Every session is revoked and this browser's cookie is gone.
      router.push('/anmelden');
      return;
    }
    setError(result?.message ?? t('failed'));
    setPending(false);
  }
  return (
    <section aria-labelledby="account-heading" className="space-y-2 border-t border-slate-300 pt-4">
      <h2 id="account-heading" className="text-lg font-bold">
        {t('title')}
      </h2>
      <p className="max-w-prose text-sm text-slate-700">{t('signOutEverywhereHint')}</p>
      {error && (
        <Alert tone="error" announce>
          {error}
        </Alert>
      )}
      <Button type="button" variant="secondary" disabled={pending} onClick={() => void onClick()}>
        {t('signOutEverywhere')}
      </Button>
    </section>
  );
}
