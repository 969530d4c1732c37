/**
 * Coverage (issue 9, DESIGN.md section 5): which (track, gender, municipality) has no responsible active
 * partner today or on any of the next days, and which active partner has no rule at all. Pure: the coverage
 * page, the admin's start page and the property tests share it.
 */
import { isRuleValidAt, isWithdrawn, type RoutingRuleFact } from '@/lib/routing/decide';
import type { RuleKey } from '@/lib/routing/plan';
import { COVERAGE_DAYS, RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import { addDays, berlinDayStart } from '@/lib/time/days';

export type PartnerActivity = { id: string; activeFrom: Date; activeTo: Date | null };

/** A key without a responsible partner: the first such day and how many days of the window are uncovered. */
export type CoverageGap = RuleKey & { firstDay: string; uncoveredDays: number };

export function isPartnerActiveAt(partner: PartnerActivity, at: Date): boolean {
  return isRuleValidAt({ validFrom: partner.activeFrom, validTo: partner.activeTo }, at);
}

const keyOf = (k: Pick<RoutingRuleFact, 'track' | 'gender' | 'municipalityId'>) =>
  `${k.track}|${k.gender}|${k.municipalityId}`;

export function coverageGaps(params: {
  rules: readonly RoutingRuleFact[];
  partners: readonly PartnerActivity[];
  municipalityIds: readonly string[];
  /** Today's date in Europe/Berlin (`YYYY-MM-DD`). */
  today: string;
  days?: number;
}): CoverageGap[] {
  const { rules, municipalityIds, today, days = COVERAGE_DAYS } = params;
  const partners = new Map(params.partners.map((p) => [p.id, p]));
  const byKey = new Map<string, RoutingRuleFact[]>();
  for (const rule of rules) {
    const list = byKey.get(keyOf(rule)) ?? [];
    list.push(rule);
    byKey.set(keyOf(rule), list);
  }
  const dayList = Array.from({ length: days + 1 }, (_, i) => addDays(today, i)).map((date) => ({
    date,
    at: berlinDayStart(date),
  }));

  const gaps: CoverageGap[] = [];
  for (const track of TRACKS) {
    for (const municipalityId of municipalityIds) {
      for (const gender of RULE_GENDERS) {
        const key = { track, gender, municipalityId };
        const ofKey = byKey.get(keyOf(key)) ?? [];
        const uncovered = dayList.filter(
          ({ at }) =>
            !ofKey.some((r) => {
              const partner = partners.get(r.partnerId);
              return isRuleValidAt(r, at) && partner !== undefined && isPartnerActiveAt(partner, at);
            }),
        );
        if (uncovered[0]) gaps.push({ ...key, firstDay: uncovered[0].date, uncoveredDays: uncovered.length });
      }
    }
  }
  return gaps;
}

/** Partners active at `now` that no rule points to now or later. */
export function partnersWithoutRules(
  rules: readonly RoutingRuleFact[],
  partners: readonly PartnerActivity[],
  now: Date,
): string[] {
  const withRule = new Set(
    rules.filter((r) => !isWithdrawn(r) && (r.validTo === null || r.validTo > now)).map((r) => r.partnerId),
  );
  return partners.filter((p) => isPartnerActiveAt(p, now) && !withRule.has(p.id)).map((p) => p.id);
}
