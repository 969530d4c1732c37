'use client';

import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState } from 'react';

import { Button } from '@/components/ui/button';

import { safeNextPath, secondFactorStepFor } from '@/lib/auth/next-path';

/**
 * Starts sign-in at the directorate's identity provider. next-auth needs a POST with its CSRF token, which
 * `signIn()` fetches, so this step needs JavaScript (as the password form does).
 */
export function OidcSignInButton({ next }: { next?: string }) {
  const t = useTranslations('signIn');
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    try {
      // Through the second-factor step, which passes straight on when the provider already asked for one.
      await signIn('oidc', { callbackUrl: secondFactorStepFor(safeNextPath(next, window.location.origin)) });
    } catch {
      // next-auth navigates to its error page itself; this only re-enables the button.
      setPending(false);
    }
  }

  return (
    <Button type="button" onClick={onClick} disabled={pending} className="w-full">
      {pending ? t('oidcRedirecting') : t('oidc')}
    </Button>
  );
}
