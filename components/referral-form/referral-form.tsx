'use client';

import { lazy, Suspense, useEffect, useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';

import { lazySchemaResolver } from '@/components/forms/schema-resolver';
import { useText } from '@/components/i18n/client-texts';
import { DateTimeField } from '@/components/referral-form/date-time-field';
import type { FieldName, FormValues } from '@/components/referral-form/form-values';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { Done } from '@/components/referral-form/submission-result';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { correctReferralAction, submitReferralAction } from '@/lib/referrals/actions';
import type { ReferralFormOptions } from '@/lib/referrals/dto';
import type { ReferralDraft } from '@/lib/referrals/schema';
import { GENDERS } from '@/lib/referrals/first-screen';

/**
 * Everything that exists only with consent (the person's details, safe contact, household, measures, risk,
 * consent details, note, perpetrator part, transmission preview) loads once the page is interactive, next to
 * validation: the form's JavaScript budget is for what every officer needs first, and a declined offer
 * never needs the rest.
 */
const loadSections = () => import('@/components/referral-form/consented-sections');
const PersonDetails = lazy(() => loadSections().then((m) => ({ default: m.PersonDetails })));
const FurtherSections = lazy(() => loadSections().then((m) => ({ default: m.FurtherSections })));
const CaseNumberField = lazy(() => loadSections().then((m) => ({ default: m.CaseNumberField })));
const TransmissionPreview = lazy(() => loadSections().then((m) => ({ default: m.TransmissionPreview })));
/** Needed only once a submit has failed. */
const loadErrorSummary = () => import('@/components/referral-form/error-summary');
const ErrorSummary = lazy(() => loadErrorSummary().then((m) => ({ default: m.ErrorSummary })));

/** Validation (zod, the schema and the phone number library) loads once the form is interactive. */
function validationFor(config: ReferralFormOptions['config'], mode: 'create' | 'correction') {
  return lazySchemaResolver<FormValues>(() =>
    import('@/components/referral-form/form-schema').then((m) => m.formSchema(config, mode)),
  );
}

/** The correction of an own referral: its values as stored, and where to go back to. */
export type Correction = { values: FormValues; referralId: string };

const FORM_ERROR_ID = 'form-error';
const RESULT_ID = 'form-result';

const SubmissionResult = lazy(() => import('@/components/referral-form/submission-result'));

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere (RFC 9562 version 4). */
function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A new form. Fields of hidden sections take their default when they appear (and are not sent while hidden):
 * consent is usually given at the scene, so its time starts as the form's opening time.
 */
function freshValues(now: string): FormValues {
  return {
    idempotencyKey: newIdempotencyKey(),
    incidentAt: now,
    municipalityId: '',
    language: 'de',
    childrenCount: '0',
    // Checkbox groups are lists from the start (react-hook-form would otherwise read an empty one as false).
    safeTimes: [],
    channels: [],
    childAgeBands: [],
    riskIndicators: [],
    consentAt: now,
    perpetratorConsentAt: now,
  };
}

export function ReferralForm({
  options,
  now,
  correction,
}: {
  options: ReferralFormOptions;
  now: string;
  /** Correcting an own referral instead of filing a new one. */
  correction?: Correction;
}) {
  // Texts come translated from the server (the page's ClientTextsProvider): no formatter in the browser.
  const t = useText();
  const [validation] = useState(() => validationFor(options.config, correction ? 'correction' : 'create'));
  // The server found a referral for the same Vorgangsnummer and person: the officer confirms or corrects.
  const [duplicateWarning, setDuplicateWarning] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  // The validated referral the officer checks before sending it (the transmission preview).
  const [review, setReview] = useState<{ values: FormValues; draft: ReferralDraft } | null>(null);
  // Where focus goes once the view has changed (WCAG 2.4.3). A new object each time, so that asking for the
  // same place twice (two failed submits) moves the focus twice.
  const [focusRequest, setFocusRequest] = useState<{ target: 'form' | 'errors' } | null>(null);
  const setFocusTarget = (target: 'form' | 'errors') => setFocusRequest({ target });
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  // What the routing part says about the destination, for the live region (set by RoutingChoice).
  const [destination, setDestination] = useState('');

  const form = useForm<FormValues>({
    resolver: validation.resolver,
    shouldUnregister: true,
    shouldFocusError: false,
    // Checked on submit, then again as each answer changes: no message appears (and shifts the page under a
    // finger) while the officer is still filling the form in.
    mode: 'onSubmit',
    defaultValues: correction ? { ...freshValues(now), ...correction.values } : freshValues(now),
  });
  const { register, handleSubmit, setError, setValue, reset, control, formState } = form;

  // The rest of the form and its validation load at the officer's first touch or key: by then the page is
  // usable, and their parsing (the phone number plans above all) does not hold up the page becoming
  // interactive on a slow phone. Loading twice is harmless: each loads once.
  const warmUp = () => {
    void validation.preload();
    void loadSections();
  };

  useEffect(() => {
    const target = focusRequest?.target;
    // The preview and the result take the focus themselves when they appear.
    if (target === 'form') document.getElementById('consent-yes')?.focus();
    // After react-hook-form has rendered the errors it has just set.
    if (target === 'errors') void loadErrorSummary().then((m) => requestAnimationFrame(m.focusFirstError));
  }, [focusRequest]);

  const consent = useWatch({ control, name: 'consent' });
  const consented = consent === 'yes' || consent === 'legalBasis';

  const errorOf = (name: FieldName) => {
    const key = formState.errors[name]?.message;
    return key ? t(key, 'errors.invalid') : undefined;
  };

  async function send(values: FormValues) {
    setFormError(null);
    setSending(true);
    let result;
    try {
      result = await (correction ? correctReferralAction(values) : submitReferralAction(values));
    } catch {
      // Offline or the server unreachable: nothing is lost, the same idempotency key makes a retry safe. The
      // message is announced (role alert); the focus stays on the button, to send again.
      setFormError(t('referralForm.networkError'));
      return;
    } finally {
      setSending(false);
    }
    if (result.ok) {
      setReview(null);
      setDone(
        result.data.kind === 'REFERRAL'
          ? {
              kind: 'REFERRAL',
              partners: result.data.tracks.map((track) => track.partnerName),
              approved: result.data.approved === true,
            }
          : { kind: 'DECLINED' },
      );
      return;
    }
    setReview(null);
    setFormError(result.message);
    if (result.fieldErrors?.confirmDuplicate) setDuplicateWarning(true);
    const { fieldErrors } = result;
    if (!fieldErrors) return setFocusTarget('form');
    // The fields' messages, with the summary's module (loaded only once something failed).
    (await loadErrorSummary()).showServerFieldErrors(fieldErrors, setError);
    setFocusTarget('errors');
  }

  async function onValid(values: FormValues) {
    if (values.consent === 'no') return send(values);
    // The schema is loaded (the resolver has just used it): its output is what the partners would receive.
    const schema = await validation.preload();
    const parsed = schema?.safeParse(values);
    if (!parsed?.success) return send(values); // offline before validation loaded: the server decides
    setFormError(null);
    setReview({ values, draft: parsed.data as ReferralDraft });
  }

  /** A new callout: a new idempotency key, and the current time (the page may have been open a while). */
  function startAnother(now: string) {
    setDone(null);
    setFormError(null);
    reset(freshValues(now));
    setFocusTarget('form');
  }

  if (done) {
    return (
      <Suspense fallback={null}>
        <SubmissionResult id={RESULT_ID} done={done} correctionOf={correction?.referralId} onAnother={startAnother} />
      </Suspense>
    );
  }

  const sectionClass = 'space-y-4 rounded-lg border border-slate-300 bg-white p-4';
  const sectionTitle = 'text-lg font-bold text-brand-900';
  const consentChoices = [
    { value: 'yes', label: t('referralForm.consentYes') },
    // A correction cannot turn a referral into a declined offer (a withdrawal is the supervisor's to record).
    ...(correction ? [] : [{ value: 'no', label: t('referralForm.consentNo') }]),
    ...(options.config.legalBases.length ? [{ value: 'legalBasis', label: t('referralForm.consentLegalBasis') }] : []),
  ];
  const pending = <p className="rounded-md bg-slate-100 p-3">{t('referralForm.loading')}</p>;

  return (
    <>
      <div id={FORM_ERROR_ID} className="mb-4 empty:hidden">
        {formError && (
          <Alert tone="error" announce testId="form-error">
            {formError}
          </Alert>
        )}
      </div>
      {review && (
        <Suspense fallback={pending}>
          <TransmissionPreview
            id="transmission-preview"
            draft={review.draft}
            options={options}
            sending={sending}
            correction={!!correction}
            onSend={() => void send(review.values)}
            onEdit={() => {
              setReview(null);
              setFocusTarget('form');
            }}
          />
        </Suspense>
      )}
      <form
        method="post"
        onPointerDownCapture={warmUp}
        onFocusCapture={warmUp}
        onSubmit={handleSubmit(onValid, () => setFocusTarget('errors'))}
        noValidate
        className={review ? 'hidden' : 'space-y-5'}
        aria-busy={formState.isSubmitting || sending}
      >
        {formState.submitCount > 0 && (
          <Suspense fallback={null}>
            <ErrorSummary errors={formState.errors} />
          </Suspense>
        )}
        <input type="hidden" {...register('idempotencyKey')} />
        {correction && (
          <>
            <input type="hidden" {...register('referralId')} />
            <input type="hidden" {...register('referralVersion', { valueAsNumber: true })} />
          </>
        )}
        {/* Always mounted, so that screen readers announce where the referral will go as it changes. */}
        <div aria-live="polite" className="sr-only">
          {consented ? destination : ''}
        </div>

        <section className={sectionClass} aria-labelledby="consent-gate-heading">
          <h2 id="consent-gate-heading" className={sectionTitle}>
            {t('referralForm.gateSection')}
          </h2>
          <RadioGroup
            name="consent"
            legend={t('referralForm.consent')}
            hint={t('referralForm.consentHint')}
            error={errorOf('consent')}
            required
            requiredLabel={t('referralForm.required')}
            columns={consentChoices.length === 3 ? 3 : 2}
            options={consentChoices}
            inputProps={register('consent', {
              // A different answer is a different submission: a decline already stored must not turn a
              // retry with consent into a second record of the same person.
              onChange: () => setValue('idempotencyKey', newIdempotencyKey()),
            })}
          />
          {consent === 'no' && <Alert tone="info">{t('referralForm.declinedInfo')}</Alert>}
        </section>

        <section className={sectionClass} aria-labelledby="incident-heading">
          <h2 id="incident-heading" className={sectionTitle}>
            {t('referralForm.incidentSection')}
          </h2>
          {consented && (
            <Suspense fallback={pending}>
              <CaseNumberField form={form} errorOf={errorOf} />
            </Suspense>
          )}
          <DateTimeField
            name="incidentAt"
            label={t('referralForm.incidentAt')}
            hint={t('referralForm.incidentAtHint')}
            form={form}
            errorOf={errorOf}
          />
          <Field
            id="municipalityId"
            label={t('referralForm.municipality')}
            hint={t('referralForm.municipalityHint')}
            error={errorOf('municipalityId')}
            required
            requiredLabel={t('referralForm.required')}
          >
            {(aria) => (
              <select {...aria} className={inputClass} {...register('municipalityId')}>
                <option value="">{t('referralForm.chooseMunicipality')}</option>
                {options.municipalities.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </section>

        <section className={sectionClass} aria-labelledby="person-heading">
          <h2 id="person-heading" className={sectionTitle}>
            {t('referralForm.personSection')}
          </h2>
          <RadioGroup
            name="gender"
            legend={t('referralForm.gender')}
            error={errorOf('gender')}
            required
            requiredLabel={t('referralForm.required')}
            options={GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))}
            inputProps={register('gender')}
          />
          {consented && (
            <Suspense fallback={pending}>
              <PersonDetails form={form} options={options} errorOf={errorOf} onDestination={setDestination} />
            </Suspense>
          )}
        </section>

        {consented && (
          <Suspense fallback={pending}>
            <FurtherSections form={form} options={options} errorOf={errorOf} duplicateWarning={duplicateWarning} />
          </Suspense>
        )}

        <Button type="submit" disabled={formState.isSubmitting || sending} className="w-full sm:w-auto">
          {formState.isSubmitting || sending
            ? t('referralForm.submitting')
            : consent === 'no'
              ? t('referralForm.submitDeclined')
              : t('referralForm.toReview')}
        </Button>
      </form>
    </>
  );
}
