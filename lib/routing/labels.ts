import 'server-only';

import { getFormatter, getTranslations } from 'next-intl/server';

import type { Gender, Track } from '@/lib/generated/prisma/enums';
import { TIME_ZONE } from '@/lib/time/berlin';

/** A rule as messages name it: where, for whom, which track, which partner, from when to when. */
export type NamedRule = {
  municipalityName: string;
  gender: Gender;
  track: Track;
  partnerName: string;
  validFrom: Date;
  validTo: Date | null;
};

/**
 * "Sehnde · Frauen · Opferhilfe: BISS Region Hannover, ab 01.01.2027" in the reader's language, for messages
 * that must name the rules they are about (a refused change names the rule it conflicts with). The last day
 * shown is the day before `validTo`, which is the first day no longer covered.
 */
export async function describeRules(rules: readonly NamedRule[], limit = 5): Promise<string> {
  const t = await getTranslations('routing');
  const format = await getFormatter();
  const day = (d: Date) => format.dateTime(d, { dateStyle: 'medium', timeZone: TIME_ZONE });
  const lines = rules.slice(0, limit).map((r) => {
    const validity = r.validTo
      ? t('validity.range', { from: day(r.validFrom), to: day(new Date(r.validTo.getTime() - 1)) })
      : t('validity.openEnded', { from: day(r.validFrom) });
    return `${r.municipalityName} · ${t(`genders.${r.gender}`)} · ${t(`tracks.${r.track}`)}: ${r.partnerName}, ${validity}`;
  });
  if (rules.length > limit) lines.push(t('andMore', { count: rules.length - limit }));
  return lines.join('; ');
}
