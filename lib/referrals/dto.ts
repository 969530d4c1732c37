import type { RoutingRuleFact } from '@/lib/routing/decide';

/** What the form page hands to the browser: reference data only, dates as ISO strings. */
export type RoutingRuleDto = Omit<RoutingRuleFact, 'validFrom' | 'validTo'> & {
  validFrom: string;
  validTo: string | null;
};

export type ReferralFormOptions = {
  municipalities: { id: string; name: string }[];
  partners: { id: string; name: string }[];
  rules: RoutingRuleDto[];
};

export function toRoutingRuleDto(rule: RoutingRuleFact): RoutingRuleDto {
  return { ...rule, validFrom: rule.validFrom.toISOString(), validTo: rule.validTo?.toISOString() ?? null };
}

export function fromRoutingRuleDto(rule: RoutingRuleDto): RoutingRuleFact {
  return { ...rule, validFrom: new Date(rule.validFrom), validTo: rule.validTo ? new Date(rule.validTo) : null };
}
