'use client';

import { useFormatter, useTranslations } from 'next-intl';
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
import { Field, inputClass, RadioGroup } from '@/components/ui/field';
import { changeResponsibilityAction, previewResponsibilityChangeAction } from '@/lib/routing/actions';
import { firstDayInput, REASON_MAX_LENGTH, responsibilityChangeInput } from '@/lib/routing/schema';
import type { ChangePreview, PreviewRow } from '@/lib/routing/dto';
import { RULE_GENDERS, TRACKS, type Gender, type Track } from '@/lib/routing/values';
import { addDays } from '@/lib/time/days';

type Values = {
  municipalityIds: string[];
  track: string;
  genders: string[];
  partnerId: string;
  firstDay: string;
  reason: string;
};

export type ChangeFormOptions = {
  municipalities: { id: string; name: string }[];
  partners: { id: string; name: string; tracks: Track[]; genders: Gender[] }[];
};

/**
 * "Zuständigkeit ändern" in two steps: the selection, then the server's preview of every rule that changes;
 * only "Wechsel speichern" (with a fresh second factor) writes, and only what the preview showed (the server
 * refuses if the rules changed in between).
 */
export function ResponsibilityChangeForm({
  options,
  initial,
  totpEnrolled,
}: {
  options: ChangeFormOptions;
  initial: Pick<Values, 'track' | 'municipalityIds' | 'genders' | 'firstDay'>;
  totpEnrolled: boolean;
}) {
  const t = useTranslations('routing');
  const format = useFormatter();
  const hydrated = useHydrated();
  const message = useErrorMessage();
  const { run, prompt } = useStepUp({ totpEnrolled });
  const [preview, setPreview] = useState<ChangePreview | null>(null);
  const [saved, setSaved] = useState<{ created: number; firstDay: string; partner: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const panelRef = useRef<HTMLDivElement>(null);
  const { register, handleSubmit, setError, getValues, control, formState } = useForm<Values>({
    resolver: schemaResolver<Values>(alsoChecking(responsibilityChangeInput, firstDayInput)),
    defaultValues: { ...initial, partnerId: '', reason: '' },
  });
  const track = useWatch({ control, name: 'track' });
  const errorOf = (name: keyof Values) => message(formState.errors[name]?.message);
  const day = (date: string) =>
    format.dateTime(new Date(`${date}T12:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' });

  useEffect(() => {
    if (preview || saved !== null || notice) panelRef.current?.focus();
  }, [preview, saved, notice]);

  async function onPreview(values: Values) {
    setNotice(null);
    const result = await previewResponsibilityChangeAction(values).catch(() => null);
    if (result?.ok) {
      setPreview(result.data);
      return;
    }
    setNotice(result?.message ?? t('change.networkError'));
    showServerFieldErrors(result?.fieldErrors, setError);
  }

  async function onSave() {
    if (!preview) return;
    setBusy(true);
    setNotice(null);
    const input = { ...getValues(), previewToken: preview.previewToken };
    const result = await run(() => changeResponsibilityAction(input), t('change.stepUpWhat')).catch(() => null);
    setBusy(false);
    if (result?.ok) {
      setSaved({ created: result.data.created, firstDay: day(preview.firstDay), partner: preview.partnerName });
      setPreview(null);
      return;
    }
    setNotice(result?.message ?? t('change.networkError'));
  }

  const before = (row: PreviewRow) => {
    const partner = row.rule?.partnerName ?? '';
    if (row.outcome === 'UNCHANGED') return t('change.outcome.UNCHANGED', { partner });
    if (row.outcome === 'CONFLICT') {
      return t('change.outcome.CONFLICT', { partner, firstDay: row.rule ? day(row.rule.firstDay) : '' });
    }
    if (!row.rule) return t('change.outcome.NEW');
    if (row.previousBecomes === 'CANCELLED') return t('change.outcome.CANCELLED', { partner });
    return t('change.outcome.ENDED', { partner, lastDay: preview ? day(addDays(preview.firstDay, -1)) : '' });
  };

  if (saved !== null) {
    return (
      <div ref={panelRef} tabIndex={-1} className="space-y-4 outline-none">
        <Alert tone="success" announce testId="change-saved">
          {t('change.saved', saved)}
        </Alert>
        <a href={`/verwaltung/zustaendigkeit?bereich=${getValues('track')}`} className={buttonClass('primary')}>
          {t('change.toOverview')}
        </a>
      </div>
    );
  }

  if (preview) {
    const conflicts = preview.rows.some((r) => r.outcome === 'CONFLICT');
    return (
      <div className="space-y-4">
        <div ref={panelRef} tabIndex={-1} className="space-y-2 outline-none">
          <h2 className="text-xl font-bold">
            {t('change.previewTitle', { partner: preview.partnerName, firstDay: day(preview.firstDay) })}
          </h2>
          {notice && (
            <Alert tone="error" announce testId="form-error">
              {notice}
            </Alert>
          )}
          {conflicts && (
            <Alert tone="error" testId="preview-conflicts">
              {t('change.hasConflicts')}
            </Alert>
          )}
          <p>{t(conflicts ? 'change.previewConflictIntro' : 'change.previewIntro')}</p>
        </div>
        <ul className="space-y-2" data-testid="change-preview">
          {preview.rows.map((row) => (
            <li
              key={`${row.municipalityName}|${row.gender}`}
              data-testid="preview-row"
              data-outcome={row.outcome}
              className={`rounded-md border p-3 ${row.outcome === 'CONFLICT' ? 'border-red-700 bg-red-50' : 'border-slate-300 bg-white'}`}
            >
              <p className="font-semibold">
                {row.municipalityName} · {t(`genders.${row.gender}`)}
              </p>
              {row.outcome === 'CONFLICT' ? (
                <p className="font-semibold text-red-900">{before(row)}</p>
              ) : (
                <>
                  <p>
                    <span className="font-semibold">{t('change.colBefore')}:</span> {before(row)}
                  </p>
                  <p>
                    <span className="font-semibold">{t('change.colAfter')}:</span>{' '}
                    {row.outcome === 'CHANGE'
                      ? t('change.newRule', { partner: preview.partnerName, firstDay: day(preview.firstDay) })
                      : t('change.unchanged')}
                  </p>
                </>
              )}
            </li>
          ))}
        </ul>
        <div className="flex flex-col gap-3 sm:flex-row">
          <Button type="button" onClick={onSave} disabled={conflicts || busy}>
            {t('change.save')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setPreview(null)}>
            {t('change.edit')}
          </Button>
        </div>
        {prompt}
      </div>
    );
  }

  const partners = options.partners.filter((p) => p.tracks.includes(track as Track));
  return (
    <form
      method="post"
      onSubmit={handleSubmit(onPreview)}
      noValidate
      className="max-w-3xl space-y-5"
      aria-busy={formState.isSubmitting}
    >
      <div ref={panelRef} tabIndex={-1} className="outline-none">
        {notice && (
          <Alert tone="error" announce testId="form-error">
            {notice}
          </Alert>
        )}
      </div>
      <RadioGroup
        name="track"
        legend={t('change.track')}
        error={errorOf('track')}
        required
        requiredLabel={t('change.required')}
        options={TRACKS.map((k) => ({ value: k, label: t(`tracks.${k}`) }))}
        inputProps={register('track')}
      />
      <RadioGroup
        type="checkbox"
        name="municipalityIds"
        legend={t('change.municipalities')}
        hint={t('change.municipalitiesHint')}
        error={errorOf('municipalityIds')}
        columns={3}
        required
        requiredLabel={t('change.required')}
        options={options.municipalities.map((m) => ({ value: m.id, label: m.name }))}
        inputProps={register('municipalityIds')}
      />
      <RadioGroup
        type="checkbox"
        name="genders"
        legend={t('change.genders')}
        error={errorOf('genders')}
        columns={3}
        required
        requiredLabel={t('change.required')}
        options={RULE_GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))}
        inputProps={register('genders')}
      />
      <Field
        id="partnerId"
        label={t('change.partner')}
        hint={t('change.partnerHint')}
        error={errorOf('partnerId')}
        required
        requiredLabel={t('change.required')}
      >
        {(aria) => (
          <select {...aria} className={inputClass} {...register('partnerId')}>
            <option value="">{t('change.choose')}</option>
            {partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.genders.map((g) => t(`genders.${g}`)).join(', ')})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="firstDay"
        label={t('change.firstDay')}
        hint={t('change.firstDayHint')}
        error={errorOf('firstDay')}
        required
        requiredLabel={t('change.required')}
      >
        {(aria) => <input {...aria} type="date" className={`${inputClass} sm:max-w-xs`} {...register('firstDay')} />}
      </Field>
      <Field id="reason" label={t('change.reason')} hint={t('change.reasonHint')} error={errorOf('reason')}>
        {(aria) => (
          <textarea
            {...aria}
            rows={3}
            maxLength={REASON_MAX_LENGTH + 50}
            className={`${inputClass} py-2`}
            {...register('reason')}
          />
        )}
      </Field>
      <Button type="submit" disabled={!hydrated || formState.isSubmitting}>
        {t('change.preview')}
      </Button>
    </form>
  );
}
