'use client';

import { useEffect, useMemo, useState } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import type { FormValues } from '@/components/referral-form/referral-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { fromRoutingRuleDto, type ReferralFormOptions } from '@/lib/referrals/dto';
import { decideRoute, preferenceOptions } from '@/lib/routing/decide';
import { berlinLocalToInstant } from '@/lib/time/berlin';

/** Reasons an officer may choose another partner than the rule's; "no partner" is set by the form itself. */
const OVERRIDE_CHOICES = ['PERSON_WISH', 'ALREADY_IN_CONTACT', 'LANGUAGE', 'SAFETY'] as const;

/**
 * Where the referral goes (DESIGN.md section 5), live as the officer types: the partner the rules of the
 * incident time choose; for a person who did not state a gender, the services they can choose from; and
 * "Andere Stelle wählen", another active partner with a reason the supervisor sees. At a gap in the rules the
 * officer is never stuck: the form says so and asks for a partner, with the reason "no partner responsible".
 * The server decides again on submit with the same function.
 */
export default function RoutingChoice({
  form,
  options,
  errorOf,
  onDestination,
}: {
  form: UseFormReturn<FormValues>;
  options: ReferralFormOptions;
  errorOf: (name: keyof FormValues) => string | undefined;
  /** The sentence about the destination, for the form's live region. */
  onDestination: (text: string) => void;
}) {
  const t = useText();
  const { register, control, setFocus } = form;
  const [overriding, setOverriding] = useState(false);
  // The officer asked for another partner: the choice is the next thing to do.
  useEffect(() => {
    if (overriding) setFocus('overridePartnerId');
  }, [overriding, setFocus]);
  const rules = useMemo(() => options.rules.map(fromRoutingRuleDto), [options.rules]);
  const partnerName = (id: string) => options.partners.find((p) => p.id === id)?.name ?? '';
  const [gender, municipalityId, incidentAt] = useWatch({ control, name: ['gender', 'municipalityId', 'incidentAt'] });

  const at = incidentAt ? berlinLocalToInstant(incidentAt) : null;
  const context = at?.ok && municipalityId ? { track: 'VICTIM' as const, municipalityId, at: at.instant } : null;
  const choices = context && gender === 'NOT_STATED' ? preferenceOptions(rules, context) : [];
  const preview = context && gender && gender !== 'NOT_STATED' ? decideRoute(rules, { ...context, gender }) : null;
  const gap =
    (preview && !preview.ok && preview.error === 'NO_PARTNER') ||
    (context && gender === 'NOT_STATED' && !choices.length);
  const open = overriding || !!gap;
  const ruled = preview?.ok ? preview.partnerId : '';
  const previewText = !preview
    ? t('referralForm.routingPreviewPending')
    : preview.ok
      ? `${t(overriding ? 'referralForm.routingPreviewOverridden' : 'referralForm.routingPreview')} ${partnerName(ruled)}`
      : t('referralForm.routingPreviewNone');
  const destination = gap ? t('referralForm.gapNotice') : gender && gender !== 'NOT_STATED' ? previewText : '';
  // What the person is told happens next: the description of the partner the referral goes to.
  const [preferred, overridden] = useWatch({ control, name: ['preferredPartnerId', 'overridePartnerId'] });
  const chosen = open ? overridden : gender === 'NOT_STATED' ? preferred : ruled;
  const description = options.partners.find((p) => p.id === chosen)?.description;
  useEffect(() => onDestination(destination), [destination, onDestination]);

  return (
    <>
      {gender === 'NOT_STATED' && !open && (
        <RadioGroup
          name="preferredPartnerId"
          legend={t('referralForm.preferredPartner')}
          hint={choices.length ? t('referralForm.preferredPartnerHint') : t('referralForm.routingPreviewPending')}
          error={errorOf('preferredPartnerId')}
          required
          requiredLabel={t('referralForm.required')}
          options={choices.map((id) => ({ value: id, label: partnerName(id) }))}
          inputProps={register('preferredPartnerId')}
        />
      )}
      {gap ? (
        <Alert tone="warning" testId="routing-gap">
          {t('referralForm.gapNotice')}
        </Alert>
      ) : (
        gender !== 'NOT_STATED' && (
          <p className="rounded-md bg-slate-100 p-3 font-semibold" data-testid="routing-preview">
            {previewText}
          </p>
        )
      )}
      {!context ? null : !open ? (
        <Button type="button" variant="secondary" onClick={() => setOverriding(true)}>
          {t('referralForm.overrideToggle')}
        </Button>
      ) : (
        <div className="space-y-4 border-l-4 border-amber-600 pl-3" data-testid="override-fields">
          <Field
            id="overridePartnerId"
            label={t('referralForm.overridePartner')}
            hint={t('referralForm.overrideHint')}
            error={errorOf('overridePartnerId')}
            required
            requiredLabel={t('referralForm.required')}
          >
            {(aria) => (
              <select {...aria} className={inputClass} {...register('overridePartnerId')}>
                <option value="">{t('referralForm.choosePartner')}</option>
                {options.partners
                  // Partners the rules do not choose anyway, that serve this person.
                  .filter(
                    (p) =>
                      p.id !== ruled &&
                      !choices.includes(p.id) &&
                      (gender === 'NOT_STATED' || (gender !== undefined && p.genders.includes(gender))),
                  )
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          {gap ? (
            <input type="hidden" {...register('overrideReason', { value: 'NO_RESPONSIBLE_PARTNER' })} />
          ) : (
            <>
              <Field
                id="overrideReason"
                label={t('referralForm.overrideReason')}
                error={errorOf('overrideReason')}
                required
                requiredLabel={t('referralForm.required')}
              >
                {(aria) => (
                  <select {...aria} className={inputClass} {...register('overrideReason')}>
                    <option value="">{t('referralForm.choosePartner')}</option>
                    {OVERRIDE_CHOICES.map((r) => (
                      <option key={r} value={r}>
                        {t(`referralForm.overrideReasons.${r}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Button type="button" variant="secondary" onClick={() => setOverriding(false)}>
                {t('referralForm.overrideCancel')}
              </Button>
            </>
          )}
        </div>
      )}
      {description && (
        <div className="rounded-md border border-slate-300 p-3" data-testid="partner-description">
          <p className="font-semibold">{t('referralForm.whatHappensNext')}</p>
          <p className="whitespace-pre-line">{description}</p>
        </div>
      )}
    </>
  );
}
