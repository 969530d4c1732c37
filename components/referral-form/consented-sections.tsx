'use client';

import { useEffect } from 'react';
import { useFormState, type UseFormReturn } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import { DateTimeField } from '@/components/referral-form/date-time-field';
import type { ErrorOf, FormValues } from '@/components/referral-form/form-values';
import { useFieldValues } from '@/components/referral-form/use-field-values';
import { RoutingChoice } from '@/components/referral-form/routing-choice';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import type { ReferralFormOptions } from '@/lib/referrals/dto';
import { isHighRisk } from '@/lib/referrals/risk';
import {
  AGE_BANDS,
  CHILD_AGE_BANDS,
  CONSENT_METHODS,
  CONTACT_CHANNELS,
  GENDERS,
  MAX_CHILDREN,
  MAX_LENGTH,
  MAX_WEGWEISUNG_DAYS,
  RISK_INDICATORS,
  SAFE_TIMES,
  YES_NO,
  type RiskIndicator,
} from '@/lib/referrals/values';

export { TransmissionPreview } from '@/components/referral-form/transmission-preview';

/**
 * The parts of the referral form that exist only with consent (DESIGN.md section 4), loaded after the page
 * is interactive (components/referral-form/referral-form.tsx). Sections the officer does not need stay short:
 * the address appears only when letters are allowed, the children's details only with children, the end of
 * a Wegweisung only with one, the perpetrator part only when that person consented.
 */
type SectionProps = { form: UseFormReturn<FormValues>; options: ReferralFormOptions; errorOf: ErrorOf };

const SECTION = 'space-y-4 rounded-lg border border-slate-300 bg-white p-4';
const TITLE = 'text-lg font-bold text-brand-900';

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className={SECTION} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className={TITLE}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A text field with the form's conventions (label, hint, error, required mark, length limit). */
function TextField({
  name,
  label,
  hint,
  max,
  form,
  errorOf,
  type = 'text',
  inputMode,
  required = true,
}: {
  name:
    | 'firstName'
    | 'lastName'
    | 'phone'
    | 'street'
    | 'postalCode'
    | 'city'
    | 'perpetratorFirstName'
    | 'perpetratorLastName'
    | 'perpetratorPhone';
  label: string;
  hint?: string;
  max: number;
  form: UseFormReturn<FormValues>;
  errorOf: ErrorOf;
  type?: 'text' | 'tel';
  inputMode?: 'numeric';
  required?: boolean;
}) {
  const t = useText();
  return (
    <Field
      id={name}
      label={label}
      hint={hint}
      error={errorOf(name)}
      required={required}
      requiredLabel={t('referralForm.required')}
    >
      {(aria) => (
        <input
          {...aria}
          type={type}
          inputMode={inputMode}
          autoComplete="off"
          maxLength={max}
          className={inputClass}
          {...form.register(name)}
        />
      )}
    </Field>
  );
}

/** First and last name of a person, side by side from 640 px on. */
function NameFields({
  names: [first, last],
  form,
  errorOf,
}: Pick<SectionProps, 'form' | 'errorOf'> & {
  names: ['firstName', 'lastName'] | ['perpetratorFirstName', 'perpetratorLastName'];
}) {
  const t = useText();
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField name={first} label={t('referralForm.firstName')} max={MAX_LENGTH.name} form={form} errorOf={errorOf} />
      <TextField name={last} label={t('referralForm.lastName')} max={MAX_LENGTH.name} form={form} errorOf={errorOf} />
    </div>
  );
}

/** The Vorgangsnummer, in the callout's section: only with consent (it re-identifies the person). */
export function CaseNumberField({ form, errorOf }: Pick<SectionProps, 'form' | 'errorOf'>) {
  const t = useText();
  return (
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
          autoComplete="off"
          className={inputClass}
          maxLength={MAX_LENGTH.caseNumber}
          {...form.register('caseNumber')}
        />
      )}
    </Field>
  );
}

