'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { setPasswordWithLinkAction } from '@/lib/users/actions';
import { setPasswordInput, type SetPasswordInput } from '@/lib/users/schema';

/** Where the person goes once the password is set; the sign-in page shows the success message. */
export const PASSWORD_SET_REDIRECT = '/anmelden?passwort=festgelegt';

const FIELDS = [
  { name: 'newPassword', hint: true },
  { name: 'confirmation', hint: false },
] as const;

/**
 * The page behind the one-time link: the person sets their own password (the admin never knows it). The
 * account's address is in a hidden username field, so that password managers store the pair correctly.
 */
export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations('users.passwordLink');
  const router = useRouter();
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const [notice, setNotice] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<SetPasswordInput>({
    resolver: schemaResolver<SetPasswordInput>(setPasswordInput),
    defaultValues: { token, newPassword: '', confirmation: '' },
  });

  async function onValid(values: SetPasswordInput) {
    setNotice(null);
    const result = await setPasswordWithLinkAction(values).catch(() => null);
    if (result?.ok) {
      router.push(PASSWORD_SET_REDIRECT);
      return;
    }
    setNotice(result?.message ?? message('errors.codes.UNKNOWN') ?? null);
    showServerFieldErrors(result?.fieldErrors, setError, ['newPassword', 'confirmation']);
  }

  return (
    <form method="post" onSubmit={handleSubmit(onValid)} noValidate className="space-y-4">
      {notice && (
        <Alert tone="error" announce testId="set-password-error">
          {notice}
        </Alert>
      )}
      <input type="hidden" {...register('token')} />
      <div className="space-y-1">
        <label htmlFor="username" className="block text-base font-semibold">
          {t('account')}
        </label>
        <input
          id="username"
          type="email"
          name="username"
          autoComplete="username"
          readOnly
          value={email}
          className={`${inputClass} bg-slate-100`}
        />
      </div>
      {FIELDS.map(({ name, hint }) => (
        <Field
          key={name}
          id={name}
          label={t(name)}
          hint={hint ? t('newPasswordHint') : undefined}
          error={message(formState.errors[name]?.message)}
        >
          {(aria) => (
            <input {...aria} type="password" autoComplete="new-password" className={inputClass} {...register(name)} />
          )}
        </Field>
      ))}
      <Button type="submit" disabled={!hydrated || formState.isSubmitting} className="w-full">
        {formState.isSubmitting ? t('submitting') : t('submit')}
      </Button>
    </form>
  );
}
