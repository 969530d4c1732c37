'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { RoleScopeFields } from '@/components/users/role-scope-fields';
import type { Role } from '@/lib/auth/permissions';
import { updateUserAccessAction } from '@/lib/users/actions';
import type { ManagedUserDto, ScopeOptions } from '@/lib/users/dto';
import { parseScope, SCOPES_OF_ROLE, updateUserAccessInput } from '@/lib/users/schema';

type Values = { role: Role | ''; scope: string };

/** Role and scope of another local account. The page does not render it for one's own or directory accounts. */
export function UserAccessForm({
  user,
  options,
  totpEnrolled,
}: {
  user: ManagedUserDto;
  options: ScopeOptions;
  totpEnrolled: boolean;
}) {
  const t = useTranslations('users');
  const router = useRouter();
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const { run, prompt } = useStepUp({ totpEnrolled, headingLevel: 3 });
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  // The schema also checks the target and its version; they come from the page, not from a form field.
  const resolver = schemaResolver<Values>({
    safeParse: (values) =>
      updateUserAccessInput.safeParse({ ...(values as Values), userId: user.id, version: user.version }),
  });
  const { register, handleSubmit, setError, setValue, getValues, control, formState } = useForm<Values>({
    resolver,
    defaultValues: { role: user.role, scope: user.scopeValue },
  });
  const role = useWatch({ control, name: 'role' });
  const errorOf = (name: keyof Values) => message(formState.errors[name]?.message);

  const roleProps = register('role', {
    onChange: (event: { target: { value: string } }) => {
      const kind = parseScope(getValues('scope'))?.kind;
      if (!kind || !SCOPES_OF_ROLE[event.target.value as Role]?.includes(kind)) setValue('scope', '');
    },
  });

  async function onValid(values: Values) {
    setNotice(null);
    const input = { userId: user.id, version: user.version, role: values.role, scope: values.scope };
    const result = await run(() => updateUserAccessAction(input), t('form.save')).catch(() => null);
    if (result?.ok) {
      setNotice({
        tone: 'success',
        text: result.data.version === user.version ? t('form.unchanged') : t('form.saved'),
      });
      // The page reads the account again: new role and scope, and the version the next change must name.
      router.refresh();
      return;
    }
    setNotice({ tone: 'error', text: result?.message ?? t('form.networkError') });
    showServerFieldErrors(result?.fieldErrors, setError, ['role', 'scope']);
  }

  return (
    <div className="space-y-4">
      <form method="post" onSubmit={handleSubmit(onValid)} noValidate className="max-w-xl space-y-5">
        {notice && (
          <Alert tone={notice.tone} announce testId="access-message">
            {notice.text}
          </Alert>
        )}
        <p className="text-sm text-slate-700">{t('detail.accessHint')}</p>
        <RoleScopeFields
          role={role}
          roleProps={roleProps}
          scopeProps={register('scope')}
          roleError={errorOf('role')}
          scopeError={errorOf('scope')}
          options={options}
        />
        <Button type="submit" disabled={!hydrated || formState.isSubmitting}>
          {formState.isSubmitting ? t('form.saving') : t('form.save')}
        </Button>
      </form>
      {prompt}
    </div>
  );
}
