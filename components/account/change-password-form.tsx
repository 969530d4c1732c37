'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm } from 'react-hook-form';

import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { changePasswordAction } from '@/lib/accounts/actions';
import { changePasswordInput, type ChangePasswordInput } from '@/lib/accounts/schema';

type PasswordFieldSpec = { name: keyof ChangePasswordInput; autoComplete: string; hint?: 'account.newPasswordHint' };

const PASSWORD_FIELDS: readonly PasswordFieldSpec[] = [
  { name: 'currentPassword', autoComplete: 'current-password' },
  { name: 'newPassword', autoComplete: 'new-password', hint: 'account.newPasswordHint' },
  { name: 'confirmation', autoComplete: 'new-password' },
];

export function ChangePasswordForm() {
  const t = useTranslations();
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<ChangePasswordInput>({
    resolver: schemaResolver<ChangePasswordInput>(changePasswordInput),
    defaultValues: { currentPassword: '', newPassword: '', confirmation: '' },
  });
  const message = useErrorMessage();
  const errorOf = (name: keyof ChangePasswordInput) => message(formState.errors[name]?.message);

  async function onValid(values: ChangePasswordInput) {
    setNotice(null);
    const result = await changePasswordAction(values).catch(() => null);
    if (result?.ok) {
      reset();
      setNotice({ tone: 'success', text: t('account.passwordChanged') });
      return;
    }
    setNotice({ tone: 'error', text: result?.message ?? t('referralForm.networkError') });
    showServerFieldErrors(result?.fieldErrors, setError);
  }

  return (
    <form method="post" onSubmit={handleSubmit(onValid)} noValidate className="max-w-md space-y-4">
      {notice && (
        <Alert tone={notice.tone} announce testId="password-message">
          {notice.text}
        </Alert>
      )}
      {PASSWORD_FIELDS.map(({ name, autoComplete, hint }) => (
        <Field
          key={name}
          id={name}
          label={t(`account.${name}`)}
          hint={hint ? t(hint) : undefined}
          error={errorOf(name)}
        >
          {(aria) => (
            <input {...aria} type="password" autoComplete={autoComplete} className={inputClass} {...register(name)} />
          )}
        </Field>
      ))}
      <Button type="submit" disabled={formState.isSubmitting}>
        {t('account.changePassword')}
      </Button>
    </form>
  );
}
