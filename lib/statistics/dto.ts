import type { Measure } from '@/lib/statistics/families';
import type { StatsFilters } from '@/lib/statistics/schema';

/**
 * A published figure (ADR 0014): the sum of the published atom values it covers, and how many atoms it had
 * to leave out because they are suppressed. `hidden` > 0 with `value` 0: the figure is suppressed ("< 5" when
 * it is one small cell); with `value` > 0: a lower bound ("at least"). Client-safe.
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
    highRisk: Figure;
    reached: Figure;
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
