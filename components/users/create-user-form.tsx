'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { alsoChecking } from '@/components/forms/also-checking';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { PasswordLinkBox } from '@/components/users/password-link-box';
import { RoleScopeFields } from '@/components/users/role-scope-fields';
import type { Role } from '@/lib/auth/permissions';
import { createUserAction } from '@/lib/users/actions';
import type { PasswordLinkDto, ScopeOptions } from '@/lib/users/dto';
import { accessInput, createUserInput, parseScope, SCOPES_OF_ROLE } from '@/lib/users/schema';

type Values = { email: string; displayName: string; role: Role | ''; scope: string };
const EMPTY: Values = { email: '', displayName: '', role: '', scope: '' };

/** "Konto anlegen": no password is chosen here; the new account gets a one-time link, shown once. */
export function CreateUserForm({ options, totpEnrolled }: { options: ScopeOptions; totpEnrolled: boolean }) {
  const t = useTranslations('users');
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const { run, prompt } = useStepUp({ totpEnrolled });
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ id: string; link: PasswordLinkDto } | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const { register, handleSubmit, setError, setValue, getValues, reset, control, formState } = useForm<Values>({
    resolver: schemaResolver<Values>(alsoChecking(createUserInput, accessInput)),
    defaultValues: EMPTY,
  });
  const role = useWatch({ control, name: 'role' });
  const errorOf = (name: keyof Values) => message(formState.errors[name]?.message);

  useEffect(() => {
    if (created) resultRef.current?.focus();
  }, [created]);

  // Registered in the order of the form, which is the order in which the first error gets the focus.
  const emailProps = register('email');
  const displayNameProps = register('displayName');
  // A scope that does not fit the new role is cleared rather than sent.
  const roleProps = register('role', {
    onChange: (event: { target: { value: string } }) => {
      const kind = parseScope(getValues('scope'))?.kind;
      if (!kind || !SCOPES_OF_ROLE[event.target.value as Role]?.includes(kind)) setValue('scope', '');
    },
  });
  const scopeProps = register('scope');

  async function onValid(values: Values) {
    setFormError(null);
    const result = await run(() => createUserAction(values), t('form.create')).catch(() => null);
    if (result?.ok) {
      setCreated({ id: result.data.id, link: result.data.passwordLink });
      return;
    }
    setFormError(result?.message ?? t('form.networkError'));
    showServerFieldErrors(result?.fieldErrors, setError);
  }

  if (created) {
    return (
      <div className="space-y-4">
        <div ref={resultRef} tabIndex={-1} className="outline-none">
          <Alert tone="success" announce testId="user-created">
            {t('created.title')}
          </Alert>
        </div>
        <PasswordLinkBox link={created.link} intro="created" />
        <div className="flex flex-col gap-3 sm:flex-row">
          <a href={`/verwaltung/benutzer/${created.id}`} className={buttonClass('primary')}>
            {t('created.toDetail')}
          </a>
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              reset(EMPTY);
              setCreated(null);
            }}
          >
            {t('created.another')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-5">
      <form
        method="post"
        onSubmit={handleSubmit(onValid)}
        noValidate
        className="max-w-xl space-y-5"
        aria-busy={formState.isSubmitting}
      >
        {formError && (
          <Alert tone="error" announce testId="form-error">
            {formError}
          </Alert>
        )}
        <Field
          id="email"
          label={t('form.email')}
          hint={t('form.emailHint')}
          error={errorOf('email')}
          required
          requiredLabel={t('form.required')}
        >
          {(aria) => (
            <input
              {...aria}
              type="email"
              inputMode="email"
              autoComplete="off"
              spellCheck={false}
              className={inputClass}
              {...emailProps}
            />
          )}
        </Field>
        <Field
          id="displayName"
          label={t('form.displayName')}
          hint={t('form.displayNameHint')}
          error={errorOf('displayName')}
          required
          requiredLabel={t('form.required')}
        >
          {(aria) => <input {...aria} type="text" autoComplete="off" className={inputClass} {...displayNameProps} />}
        </Field>
        <RoleScopeFields
          role={role}
          roleProps={roleProps}
          scopeProps={scopeProps}
          roleError={errorOf('role')}
          scopeError={errorOf('scope')}
          options={options}
        />
        <Button type="submit" disabled={!hydrated || formState.isSubmitting}>
          {formState.isSubmitting ? t('form.creating') : t('form.create')}
        </Button>
      </form>
      {prompt}
    </div>
  );
}
