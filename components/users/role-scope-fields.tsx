'use client';

import { useTranslations } from 'next-intl';
import type { UseFormRegisterReturn } from 'react-hook-form';

import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { ROLES, type Role } from '@/lib/auth/permissions';
import type { ScopeOptions } from '@/lib/users/dto';
import { SCOPES_OF_ROLE, type ScopeKind } from '@/lib/users/schema';

const GROUP_LABEL: Record<ScopeKind, 'stations' | 'inspections' | null> = {
  STATION: 'stations',
  INSPECTION: 'inspections',
  PARTNER: null,
};

/**
 * Role as radio buttons, then the one scope the role needs (DESIGN.md section 2): a station for officers,
 * a station or an inspection for supervisors, a partner organisation for caseworkers, none otherwise.
 */
export function RoleScopeFields({
  role,
  roleProps,
  scopeProps,
  roleError,
  scopeError,
  options,
}: {
  role: Role | '';
  roleProps: UseFormRegisterReturn;
  scopeProps: UseFormRegisterReturn;
  roleError?: string;
  scopeError?: string;
  options: ScopeOptions;
}) {
  const t = useTranslations('users.form');
  const tRoles = useTranslations('roles');
  const kinds = role ? SCOPES_OF_ROLE[role] : [];
  return (
    <>
      <div className="space-y-2">
        <RadioGroup
          name="role"
          legend={t('role')}
          error={roleError}
          required
          requiredLabel={t('required')}
          options={ROLES.map((r) => ({ value: r, label: tRoles(r) }))}
          inputProps={roleProps}
        />
        {/* Announced as the choice changes, so that screen-reader users hear what the role may do. */}
        <p aria-live="polite" className="text-sm text-slate-700" data-testid="role-hint">
          {role ? t(`roleHints.${role}`) : ''}
        </p>
      </div>
      {role && kinds.length === 0 && <p className="text-sm text-slate-700">{t('scopeNone')}</p>}
      {role && role !== 'ADMIN' && role !== 'AUDITOR' && (
        <Field
          id="scope"
          label={t(`scope.${role}`)}
          hint={t(`scopeHint.${role}`)}
          error={scopeError}
          required
          requiredLabel={t('required')}
        >
          {(aria) => (
            <select {...aria} className={inputClass} {...scopeProps}>
              <option value="">{t('choose')}</option>
              {kinds.map((kind) => {
                const items = options[kind].map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ));
                const group = GROUP_LABEL[kind];
                return kinds.length > 1 && group ? (
                  <optgroup key={kind} label={t(group)}>
                    {items}
                  </optgroup>
                ) : (
                  items
                );
              })}
            </select>
          )}
        </Field>
      )}
    </>
  );
}
