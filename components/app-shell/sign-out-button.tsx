import { getTranslations } from 'next-intl/server';

import { buttonClass } from '@/components/ui/button';

const HEADER_CLASS = 'min-h-11 rounded border border-white/60 px-3 text-sm font-semibold hover:bg-white/10';

/**
 * Sign-out in the header bar, or as a plain secondary button on a page (`label` given). A server-rendered
 * form posting to the sign-out route (app/abmelden/route.ts): it works before, while and after the page's
 * JavaScript loads, and adds none.
 */
export async function SignOutButton({ label }: { label?: string }) {
  const t = await getTranslations('nav');
  return (
    <form method="post" action="/abmelden">
      <button type="submit" className={label ? buttonClass('secondary') : HEADER_CLASS}>
        {label ?? t('signOut')}
      </button>
    </form>
  );
}
