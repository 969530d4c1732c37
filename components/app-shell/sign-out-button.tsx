'use client';

import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';

export function SignOutButton() {
  const t = useTranslations('nav');
  return (
    <button
      type="button"
      className="min-h-11 rounded border border-white/60 px-3 text-sm font-semibold hover:bg-white/10"
      onClick={() => void signOut({ callbackUrl: '/anmelden' })}
    >
      {t('signOut')}
    </button>
  );
}