/** The affected person (after the gender, which the main form asks for with or without consent). */
export function PersonDetails({
  form,
  options,
  errorOf,
  onDestination,
}: SectionProps & { onDestination: (text: string) => void }) {
  const t = useText();
  const { register } = form;
  return (
    <>
      <NameFields names={['firstName', 'lastName']} form={form} errorOf={errorOf} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="birthDate"
          label={t('referralForm.birthDate')}
          hint={t('referralForm.birthDateHint')}
          error={errorOf('birthDate')}
        >
          {(aria) => (
            <input
              {...aria}
              type="date"
              className={inputClass}
              {...register('birthDate', { setValueAs: emptyToUndefined, deps: ['ageBand'] })}
            />
          )}
        </Field>
        <Field id="ageBand" label={t('referralForm.ageBand')} error={errorOf('ageBand')}>
          {(aria) => (
            <select
              {...aria}
              className={inputClass}
              {...register('ageBand', { setValueAs: emptyToUndefined, deps: ['birthDate'] })}
            >
              <option value="">{t('referralForm.ageBandNone')}</option>
              {AGE_BANDS.map((band) => (
                <option key={band} value={band}>
                  {t(`referralForm.ageBands.${band}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        id="language"
        label={t('referralForm.language')}
        error={errorOf('language')}
        required
        requiredLabel={t('referralForm.required')}
      >
        {(aria) => (
          <select {...aria} className={inputClass} {...register('language')}>
            {options.languages.map((language) => (
              <option key={language.code} value={language.code}>
                {language.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Checkbox id="interpreter" label={t('referralForm.interpreter')} inputProps={register('interpreter')} />
      <RoutingChoice
        track="VICTIM"
        form={form}
        options={options.tracks.VICTIM}
        errorOf={errorOf}
        onDestination={onDestination}
      />
    </>
  );
}

/** Optional inputs send nothing when left empty, so that "not given" is never an invalid empty text. */
function emptyToUndefined(value: unknown) {
  return value === '' || value === null ? undefined : value;
}

const option = (t: (key: string) => string, prefix: string) => (value: string) => ({
  value,
  label: t(`${prefix}.${value}`),
});

/**
 * Safe contact, household, police measures, risk, consent, note and the perpetrator part, in that order; and,
 * when the server found a likely duplicate, the officer's deliberate confirmation.
 */
export function FurtherSections({
  form,
  options,
  errorOf,
  duplicateWarning,
}: SectionProps & { duplicateWarning: boolean }) {
  const t = useText();
  const { register } = form;
  useLeaveWarning(form);
  const [consent, channels, childrenCount, wegweisung, indicators, judgesHighRisk, perpetrator, note, incidentAt] =
    useFieldValues(form, [
      'consent',
      'channels',
      'childrenCount',
      'wegweisung',
      'riskIndicators',
      'officerJudgesHighRisk',
      'perpetrator',
      'note',
      'incidentAt',
    ]);
  const letters = Array.isArray(channels) && channels.includes('LETTER');
  const children = Number(childrenCount ?? '0') > 0;
  const highRisk = isHighRisk(
    (Array.isArray(indicators) ? indicators : []) as RiskIndicator[],
    judgesHighRisk === true,
  );
  const incidentDay = typeof incidentAt === 'string' ? incidentAt.slice(0, 10) : undefined;
  const required = { required: true, requiredLabel: t('referralForm.required') };

  return (
    <>
      <Section id="contact" title={t('referralForm.contactSection')}>
        <TextField
          name="phone"
          type="tel"
          label={t('referralForm.phone')}
          hint={t('referralForm.phoneHint')}
          max={MAX_LENGTH.phone}
          form={form}
          errorOf={errorOf}
        />
        <RadioGroup
          name="safeTimes"
          type="checkbox"
          legend={t('referralForm.safeTimes')}
          hint={t('referralForm.safeTimesHint')}
          error={errorOf('safeTimes')}
          {...required}
          options={SAFE_TIMES.map(option(t, 'referralForm.safeTimeOptions'))}
          inputProps={register('safeTimes')}
        />
        <RadioGroup
          name="otherPartyMayAnswer"
          legend={t('referralForm.otherPartyMayAnswer')}
          hint={t('referralForm.otherPartyMayAnswerHint')}
          error={errorOf('otherPartyMayAnswer')}
          {...required}
          options={YES_NO.map(option(t, 'referralForm.yesNo'))}
          inputProps={register('otherPartyMayAnswer')}
        />
        <RadioGroup
          name="channels"
          type="checkbox"
          columns={3}
          legend={t('referralForm.channels')}
          hint={t('referralForm.channelsHint')}
          error={errorOf('channels')}
          options={CONTACT_CHANNELS.map(option(t, 'referralForm.channelOptions'))}
          inputProps={register('channels', { deps: ['street', 'postalCode', 'city'] })}
        />
        {letters && (
          <div className="border-brand-600 space-y-4 border-l-4 pl-3">
            <TextField
              name="street"
              label={t('referralForm.street')}
              max={MAX_LENGTH.street}
              form={form}
              errorOf={errorOf}
            />
            <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
              <TextField
                name="postalCode"
                inputMode="numeric"
                label={t('referralForm.postalCode')}
                max={5}
                form={form}
                errorOf={errorOf}
              />
              <TextField
                name="city"
                label={t('referralForm.city')}
                max={MAX_LENGTH.city}
                form={form}
                errorOf={errorOf}
              />
            </div>
          </div>
        )}
      </Section>

      <Section id="household" title={t('referralForm.householdSection')}>
        <Field id="childrenCount" label={t('referralForm.childrenCount')} error={errorOf('childrenCount')}>
          {(aria) => (
            <select
              {...aria}
              className={inputClass}
              {...register('childrenCount', { deps: ['childAgeBands', 'youthOfficeInformed'] })}
            >
              {Array.from({ length: MAX_CHILDREN + 1 }, (_, n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        {children && (
          <>
            <RadioGroup
              name="childAgeBands"
              type="checkbox"
              legend={t('referralForm.childAgeBands')}
              error={errorOf('childAgeBands')}
              {...required}
              options={CHILD_AGE_BANDS.map(option(t, 'referralForm.childAgeBandOptions'))}
              inputProps={register('childAgeBands')}
            />
            <RadioGroup
              name="youthOfficeInformed"
              legend={t('referralForm.youthOfficeInformed')}
              error={errorOf('youthOfficeInformed')}
              {...required}
              options={YES_NO.map(option(t, 'referralForm.yesNo'))}
              inputProps={register('youthOfficeInformed')}
            />
          </>
        )}
      </Section>

      <Section id="measures" title={t('referralForm.measuresSection')}>
        <Checkbox
          id="wegweisung"
          label={t('referralForm.wegweisung')}
          inputProps={register('wegweisung', { deps: ['wegweisungUntil'] })}
        />
        {wegweisung && (
          <Field
            id="wegweisungUntil"
            label={t('referralForm.wegweisungUntil')}
            hint={t('referralForm.wegweisungUntilHint')}
            error={errorOf('wegweisungUntil')}
            {...required}
          >
            {(aria) => (
              <input
                {...aria}
                type="date"
                min={incidentDay}
                max={incidentDay ? addDays(incidentDay, MAX_WEGWEISUNG_DAYS) : undefined}
                className={inputClass}
                {...register('wegweisungUntil')}
              />
            )}
          </Field>
        )}
        <Checkbox id="contactBan" label={t('referralForm.contactBan')} inputProps={register('contactBan')} />
        <Checkbox
          id="protectionActInformed"
          label={t('referralForm.protectionActInformed')}
          inputProps={register('protectionActInformed')}
        />
      </Section>

      <Section id="risk" title={t('referralForm.riskSection')}>
        <RadioGroup
          name="riskIndicators"
          type="checkbox"
          legend={t('referralForm.riskIndicators')}
          hint={t('referralForm.riskIndicatorsHint')}
          error={errorOf('riskIndicators')}
          options={RISK_INDICATORS.map(option(t, 'referralForm.riskIndicatorOptions'))}
          inputProps={register('riskIndicators')}
        />
        <Checkbox
          id="officerJudgesHighRisk"
          label={t('referralForm.officerJudgesHighRisk')}
          inputProps={register('officerJudgesHighRisk')}
        />
        <p
          className={`rounded-md p-3 font-semibold ${highRisk ? 'bg-red-50 text-red-900' : 'bg-slate-100'}`}
          data-testid="high-risk"
        >
          {t(highRisk ? 'referralForm.highRiskYes' : 'referralForm.highRiskNo')}
        </p>
      </Section>

      <Section
        id="consent-details"
        title={t(
          options.config.legalBases.length ? 'referralForm.consentAndBasisSection' : 'referralForm.consentSection',
        )}
      >
        {consent === 'legalBasis' ? (
          <Field
            id="legalBasis"
            label={t('referralForm.legalBasis')}
            hint={t('referralForm.legalBasisHint')}
            error={errorOf('legalBasis')}
            {...required}
          >
            {(aria) => (
              <select {...aria} className={inputClass} {...register('legalBasis', { setValueAs: emptyToUndefined })}>
                <option value="">{t('referralForm.choosePartner')}</option>
                {options.config.legalBases.map((reference) => (
                  <option key={reference} value={reference}>
                    {reference}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <ConsentFields prefix="" form={form} errorOf={errorOf} />
        )}
        <p className="text-sm text-slate-700">{t('referralForm.consentScopeHint')}</p>
      </Section>

      <Section id="note" title={t('referralForm.noteSection')}>
        <Field id="note" label={t('referralForm.note')} hint={t('referralForm.noteHint')} error={errorOf('note')}>
          {(aria) => (
            <textarea
              {...aria}
              rows={3}
              maxLength={MAX_LENGTH.note}
              className={`${inputClass} py-2`}
              {...register('note')}
            />
          )}
        </Field>
        <p className="text-right text-sm text-slate-700" aria-live="polite">
          {(typeof note === 'string' ? note.length : 0).toString()} / {MAX_LENGTH.note}
        </p>
      </Section>

      <Section id="perpetrator" title={t('referralForm.perpetratorSection')}>
        <Checkbox
          id="perpetrator"
          label={t('referralForm.perpetrator')}
          hint={t('referralForm.perpetratorHint')}
          inputProps={register('perpetrator')}
        />
        {perpetrator && (
          <div className="border-brand-600 space-y-4 border-l-4 pl-3">
            <NameFields names={['perpetratorFirstName', 'perpetratorLastName']} form={form} errorOf={errorOf} />
            <RadioGroup
              name="perpetratorGender"
              legend={t('referralForm.perpetratorGender')}
              error={errorOf('perpetratorGender')}
              {...required}
              options={GENDERS.map(option(t, 'gender'))}
              inputProps={register('perpetratorGender')}
            />
            <TextField
              name="perpetratorPhone"
              type="tel"
              label={t('referralForm.perpetratorPhone')}
              max={MAX_LENGTH.phone}
              form={form}
              errorOf={errorOf}
            />
            <ConsentFields prefix="perpetrator" form={form} errorOf={errorOf} />
            <RoutingChoice track="PERPETRATOR" form={form} options={options.tracks.PERPETRATOR} errorOf={errorOf} />
          </div>
        )}
      </Section>

      {duplicateWarning && (
        <div
          className="space-y-3 rounded-md border-l-4 border-amber-600 bg-amber-50 p-4"
          data-testid="duplicate-warning"
        >
          <p className="font-semibold">{t('referralForm.duplicateWarning')}</p>
          <Checkbox
            id="confirmDuplicate"
            label={t('referralForm.confirmDuplicate')}
            inputProps={register('confirmDuplicate')}
          />
          {errorOf('confirmDuplicate') && (
            <p className="text-sm font-semibold text-red-800" data-testid="error-confirmDuplicate">
              {errorOf('confirmDuplicate')}
            </p>
          )}
        </div>
      )}
    </>
  );
}

/**
 * Leaving the page (reload, another link, closing the tab) with answers typed asks first: nothing is kept
 * anywhere else, by design (no personal data in the browser's storage). Gone with the form once it is sent.
 */
function useLeaveWarning(form: UseFormReturn<FormValues>) {
  const { isDirty } = useFormState({ control: form.control });
  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [isDirty]);
}

/** How and when a person consented (the time they stated, not the time of sending). */
function ConsentFields({
  prefix,
  form,
  errorOf,
}: {
  prefix: '' | 'perpetrator';
  form: UseFormReturn<FormValues>;
  errorOf: ErrorOf;
}) {
  const t = useText();
  const method = prefix ? 'perpetratorConsentMethod' : 'consentMethod';
  const at = prefix ? 'perpetratorConsentAt' : 'consentAt';
  return (
    <>
      <RadioGroup
        name={method}
        legend={t(prefix ? 'referralForm.perpetratorConsentMethod' : 'referralForm.consentMethod')}
        error={errorOf(method)}
        required
        requiredLabel={t('referralForm.required')}
        options={CONSENT_METHODS.map(option(t, 'referralForm.consentMethods'))}
        inputProps={form.register(method)}
      />
      <DateTimeField
        name={at}
        label={t('referralForm.consentAt')}
        hint={t('referralForm.consentAtHint')}
        form={form}
        errorOf={errorOf}
      />
    </>
  );
}

/** The calendar date `days` after `date` (`YYYY-MM-DD`). */
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
