'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';

import { useStepUp } from '@/components/auth/step-up-prompt';
import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { alsoChecking } from '@/components/forms/also-checking';
import { schemaResolver } from '@/components/forms/schema-resolver';
import { useErrorMessage } from '@/components/forms/use-error-message';
import { useHydrated } from '@/components/forms/use-hydrated';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { createPartnerAction, updatePartnerAction } from '@/lib/partners/actions';
import type { PartnerForEdit } from '@/lib/partners/dto';
import {
  activeRangeInput,
  createPartnerInput,
  DESCRIPTION_MAX_LENGTH,
  updatePartnerInput,
} from '@/lib/partners/schema';
import { PARTNER_KINDS } from '@/lib/partners/values';
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';

/** The form's fields: those of a stored partner, except what travels separately; no kind chosen yet is ''. */
type Values = Omit<PartnerForEdit, 'id' | 'version' | 'kind'> & { kind: PartnerForEdit['kind'] | '' };

const EMPTY: Values = {
  code: '',
  name: '',
  kind: '',
  tracks: [],
  genders: [],
  phone: '',
  address: '',
  notificationEmail: '',
  activeFrom: '',
  activeTo: '',
  languages: ['de'],
  description: '',
};

/** The form's fields of a stored partner: only what the admin edits (id and version travel separately). */
function formValuesOf(partner: PartnerForEdit): Values {
  const { id: _id, version: _version, ...fields } = partner;
  return fields;
}

/**
 * "Partnerstelle anlegen" (no `partner`) or the partner's settings. Saving needs a fresh second factor
 * (step-up). Refusals that concern rules (a deactivation while rules still point here) arrive as one
 * message that names the rules.
 */
