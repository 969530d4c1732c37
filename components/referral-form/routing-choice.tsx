'use client';

import { useEffect, useMemo, useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import { TRACK_FIELDS, type ErrorOf, type FormValues } from '@/components/referral-form/form-values';
import { useFieldValues } from '@/components/referral-form/use-field-values';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import type { Track } from '@/lib/routing/values';
import { fromRoutingRuleDto, type TrackOptions } from '@/lib/referrals/dto';
import { instantOf } from '@/lib/time/berlin';
import type { GenderValue } from '@/lib/referrals/values';
import { decideRoute, preferenceOptions } from '@/lib/routing/decide';

/** Reasons an officer may choose another partner than the rule's; "no partner" is set by the form itself. */
const OVERRIDE_CHOICES = ['PERSON_WISH', 'ALREADY_IN_CONTACT', 'LANGUAGE', 'SAFETY'] as const;

/**
 * Where the referral goes (DESIGN.md section 5), live as the officer types: the partner the rules of the
 * incident time choose; for a person who did not state a gender, the services they can choose from; and
 * "Andere Stelle wählen", another active partner with a reason the supervisor sees. At a gap in the rules the
 * officer is never stuck: the form says so and asks for a partner, with the reason "no partner responsible".
 * The server decides again on submit with the same function.
 */
export function RoutingChoice({
  track,
  form,
  options,
  errorOf,
  onDestination,
}: {
  track: Track;
  form: UseFormReturn<FormValues>;
  options: TrackOptions;
  errorOf: ErrorOf;
  /** The sentence about the destination, for the form's live region. */
  onDestination?: (text: string) => void;
}) {
  const t = useText();
  const f = TRACK_FIELDS[track];
  const texts = track === 'VICTIM' ? 'referralForm' : 'referralForm.perpetratorRouting';
  const { register, setFocus } = form;
  const [overriding, setOverriding] = useState(false);
  // The officer asked for another partner: the choice is the next thing to do.
  useEffect(() => {
    if (overriding) setFocus(f.overridePartner);
  }, [overriding, setFocus, f.overridePartner]);
  const rules = useMemo(() => options.rules.map(fromRoutingRuleDto), [options.rules]);
  const partnerName = (id: string) => options.partners.find((p) => p.id === id)?.name ?? '';
  const [rawGender, municipalityId, incidentAt, fold, preferred, overridden] = useFieldValues(form, [
    f.gender,
    'municipalityId',
    'incidentAt',
    'incidentAtFold',
    f.preferred,
    f.overridePartner,
  ]);
  const gender = (rawGender ?? undefined) as GenderValue | undefined;

  const at = incidentAt ? instantOf(incidentAt, fold === 'later' ? 'later' : 'earlier') : null;
  const context = at && municipalityId ? { track, municipalityId, at } : null;
  const choices = context && gender === 'NOT_STATED' ? preferenceOptions(rules, context) : [];
  const preview = context && gender && gender !== 'NOT_STATED' ? decideRoute(rules, { ...context, gender }) : null;
  const gap =
    (preview && !preview.ok && preview.error === 'NO_PARTNER') ||
    (context && gender === 'NOT_STATED' && !choices.length);
  const open = overriding || !!gap;
  const ruled = preview?.ok ? preview.partnerId : '';
  const previewText = !preview
    ? t(`${texts}.routingPreviewPending`)
    : preview.ok
      ? `${t(overriding ? 'referralForm.routingPreviewOverridden' : `${texts}.routingPreview`)} ${partnerName(ruled)}`
      : t(`${texts}.routingPreviewNone`);
  const destination = gap ? t(`${texts}.gapNotice`) : gender && gender !== 'NOT_STATED' ? previewText : '';
  // What the person is told happens next: the description of the partner the referral goes to.
  const chosen = open ? overridden : gender === 'NOT_STATED' ? preferred : ruled;
  const description = options.partners.find((p) => p.id === chosen)?.description;
  useEffect(() => onDestination?.(destination), [destination, onDestination]);

  return (
    <>
      {gender === 'NOT_STATED' && !open && (
        <RadioGroup
          name={f.preferred}
          legend={t(`${texts}.preferredPartner`)}
          hint={choices.length ? t('referralForm.preferredPartnerHint') : t(`${texts}.routingPreviewPending`)}
          error={errorOf(f.preferred)}
          required
          requiredLabel={t('referralForm.required')}
          options={choices.map((id) => ({ value: id, label: partnerName(id) }))}
          inputProps={register(f.preferred)}
        />
      )}
      {gap ? (
        <Alert tone="warning" testId={track === 'VICTIM' ? 'routing-gap' : 'perpetrator-routing-gap'}>
          {t(`${texts}.gapNotice`)}
        </Alert>
      ) : (
        gender !== 'NOT_STATED' && (
          <p
            className="rounded-md bg-slate-100 p-3 font-semibold"
            data-testid={track === 'VICTIM' ? 'routing-preview' : 'perpetrator-routing-preview'}
          >
            {previewText}
          </p>
        )
      )}
      {!context ? null : !open ? (
        <Button type="button" variant="secondary" onClick={() => setOverriding(true)}>
          {t('referralForm.overrideToggle')}
        </Button>
      ) : (
        <div
          className="space-y-4 border-l-4 border-amber-600 pl-3"
          data-testid={track === 'VICTIM' ? 'override-fields' : 'perpetrator-override-fields'}
        >
          <Field
            id={f.overridePartner}
            label={t('referralForm.overridePartner')}
            hint={t('referralForm.overrideHint')}
            error={errorOf(f.overridePartner)}
            required
            requiredLabel={t('referralForm.required')}
          >
            {(aria) => (
              <select {...aria} className={inputClass} {...register(f.overridePartner)}>
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
            <input type="hidden" {...register(f.overrideReason, { value: 'NO_RESPONSIBLE_PARTNER' })} />
          ) : (
            <>
              <Field
                id={f.overrideReason}
                label={t('referralForm.overrideReason')}
                error={errorOf(f.overrideReason)}
                required
                requiredLabel={t('referralForm.required')}
              >
                {(aria) => (
                  <select {...aria} className={inputClass} {...register(f.overrideReason)}>
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
        <div
          className="rounded-md border border-slate-300 p-3"
          data-testid={track === 'VICTIM' ? 'partner-description' : 'perpetrator-partner-description'}
        >
          <p className="font-semibold">{t('referralForm.whatHappensNext')}</p>
          <p className="whitespace-pre-line">{description}</p>
        </div>
      )}
    </>
  );
}
