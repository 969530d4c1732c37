'use client';

import type { UseFormReturn } from 'react-hook-form';

import { useText } from '@/components/i18n/client-texts';
import type { FormValues } from '@/components/referral-form/referral-form';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';

/** Reasons an officer may choose another partner than the rule's; "no partner" is set by the form itself. */
const OVERRIDE_CHOICES = ['PERSON_WISH', 'ALREADY_IN_CONTACT', 'LANGUAGE', 'SAFETY'] as const;

/**
 * "Andere Stelle wählen" (DESIGN.md section 5): another active partner of the track, with a reason the
 * supervisor sees. At a gap in the rules (`gap`) the reason is "no partner responsible" and the officer
 * only picks the partner, so that no one is left without help.
 */
export default function OverrideFields({
  form,
  gap,
  open,
  onOpen,
  partners,
  errorOf,
}: {
  form: UseFormReturn<FormValues>;
  gap: boolean;
  /** Whether the fields show (always at a gap); otherwise the button that opens them. */
  open: boolean;
  onOpen: (open: boolean) => void;
  partners: { id: string; name: string }[];
  errorOf: (name: keyof FormValues) => string | undefined;
}) {
  const t = useText();
  const { register } = form;
  if (!open) {
    return (
      <Button type="button" variant="secondary" onClick={() => onOpen(true)}>
        {t('referralForm.overrideToggle')}
      </Button>
    );
  }
  return (
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
            {partners.map((p) => (
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
          <Button type="button" variant="secondary" onClick={() => onOpen(false)}>
            {t('referralForm.overrideCancel')}
          </Button>
        </>
      )}
    </div>
  );
}
