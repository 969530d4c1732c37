'use client';

import { lazy, Suspense, useEffect, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';

import { showServerFieldErrors } from '@/components/forms/server-field-errors';
import { useText } from '@/components/i18n/client-texts';
import { lazySchemaResolver } from '@/components/forms/schema-resolver';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { submitReferralAction } from '@/lib/referrals/actions';
import type { ReferralFormOptions } from '@/lib/referrals/dto';
import { GENDERS, MAX_LENGTH, type GenderValue } from '@/lib/referrals/values';
import { instantToBerlinLocal } from '@/lib/time/berlin';

/** Every field the form can hold; hidden sections are unregistered, so their values are never sent. */
export type FormValues = {
  idempotencyKey: string;
  incidentAt: string;
  municipalityId: string;
  gender?: GenderValue;
  consent?: 'yes' | 'no';
  caseNumber?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  preferredPartnerId?: string;
  overridePartnerId?: string;
  overrideReason?: string;
};

/**
 * Where the referral goes (the rule's partner, the person's choice, or the officer's override) loads once the
 * page is interactive, next to validation: it is needed only after the officer has reached the person's
 * section, and the form's JavaScript budget is for the fields every officer needs first.
 */
const loadRoutingChoice = () => import('@/components/referral-form/routing-choice');
const RoutingChoice = lazy(loadRoutingChoice);

/** Validation (zod and the schema) loads once the form is interactive, outside the route's budget. */
const validation = lazySchemaResolver<FormValues>(() =>
  import('@/lib/referrals/schema').then((module) => module.referralSubmission),
);

const SUMMARY_ID = 'form-summary';
const RESULT_ID = 'form-result';

/** Moves focus to the message above the form, so screen readers and sighted users both notice it. */
function focusSummary() {
  document.getElementById(SUMMARY_ID)?.focus();
}

type Done = { kind: 'REFERRAL'; partnerName: string } | { kind: 'DECLINED' };

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere (RFC 9562 version 4). */
function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function ReferralForm({ options, now }: { options: ReferralFormOptions; now: string }) {
  // Texts come translated from the server (the page's ClientTextsProvider): no formatter in the browser.
  const t = useText();
  const [done, setDone] = useState<Done | null>(null);
  // Where focus goes after the form is swapped for the result and back (WCAG 2.4.3).
  const [focusTarget, setFocusTarget] = useState<'result' | 'form' | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // What the routing part says about the destination, for the live region (set by RoutingChoice).
  const [destination, setDestination] = useState('');

  const form = useForm<FormValues>({
    resolver: validation.resolver,
    shouldUnregister: true,
    mode: 'onTouched',
    defaultValues: { idempotencyKey: newIdempotencyKey(), incidentAt: now, municipalityId: '' },
  });
  const { register, handleSubmit, setError, setValue, setFocus, reset, control, formState } = form;

  useEffect(() => {
    void validation.preload();
    void loadRoutingChoice();
  }, []);

  useEffect(() => {
    if (focusTarget === 'result') document.getElementById(RESULT_ID)?.focus();
    if (focusTarget === 'form') setFocus('incidentAt');
  }, [focusTarget, setFocus]);
  const consent = useWatch({ control, name: 'consent' });

  const errorOf = (name: keyof FormValues) => {
    const key = formState.errors[name]?.message;
    return key ? t(key, 'errors.invalid') : undefined;
  };

  async function onValid(values: FormValues) {
    setFormError(null);
    let result;
    try {
      result = await submitReferralAction(values);
    } catch {
      // Offline or the server unreachable: nothing is lost, the same idempotency key makes a retry safe.
      setFormError(t('referralForm.networkError'));
      focusSummary();
      return;
    }
    if (result.ok) {
      setFocusTarget('result');
      setDone(
        result.data.kind === 'REFERRAL'
          ? { kind: 'REFERRAL', partnerName: result.data.partnerName }
          : { kind: 'DECLINED' },
      );
      return;
    }
    setFormError(result.message);
    if (!showServerFieldErrors(result.fieldErrors, setError)) focusSummary();
  }

  function startAnother() {
    setDone(null);
    setFormError(null);
    // A new callout: a new idempotency key, and the current time (the page may have been open a while).
    reset({ idempotencyKey: newIdempotencyKey(), incidentAt: instantToBerlinLocal(new Date()), municipalityId: '' });
    setFocusTarget('form');
  }

  if (done) {
    return (
      <div className="space-y-4">
        <div id={RESULT_ID} tabIndex={-1} className="outline-none">
          <Alert tone="success" announce testId="submit-success">
            {done.kind === 'REFERRAL'
              ? `${t('referralForm.successReferral')} ${done.partnerName}`
              : t('referralForm.successDeclined')}
          </Alert>
        </div>
        <div className="flex flex-col gap-3 sm:flex-row">
          <Button type="button" onClick={startAnother}>
            {t('referralForm.another')}
          </Button>
          <a href="/vermittlungen" className={buttonClass('secondary')}>
            {t('referralForm.toList')}
          </a>
        </div>
      </div>
    );
  }

  // Registered in the order of the form, which is the order in which the first error gets the focus (a field
  // registered inside a render prop would otherwise come after the radio groups).
  const incidentAtProps = register('incidentAt');
  const municipalityProps = register('municipalityId');
  const sectionClass = 'space-y-4 rounded-lg border border-slate-300 bg-white p-4';
  const sectionTitle = 'text-lg font-bold text-brand-900';

  return (
    <form
      method="post"
      onSubmit={handleSubmit(onValid)}
      noValidate
      className="space-y-5"
      aria-busy={formState.isSubmitting}
    >
      <div id={SUMMARY_ID} tabIndex={-1} className="outline-none">
        {formError && (
          <Alert tone="error" announce testId="form-error">
            {formError}
          </Alert>
        )}
      </div>
      <input type="hidden" {...register('idempotencyKey')} />
      {/* Always mounted, so that screen readers announce where the referral will go as it changes. */}
      <div aria-live="polite" className="sr-only">
        {consent === 'yes' ? destination : ''}
      </div>

      <section className={sectionClass} aria-labelledby="incident-heading">
        <h2 id="incident-heading" className={sectionTitle}>
          {t('referralForm.incidentSection')}
        </h2>
        <Field
          id="incidentAt"
          label={t('referralForm.incidentAt')}
          hint={t('referralForm.incidentAtHint')}
          error={errorOf('incidentAt')}
          required
          requiredLabel={t('referralForm.required')}
        >
          {(aria) => <input {...aria} type="datetime-local" className={inputClass} {...incidentAtProps} />}
        </Field>
        <Field
          id="municipalityId"
          label={t('referralForm.municipality')}
          hint={t('referralForm.municipalityHint')}
          error={errorOf('municipalityId')}
          required
          requiredLabel={t('referralForm.required')}
        >
          {(aria) => (
            <select {...aria} className={inputClass} {...municipalityProps}>
              <option value="">{t('referralForm.chooseMunicipality')}</option>
              {options.municipalities.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <RadioGroup
          name="gender"
          legend={t('referralForm.gender')}
          error={errorOf('gender')}
          required
          requiredLabel={t('referralForm.required')}
          options={GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))}
          inputProps={register('gender')}
        />
      </section>

      <section className={sectionClass} aria-labelledby="consent-heading">
        <h2 id="consent-heading" className={sectionTitle}>
          {t('referralForm.consentSection')}
        </h2>
        <RadioGroup
          name="consent"
          legend={t('referralForm.consent')}
          error={errorOf('consent')}
          required
          requiredLabel={t('referralForm.required')}
          options={[
            { value: 'yes', label: t('referralForm.consentYes') },
            { value: 'no', label: t('referralForm.consentNo') },
          ]}
          inputProps={register('consent', {
            // A different answer is a different submission: a decline already stored must not turn a
            // retry with consent into a second record of the same person.
            onChange: () => setValue('idempotencyKey', newIdempotencyKey()),
          })}
        />
        {consent === 'no' && <Alert tone="info">{t('referralForm.declinedInfo')}</Alert>}
      </section>

      {consent === 'yes' && (
        <section className={sectionClass} aria-labelledby="person-heading">
          <h2 id="person-heading" className={sectionTitle}>
            {t('referralForm.personSection')}
          </h2>
          <Field
            id="caseNumber"
            label={t('referralForm.caseNumber')}
            hint={t('referralForm.caseNumberHint')}
            error={errorOf('caseNumber')}
            required
            requiredLabel={t('referralForm.required')}
          >
            {(aria) => (
              <input
                {...aria}
                inputMode="numeric"
                autoComplete="off"
                className={inputClass}
                maxLength={MAX_LENGTH.caseNumber}
                {...register('caseNumber')}
              />
            )}
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            {(['firstName', 'lastName'] as const).map((name) => (
              <Field
                key={name}
                id={name}
                label={t(`referralForm.${name}`)}
                error={errorOf(name)}
                required
                requiredLabel={t('referralForm.required')}
              >
                {(aria) => (
                  <input
                    {...aria}
                    autoComplete="off"
                    maxLength={MAX_LENGTH.name}
                    className={inputClass}
                    {...register(name)}
                  />
                )}
              </Field>
            ))}
          </div>
          <Field
            id="phone"
            label={t('referralForm.phone')}
            hint={t('referralForm.phoneHint')}
            error={errorOf('phone')}
            required
            requiredLabel={t('referralForm.required')}
          >
            {(aria) => (
              <input
                {...aria}
                type="tel"
                autoComplete="off"
                maxLength={MAX_LENGTH.phone}
                className={inputClass}
                {...register('phone')}
              />
            )}
          </Field>
          <Suspense fallback={<p className="rounded-md bg-slate-100 p-3">{t('referralForm.routingPreviewPending')}</p>}>
            <RoutingChoice form={form} options={options} errorOf={errorOf} onDestination={setDestination} />
          </Suspense>
        </section>
      )}

      <Button type="submit" disabled={formState.isSubmitting} className="w-full sm:w-auto">
        {formState.isSubmitting
          ? t('referralForm.submitting')
          : consent === 'no'
            ? t('referralForm.submitDeclined')
            : t('referralForm.submitReferral')}
      </Button>
    </form>
  );
}
