import type { GenderValue } from '@/lib/referrals/values';
import type { RoutingRuleFact } from '@/lib/routing/decide';

/** What the form page hands to the browser: reference data only, dates as ISO strings. */
export type RoutingRuleDto = Omit<RoutingRuleFact, 'validFrom' | 'validTo'> & {
  validFrom: string;
  validTo: string | null;
};

export type ReferralFormOptions = {
  municipalities: { id: string; name: string }[];
  /** Active partners of the victim track, with what they offer (read out to the person). */
  partners: { id: string; name: string; genders: GenderValue[]; description: string }[];
  rules: RoutingRuleDto[];
};

export function toRoutingRuleDto(rule: RoutingRuleFact): RoutingRuleDto {
  return { ...rule, validFrom: rule.validFrom.toISOString(), validTo: rule.validTo?.toISOString() ?? null };
}

export function fromRoutingRuleDto(rule: RoutingRuleDto): RoutingRuleFact {
  return { ...rule, validFrom: new Date(rule.validFrom), validTo: rule.validTo ? new Date(rule.validTo) : null };
}
