import type { Gender, Track } from '@/lib/generated/prisma/enums';

/**
 * Routing decision (DESIGN.md section 5), pure so that the form's preview, the server and the unit tests
 * use the same code: (track, gender, municipality) -> partner by the rules valid at the incident time.
 * When the gender is not stated, the person chooses among the services responsible for the municipality.
 */
export type RoutingRuleFact = {
  id: string;
  version: number;
  track: Track;
  gender: Gender;
  municipalityId: string;
  partnerId: string;
  validFrom: Date;
  validTo: Date | null;
};

export type RoutingRequest = {
  track: RoutingRuleFact['track'];
  gender: RoutingRuleFact['gender'];
  municipalityId: string;
  at: Date;
  /** Required when gender is NOT_STATED: the partner the person prefers. */
  preferredPartnerId?: string;
};

export type RoutingDecision =
  | { ok: true; partnerId: string; ruleId: string; ruleVersion: number; reason: 'RULE' | 'PERSON_PREFERENCE' }
  | { ok: false; error: 'NO_PARTNER' | 'AMBIGUOUS' | 'PREFERENCE_REQUIRED' | 'PREFERENCE_NOT_RESPONSIBLE' };

/** A rule withdrawn before it came into force (an empty validity): it decides nothing and conflicts with nothing. */
export function isWithdrawn(rule: Pick<RoutingRuleFact, 'validFrom' | 'validTo'>): boolean {
  return rule.validTo !== null && rule.validTo.getTime() <= rule.validFrom.getTime();
}

export function isRuleValidAt(rule: Pick<RoutingRuleFact, 'validFrom' | 'validTo'>, at: Date): boolean {
  return rule.validFrom.getTime() <= at.getTime() && (rule.validTo === null || at.getTime() < rule.validTo.getTime());
}

/** The rules of a track and municipality in force at `at`. */
function rulesInForce(rules: readonly RoutingRuleFact[], req: RoutingRequest): RoutingRuleFact[] {
  return rules.filter(
    (r) => r.track === req.track && r.municipalityId === req.municipalityId && isRuleValidAt(r, req.at),
  );
}

/** The partners a person who did not state a gender can choose from, in a stable order. */
export function preferenceOptions(rules: readonly RoutingRuleFact[], req: Omit<RoutingRequest, 'gender'>): string[] {
  const inForce = rulesInForce(rules, { ...req, gender: 'NOT_STATED' }).filter((r) => r.gender !== 'NOT_STATED');
  return [...new Set(inForce.map((r) => r.partnerId))].sort();
}

export function decideRoute(rules: readonly RoutingRuleFact[], req: RoutingRequest): RoutingDecision {
  const inForce = rulesInForce(rules, req);
  if (req.gender === 'NOT_STATED') {
    if (!req.preferredPartnerId) return { ok: false, error: 'PREFERENCE_REQUIRED' };
    const GENDER_ORDER = ['FEMALE', 'DIVERSE', 'MALE'] as const;
    const rule = GENDER_ORDER.map((g) =>
      inForce.find((r) => r.gender === g && r.partnerId === req.preferredPartnerId),
    ).find(Boolean);
    if (!rule) return { ok: false, error: inForce.length ? 'PREFERENCE_NOT_RESPONSIBLE' : 'NO_PARTNER' };
    return {
      ok: true,
      partnerId: rule.partnerId,
      ruleId: rule.id,
      ruleVersion: rule.version,
      reason: 'PERSON_PREFERENCE',
    };
  }
  const matching = inForce.filter((r) => r.gender === req.gender);
  if (matching.length === 0) return { ok: false, error: 'NO_PARTNER' };
  // Overlaps are rejected when rules are saved; two rules in force would be a data error, never a coin toss.
  if (matching.length > 1) return { ok: false, error: 'AMBIGUOUS' };
  const rule = matching[0]!;
  return { ok: true, partnerId: rule.partnerId, ruleId: rule.id, ruleVersion: rule.version, reason: 'RULE' };
}
