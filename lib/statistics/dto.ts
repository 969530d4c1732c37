import type { Measure } from '@/lib/statistics/families';
import type { StatsFilters } from '@/lib/statistics/schema';

/**
 * A published figure (ADR 0014): the sum of the published atom values it covers (0 or 5 and more; shown as
 * "< 5" below 5), and how many suppressed atom values it left out (never shown: it would tell where small
 * numbers are). Client-safe.
 */
export type Figure = { value: number; hidden: number };

export type StatsView = {
  filters: StatsFilters;
  /** The supervisor's scope (a station or an inspection by name); null: the whole directorate. */
  scope: string | null;
  totals: {
    referrals: Figure;
    perpetratorReferrals: Figure;
    declined: Figure;
  };
  /**
   * The parts of each share, from published cells only and from the same atoms on both sides (a share of
   * sums over different atoms would mislead): referrals and declined offers where both are published;
   * high risk and not from the published risk families; reached within 3 days or not from the published
   * reached families.
   */
  shares: {
    consent: { part: number; rest: number };
    highRisk: { part: number; rest: number };
    reached: { part: number; rest: number };
  };
  months: { month: string; referrals: Figure; declined: Figure }[];
  partners: { id: string; name: string; referred: Figure; reached: Figure }[];
  municipalities: { id: string; name: string; referrals: Figure }[];
  genders: { key: string; referrals: Figure }[];
  results: { key: string; count: Figure }[];
  routing: { key: string; count: Figure }[];
  /** Hours from the callout; null where fewer than 5 durations are published. */
  durations: { measure: Measure; count: number | null; median: number | null; p90: number | null }[];
};
