import type { Gender, Track } from '@/lib/routing/values';

/**
 * What routing administration hands to pages and the browser: names and Berlin calendar days (`YYYY-MM-DD`;
 * a last day is inclusive), no Prisma rows.
 */

/** A rule as the admin reads it. */
export type RuleView = {
  id: string;
  version: number;
  gender: Gender;
  partnerId: string;
  partnerName: string;
  firstDay: string;
  lastDay: string | null;
};

/** One version of a rule in its history. */
export type HistoryEntry = {
  id: string;
  ruleId: string;
  version: number;
  kind: 'CREATED' | 'ENDED' | 'CANCELLED';
  at: Date;
  reason: string | null;
  /** Null: the seed (the defaults from the cooperation agreements). */
  actorName: string | null;
  track: Track;
  gender: Gender;
  municipalityName: string;
  partnerName: string;
  firstDay: string;
  lastDay: string | null;
  lastDayBefore: string | null;
};

/** One row of a change's preview. */
export type PreviewRow = {
  municipalityName: string;
  gender: Gender;
  outcome: 'UNCHANGED' | 'CHANGE' | 'CONFLICT';
  /** The rule in force on the first day (CHANGE, UNCHANGED) or the one the change would overlap (CONFLICT). */
  rule: { partnerName: string; firstDay: string; lastDay: string | null } | null;
  previousBecomes: 'ENDED' | 'CANCELLED' | null;
};

export type ChangePreview = {
  partnerName: string;
  track: Track;
  firstDay: string;
  rows: PreviewRow[];
  /** Names the rules and outcomes this preview was computed from; saving checks it still holds. */
  previewToken: string;
};
