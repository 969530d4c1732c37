'use client';

import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useTransition } from 'react';

import { setLocaleAction } from '@/lib/i18n/actions';

export function LanguageSwitch() {
  const t = useTranslations('nav');
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const other = locale === 'de' ? 'en' : 'de';
  return (
    <button
      type="button"
      lang={other}
      disabled={pending}
      className="min-h-11 rounded px-2 text-sm underline underline-offset-4 hover:no-underline"
      onClick={() =>
        startTransition(async () => {
          await setLocaleAction(other);
          router.refresh();
        })
      }
    >
      {t('switchTo')}
    </button>
  );
}