export function PartnerForm({
  partner,
  languages,
  totpEnrolled,
  today,
}: {
  partner?: PartnerForEdit;
  /** Code and name in the reader's language, from the server. */
  languages: { code: string; name: string }[];
  totpEnrolled: boolean;
  today: string;
}) {
  const t = useTranslations('partners');
  const tRouting = useTranslations('routing');
  const router = useRouter();
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const { run, prompt } = useStepUp({ totpEnrolled });
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [createdId, setCreatedId] = useState<string | null>(null);
  const target = partner ? { partnerId: partner.id, version: partner.version } : null;
  const toInput = (values: Values) => {
    const { code, ...fields } = values;
    return target ? { ...fields, ...target } : { code, ...fields };
  };
  const schema = alsoChecking(target ? updatePartnerInput : createPartnerInput, activeRangeInput);
  const { register, handleSubmit, setError, control, formState } = useForm<Values>({
    resolver: schemaResolver<Values>({ safeParse: (values) => schema.safeParse(toInput(values as Values)) }),
    defaultValues: partner ? formValuesOf(partner) : { ...EMPTY, activeFrom: today },
  });
  const descriptionLength = useWatch({ control, name: 'description' })?.length ?? 0;
  const errorOf = (name: keyof Values) => message(formState.errors[name]?.message);
  // A problem of the form as a whole (e.g. the page is outdated) has no field to stand at.
  const formProblem = message((formState.errors as { root?: { message?: string } }).root?.message);
  const required = { required: true, requiredLabel: t('form.required') };

  async function onValid(values: Values) {
    setNotice(null);
    const input = toInput(values);
    const result = await run<unknown>(
      () => (target ? updatePartnerAction(input) : createPartnerAction(input)),
      t(target ? 'form.save' : 'form.create'),
    ).catch(() => null);
    if (result?.ok) {
      if (target) {
        setNotice({ tone: 'success', text: t('form.saved') });
        router.refresh();
      } else {
        setCreatedId((result.data as { id: string }).id);
      }
      return;
    }
    setNotice({ tone: 'error', text: result?.message ?? t('form.networkError') });
    showServerFieldErrors(result?.fieldErrors, setError);
  }

  if (createdId) {
    return (
      <div className="space-y-4">
        <Alert tone="success" announce testId="partner-created">
          {t('form.created')}
        </Alert>
        <a href={`/verwaltung/partner/${createdId}`} className={buttonClass('primary')}>
          {t('form.toDetail')}
        </a>
      </div>
    );
  }

  const text = (name: 'name' | 'phone' | 'address' | 'notificationEmail', type = 'text', hint?: string) => (
    <Field id={name} label={t(`form.${name}`)} hint={hint} error={errorOf(name)} {...required}>
      {(aria) => <input {...aria} type={type} autoComplete="off" className={inputClass} {...register(name)} />}
    </Field>
  );

  return (
    <div className="space-y-5">
      <form
        method="post"
        onSubmit={handleSubmit(onValid)}
        noValidate
        className="max-w-2xl space-y-5"
        aria-busy={formState.isSubmitting}
      >
        {notice && (
          <Alert tone={notice.tone} announce testId={notice.tone === 'error' ? 'form-error' : 'form-success'}>
            {notice.text}
          </Alert>
        )}
        {formProblem && (
          <Alert tone="error" announce testId="form-problem">
            {formProblem}
          </Alert>
        )}
        {!partner && (
          <Field id="code" label={t('form.code')} hint={t('form.codeHint')} error={errorOf('code')} {...required}>
            {(aria) => (
              <input
                {...aria}
                type="text"
                autoComplete="off"
                spellCheck={false}
                autoCapitalize="characters"
                className={inputClass}
                {...register('code')}
              />
            )}
          </Field>
        )}
        {text('name')}
        <RadioGroup
          name="kind"
          legend={t('form.kind')}
          error={errorOf('kind')}
          {...required}
          options={PARTNER_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
          inputProps={register('kind')}
        />
        <RadioGroup
          type="checkbox"
          name="tracks"
          legend={t('form.tracks')}
          error={errorOf('tracks')}
          {...required}
          options={TRACKS.map((k) => ({ value: k, label: tRouting(`tracks.${k}`) }))}
          inputProps={register('tracks')}
        />
        <RadioGroup
          type="checkbox"
          name="genders"
          legend={t('form.genders')}
          error={errorOf('genders')}
          columns={3}
          {...required}
          options={RULE_GENDERS.map((g) => ({ value: g, label: tRouting(`genders.${g}`) }))}
          inputProps={register('genders')}
        />
        {text('phone', 'tel')}
        {text('address')}
        {text('notificationEmail', 'email', t('form.notificationEmailHint'))}
        <div className="grid gap-5 sm:grid-cols-2">
          <Field id="activeFrom" label={t('form.activeFrom')} error={errorOf('activeFrom')} {...required}>
            {(aria) => <input {...aria} type="date" className={inputClass} {...register('activeFrom')} />}
          </Field>
          <Field id="activeTo" label={t('form.activeTo')} hint={t('form.activeToHint')} error={errorOf('activeTo')}>
            {(aria) => <input {...aria} type="date" className={inputClass} {...register('activeTo')} />}
          </Field>
        </div>
        <RadioGroup
          type="checkbox"
          name="languages"
          legend={t('form.languages')}
          error={errorOf('languages')}
          columns={4}
          {...required}
          options={languages.map((l) => ({ value: l.code, label: l.name }))}
          inputProps={register('languages')}
        />
        <Field
          id="description"
          label={t('form.description')}
          hint={`${t('form.descriptionHint')} ${t('form.characters', { count: descriptionLength, max: DESCRIPTION_MAX_LENGTH })}`}
          error={errorOf('description')}
          {...required}
        >
          {(aria) => <textarea {...aria} rows={5} className={`${inputClass} py-2`} {...register('description')} />}
        </Field>
        <Button type="submit" disabled={!hydrated || formState.isSubmitting}>
          {t(partner ? 'form.save' : 'form.create')}
        </Button>
      </form>
      {prompt}
    </div>
  );
}
