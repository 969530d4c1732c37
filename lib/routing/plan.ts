/**
 * A change of responsibility (issue 9): from a first day on, one partner takes over a set of keys (track,
 * gender, municipality). Pure, so that the admin's preview, the saving transaction and the property tests
 * compute the same plan from the same rules. Rules are never edited in place: the rule in force on the first
 * day ends the day before (a scheduled rule that would only start that day is cancelled), and a new rule
 * starts, open-ended. A key with a rule scheduled after the first day is a conflict: the change would
 * overlap it, and the admin must first decide about that scheduled change. So is a rule already in force
 * that started on the first day itself: it may have routed referrals, and is never withdrawn.
 */
import { isWithdrawn, type RoutingRuleFact } from '@/lib/routing/decide';
import type { RuleGender } from '@/lib/routing/values';
import type { Track } from '@/lib/generated/prisma/enums';

export type RuleKey = { track: Track; gender: RuleGender; municipalityId: string };

export type ChangeRequest = {
  track: Track;
  genders: readonly RuleGender[];
  municipalityIds: readonly string[];
  partnerId: string;
  /** Start of the first day (Europe/Berlin) of the new responsibility. */
  firstDay: Date;
  /** When the change is saved: a rule already in force then has decided referrals and is never withdrawn. */
  now: Date;
};

export type KeyPlan =
  | { key: RuleKey; outcome: 'UNCHANGED'; current: RoutingRuleFact }
  | {
      key: RuleKey;
      outcome: 'CHANGE';
      /** The rule in force on the first day: it ends the day before, or is cancelled if it starts that day. */
      previous: RoutingRuleFact | null;
      previousBecomes: 'ENDED' | 'CANCELLED' | null;
    }
  | { key: RuleKey; outcome: 'CONFLICT'; conflicting: RoutingRuleFact };

/** What saving a plan writes: rule ends (with the next version) and new rules. */
export type PlanWrites = {
  ends: { rule: RoutingRuleFact; validTo: Date; kind: 'ENDED' | 'CANCELLED' }[];
  creates: (RuleKey & { partnerId: string; validFrom: Date })[];
};

const sameKey = (rule: RoutingRuleFact, key: RuleKey) =>
  rule.track === key.track && rule.gender === key.gender && rule.municipalityId === key.municipalityId;

export function planKey(
  rules: readonly RoutingRuleFact[],
  key: RuleKey,
  partnerId: string,
  firstDay: Date,
  now: Date,
): KeyPlan {
  const t = firstDay.getTime();
  const ofKey = rules.filter((r) => sameKey(r, key) && !isWithdrawn(r));
  const later = ofKey.filter((r) => r.validFrom.getTime() > t).sort((a, b) => +a.validFrom - +b.validFrom);
  if (later[0]) return { key, outcome: 'CONFLICT', conflicting: later[0] };
  const current = ofKey.find((r) => r.validFrom.getTime() <= t && (r.validTo === null || t < r.validTo.getTime()));
  if (!current) return { key, outcome: 'CHANGE', previous: null, previousBecomes: null };
  // Unchanged only if it stays so: a rule of the same partner that ends would leave a gap after its end.
  if (current.partnerId === partnerId && current.validTo === null) return { key, outcome: 'UNCHANGED', current };
  if (current.validFrom.getTime() < t) return { key, outcome: 'CHANGE', previous: current, previousBecomes: 'ENDED' };
  // The rule starts on the first day. Only a scheduled one may be withdrawn; one already in force may have
  // routed referrals, and ending it on its own first day would erase it: the change must start later.
  if (current.validFrom.getTime() <= now.getTime()) return { key, outcome: 'CONFLICT', conflicting: current };
  return { key, outcome: 'CHANGE', previous: current, previousBecomes: 'CANCELLED' };
}

/** One plan per key the request names, municipalities in the given order, genders within each. */
export function planChange(rules: readonly RoutingRuleFact[], request: ChangeRequest): KeyPlan[] {
  return request.municipalityIds.flatMap((municipalityId) =>
    request.genders.map((gender) =>
      planKey(
        rules,
        { track: request.track, gender, municipalityId },
        request.partnerId,
        request.firstDay,
        request.now,
      ),
    ),
  );
}

/** The writes of a plan without conflicts (the caller refuses a plan with any). */
export function planWrites(plans: readonly KeyPlan[], partnerId: string, firstDay: Date): PlanWrites {
  const writes: PlanWrites = { ends: [], creates: [] };
  for (const plan of plans) {
    if (plan.outcome !== 'CHANGE') continue;
    if (plan.previous && plan.previousBecomes) {
      const validTo = plan.previousBecomes === 'CANCELLED' ? plan.previous.validFrom : firstDay;
      writes.ends.push({ rule: plan.previous, validTo, kind: plan.previousBecomes });
    }
    writes.creates.push({ ...plan.key, partnerId, validFrom: firstDay });
  }
  return writes;
}
