import type { GenderValue } from '@/lib/referrals/values';
import type { Track } from '@/lib/routing/values';
import type { ReferralFormConfig } from '@/lib/referrals/schema';
import type { RoutingRuleFact } from '@/lib/routing/decide';

/** What the form page hands to the browser: reference data only, dates as ISO strings. */
export type RoutingRuleDto = Omit<RoutingRuleFact, 'validFrom' | 'validTo'> & {
  validFrom: string;
  validTo: string | null;
};

/** Active partners of a track, with what they offer (read out to the person), and the track's rules. */
export type TrackOptions = {
  partners: { id: string; name: string; genders: GenderValue[]; description: string }[];
  rules: RoutingRuleDto[];
};

export type ReferralFormOptions = {
  municipalities: { id: string; name: string }[];
  tracks: Record<Track, TrackOptions>;
  /** Languages a person may prefer, named in the officer's language. */
  languages: { code: string; name: string }[];
  config: ReferralFormConfig;
};

export function toRoutingRuleDto(rule: RoutingRuleFact): RoutingRuleDto {
  return { ...rule, validFrom: rule.validFrom.toISOString(), validTo: rule.validTo?.toISOString() ?? null };
}

export function fromRoutingRuleDto(rule: RoutingRuleDto): RoutingRuleFact {
  return { ...rule, validFrom: new Date(rule.validFrom), validTo: rule.validTo ? new Date(rule.validTo) : null };
}
