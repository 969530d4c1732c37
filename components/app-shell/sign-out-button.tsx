'use client';

import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';

import { buttonClass } from '@/components/ui/button';

const HEADER_CLASS = 'min-h-11 rounded border border-white/60 px-3 text-sm font-semibold hover:bg-white/10';

/** Sign-out in the header bar, or as a plain secondary button on a page (`label` given). */
export function SignOutButton({ label }: { label?: string }) {
  const t = useTranslations('nav');
  return (
    <button
      type="button"
      className={label ? buttonClass('secondary') : HEADER_CLASS}
      onClick={() => void signOut({ callbackUrl: '/anmelden' })}
    >
      {label ?? t('signOut')}
    </button>
  );
}
