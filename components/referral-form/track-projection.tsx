'use client';

import { useText } from '@/components/i18n/client-texts';
import { PROJECTION_FIELDS, type ProjectedLawfulBasis, type ProjectionValues } from '@/lib/referrals/projection';
import type { Track } from '@/lib/routing/values';
import { TIME_ZONE } from '@/lib/time/berlin';
import { displayPhone } from '@/lib/validation/phone';

const dateTime = new Intl.DateTimeFormat('de-DE', { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
const date = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
};

/**
 * What one partner receives of a referral, field by field, readable: a projection made by `projectTrack`
 * (lib/referrals/projection.ts), on the server wherever the data comes from the database, so that a browser
 * never holds more than the projection. Used by the transmission preview and the officer's view.
 */
export function TrackProjection({
  track,
  heading,
  projection,
  languages,
  hideEmpty = false,
  callable = false,
}: {
  track: Track;
  heading: string;
  /** Null when the personal data can no longer be opened (erased). */
  projection: Partial<ProjectionValues> | null;
  languages: { code: string; name: string }[];
  /** Lists the fields without a value in one line instead of a row each (the officer's preview). */
  hideEmpty?: boolean;
  /** The phone number as a link that dials it (the caseworker who calls the person, on a phone). */
  callable?: boolean;
}) {
  const t = useText();
  const none = t('referralForm.preview.none');
  const list = (prefix: string, values: readonly string[]) =>
    values.length ? values.map((v) => t(`${prefix}.${v}`)).join(', ') : none;

  const format = (field: keyof ProjectionValues, value: unknown): string => {
    if (value === null || value === undefined || value === '') return none;
    switch (field) {
      case 'incidentAt':
        return dateTime.format(new Date(value as string));
      case 'birthDate':
      case 'wegweisungUntil':
        return date(value as string);
      case 'gender':
        return t(`gender.${value as string}`);
      case 'ageBand':
        return t(`referralForm.ageBands.${value as string}`);
      case 'phone':
        return displayPhone(value as string);
      case 'language':
        return languages.find((l) => l.code === value)?.name ?? (value as string);
      case 'safeTimes':
        return list('referralForm.safeTimeOptions', value as string[]);
      case 'channels':
        return [
          t('referralForm.preview.call'),
          ...(value as string[]).map((c) => t(`referralForm.channelOptions.${c}`)),
        ].join(', ');
      case 'childAgeBands':
        return list('referralForm.childAgeBandOptions', value as string[]);
      case 'address': {
        const a = value as { street: string; postalCode: string; city: string };
        return `${a.street}, ${a.postalCode} ${a.city}`;
      }
      case 'lawfulBasis': {
        const basis = value as ProjectedLawfulBasis;
        return basis.kind === 'CONSENT'
          ? `${t(`referralForm.consentMethods.${basis.method}`)}, ${dateTime.format(new Date(basis.givenAt))}`
          : `${t('referralForm.preview.legalBasis')} ${basis.reference}`;
      }
      default:
        return typeof value === 'boolean'
          ? t(value ? 'referralForm.yesNo.yes' : 'referralForm.yesNo.no')
          : String(value);
    }
  };

  const isEmpty = (value: unknown) =>
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  const fields: readonly (keyof ProjectionValues)[] = PROJECTION_FIELDS[track];
  const shown = hideEmpty && projection ? fields.filter((f) => !isEmpty(projection[f]) || f === 'channels') : fields;
  const empty = fields.filter((f) => !shown.includes(f));
  return (
    <div className="rounded-lg border border-slate-300 bg-white p-4" data-testid={`projection-${track.toLowerCase()}`}>
      <h3 className="text-brand-900 text-lg font-bold [overflow-wrap:anywhere]">{heading}</h3>
      {projection ? (
        <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_minmax(0,1fr)]">
          {shown.map((field) => (
            <div key={field} className="contents">
              <dt className="font-semibold">{t(`referralForm.preview.fields.${field}`)}</dt>
              <dd className="mb-2 [overflow-wrap:anywhere] whitespace-pre-line sm:mb-0">
                {callable && field === 'phone' && typeof projection.phone === 'string' ? (
                  <a
                    href={`tel:${projection.phone}`}
                    className="inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
                  >
                    {format(field, projection[field])}
                  </a>
                ) : (
                  format(field, projection[field])
                )}
              </dd>
            </div>
          ))}
          {empty.length > 0 && (
            <div className="contents">
              <dt className="font-semibold">{t('referralForm.preview.empty')}</dt>
              <dd className="text-slate-700">{empty.map((f) => t(`referralForm.preview.fields.${f}`)).join(', ')}</dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="mt-2">{t('referralForm.preview.erased')}</p>
      )}
    </div>
  );
}
