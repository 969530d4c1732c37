'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { SetPasswordForm } from '@/components/users/set-password-form';
import { openPasswordLinkAction } from '@/lib/users/actions';
import { PASSWORD_TOKEN_PATTERN } from '@/lib/users/schema';

type State =
  { kind: 'opening' } | { kind: 'ready'; token: string; email: string } | { kind: 'invalid' } | { kind: 'unreachable' };

/**
 * Opens the one-time link in the browser: reads the token from the fragment, asks whose link it is, and
 * takes the token out of the address bar and the history as soon as the server has judged it (after a lost
 * connection or a server error it stays, so that reloading tries again).
 */
export function PasswordLink() {
  const t = useTranslations('users.passwordLink');
  const tErrors = useTranslations('errors.codes');
  const [state, setState] = useState<State>({ kind: 'opening' });

  useEffect(() => {
    const token = window.location.hash.slice(1);
    const lookup = PASSWORD_TOKEN_PATTERN.test(token)
      ? openPasswordLinkAction({ token })
      : Promise.resolve({ ok: false, code: 'INVALID_STATE' } as const);
    lookup.then(
      (result) => {
        // Unknown, expired or used: the link is dead. Anything else (the server unreachable, a failover) is not
        // the link's fault: the token stays, so that reloading tries again.
        if (!result.ok && result.code !== 'INVALID_STATE' && result.code !== 'INVALID_INPUT') {
          setState({ kind: 'unreachable' });
          return;
        }
        window.history.replaceState(null, '', window.location.pathname);
        setState(result.ok ? { kind: 'ready', token, email: result.data.email } : { kind: 'invalid' });
      },
      () => setState({ kind: 'unreachable' }),
    );
  }, []);

  if (state.kind === 'opening') return <p className="text-slate-700">{t('opening')}</p>;
  if (state.kind === 'unreachable') return <Alert tone="error">{tErrors('UNKNOWN')}</Alert>;
  if (state.kind === 'invalid') {
    return (
      <>
        <Alert tone="error" testId="password-link-invalid">
          {t('invalid')}
        </Alert>
        <a href="/anmelden" className={buttonClass('secondary')}>
          {t('toSignIn')}
        </a>
      </>
    );
  }
  return (
    <>
      <p className="text-slate-700">{t('intro')}</p>
      <SetPasswordForm token={state.token} email={state.email} />
    </>
  );
}
