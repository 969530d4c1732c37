import { getLocale, getTranslations } from 'next-intl/server';

import { setLocaleAction } from '@/lib/i18n/actions';

/** Switches between German and English: a server-rendered form, no JavaScript of its own. */
export async function LanguageSwitch() {
  const [t, locale] = await Promise.all([getTranslations('nav'), getLocale()]);
  const other = locale === 'de' ? 'en' : 'de';
  return (
    <form action={setLocaleAction}>
      <button
        type="submit"
        name="locale"
        value={other}
        lang={other}
        className="min-h-11 rounded px-2 text-sm underline underline-offset-4 hover:no-underline"
      >
        {t('switchTo')}
      </button>
    </form>
  );
}
