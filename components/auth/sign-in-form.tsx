'use client';

import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';

import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';

import { safeNextPath, secondFactorStepFor } from '@/lib/auth/next-path';

export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations('signIn');
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    setMissing({ email: !email, password: !password });
    if (!email || !password) {
      event.currentTarget.querySelector<HTMLInputElement>(email ? '#password' : '#email')?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', { email, password, redirect: false });
      if (result?.ok && !result.error) {
        // Through the second-factor step (it passes straight on when none is owed); a full navigation, so
        // every server component renders with the new session.
        window.location.assign(secondFactorStepFor(safeNextPath(next, window.location.origin)));
        return;
      }
      // The server says UNAVAILABLE when it could not check the password (e.g. the database is down).
      setError(result?.error === 'UNAVAILABLE' || (result?.status ?? 0) >= 500 ? t('unavailable') : t('failed'));
    } catch {
      setError(t('unavailable'));
    }
    setPending(false);
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {error && (
        <Alert tone="error" announce testId="sign-in-error">
          {error}
        </Alert>
      )}
      <Field id="email" label={t('email')} error={missing.email ? t('emailRequired') : undefined}>
        {(aria) => (
          <input {...aria} name="email" type="email" autoComplete="username" inputMode="email" className={inputClass} />
        )}
      </Field>
      <Field id="password" label={t('password')} error={missing.password ? t('passwordRequired') : undefined}>
        {(aria) => (
          <input {...aria} name="password" type="password" autoComplete="current-password" className={inputClass} />
        )}
      </Field>
      <Button type="submit" disabled={!hydrated || pending} className="w-full">
        {pending ? t('submitting') : t('submit')}
      </Button>
    </form>
  );
}
