import 'server-only';

import { getFormatter, getTranslations } from 'next-intl/server';

import type { Gender, Track } from '@/lib/generated/prisma/enums';
import { berlinDateOf } from '@/lib/time/berlin';
import { lastDayOf } from '@/lib/time/days';

/** A rule as messages name it: where, for whom, which track, which partner, from when to when. */
export type NamedRule = {
  municipalityName: string;
  gender: Gender;
  track: Track;
  partnerName: string;
  validFrom: Date;
  validTo: Date | null;
};

/** A Berlin calendar day (`YYYY-MM-DD`) as the reader writes dates. */
export async function dayFormatter(): Promise<(date: string) => string> {
  const format = await getFormatter();
  return (date) => format.dateTime(new Date(`${date}T12:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' });
}

/** "ab 01.01.2027" or "vom 01.01.2024 bis 31.12.2026": a validity in days, the last one inclusive. */
export async function validityFormatter(): Promise<(firstDay: string, lastDay: string | null) => string> {
  const [t, day] = await Promise.all([getTranslations('routing'), dayFormatter()]);
  return (firstDay, lastDay) =>
    lastDay
      ? t('validity.range', { from: day(firstDay), to: day(lastDay) })
      : t('validity.openEnded', { from: day(firstDay) });
}

/**
 * "Sehnde · Frauen · Opferhilfe: BISS Region Hannover, ab 01.01.2027" in the reader's language, for messages
 * that must name the rules they are about (a refused change names the rule it conflicts with).
 */
export async function describeRules(rules: readonly NamedRule[], limit = 5): Promise<string> {
  const [t, validity] = await Promise.all([getTranslations('routing'), validityFormatter()]);
  const lines = rules.slice(0, limit).map((r) => {
    const valid = validity(berlinDateOf(r.validFrom), lastDayOf(r.validTo));
    return `${r.municipalityName} · ${t(`genders.${r.gender}`)} · ${t(`tracks.${r.track}`)}: ${r.partnerName}, ${valid}`;
  });
  if (rules.length > limit) lines.push(t('andMore', { count: rules.length - limit }));
  return lines.join('; ');
}
