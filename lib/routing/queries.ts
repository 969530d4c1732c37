import 'server-only';

import { db, type Db, type Tx } from '@/lib/db';
import type { Gender, Track } from '@/lib/generated/prisma/enums';
import { activePartnerWhere } from '@/lib/partners/queries';
import { coverageGaps, partnersWithoutRules } from '@/lib/routing/coverage';
import { decideRoute, isWithdrawn, preferenceOptions, type RoutingRuleFact } from '@/lib/routing/decide';
import type { HistoryEntry, RuleView } from '@/lib/routing/dto';
import { HISTORY_LIMIT, RULE_GENDERS } from '@/lib/routing/values';
import { berlinDateOf } from '@/lib/time/berlin';
import { berlinDayStart, lastDayOf } from '@/lib/time/days';
import { isUuid } from '@/lib/validation/uuid';

const RULE_FACT_SELECT = {
  id: true,
  version: true,
  track: true,
  gender: true,
  municipalityId: true,
  partnerId: true,
  validFrom: true,
  validTo: true,
} as const;

/** A rule as routing sees it on submit, with its partner's name for the officer's confirmation. */
export type LockedRule = RoutingRuleFact & { partnerName: string };

/**
 * Every rule of one municipality and track whose partner is active at the incident time, locked (FOR
 * SHARE) until the caller's transaction ends: a change of responsibility saved at the same moment waits, so
 * a referral can never be routed past the rules. The caller picks the rule in force at the incident time with
 * `decideRoute`. Two statements: the lock (in id order, the order a change of responsibility locks in, so the
 * two never deadlock), then the read, whose fresh snapshot sees a change that committed while the lock
 * waited, including the rule it inserted (bench submit measures both).
 */
export async function lockRulesForRouting(
  tx: Tx,
  params: { municipalityId: string; track: RoutingRuleFact['track']; at: Date },
): Promise<LockedRule[]> {
  await tx.$executeRaw`
    SELECT 1 FROM "RoutingRule"
     WHERE "municipalityId" = ${params.municipalityId}::uuid AND track = ${params.track}::"Track"
     ORDER BY id FOR SHARE`;
  return tx.$queryRaw<LockedRule[]>`
    SELECT r.id, r.version, r.track::text AS track, r.gender::text AS gender, r."municipalityId", r."partnerId",
           r."validFrom", r."validTo", p.name AS "partnerName"
      FROM "RoutingRule" r JOIN "Partner" p ON p.id = r."partnerId"
     WHERE r."municipalityId" = ${params.municipalityId}::uuid AND r.track = ${params.track}::"Track"
       AND p."activeFrom" <= ${params.at} AND (p."activeTo" IS NULL OR p."activeTo" > ${params.at})`;
}

/**
 * The victim-track rules in force now or within the form's look-back window, for the form's live
 * routing preview. Reference data only: the server decides again on submit.
 */
export function loadRulesForPreview(client: Db, params: { from: Date }): Promise<RoutingRuleFact[]> {
  return client.routingRule.findMany({
    where: {
      OR: [{ validTo: null }, { validTo: { gt: params.from } }],
      partner: activePartnerWhere(new Date()),
    },
    select: RULE_FACT_SELECT,
  });
}

/** Every rule that is in force at `from` or starts later (cancelled ones included; callers skip them). */
function rulesFrom(from: Date, where: { track?: Track; municipalityId?: string } = {}) {
  return db().routingRule.findMany({
    where: { ...where, OR: [{ validTo: null }, { validTo: { gt: from } }] },
    select: RULE_FACT_SELECT,
  });
}

function ruleView(rule: RoutingRuleFact, partnerNames: Map<string, string>): RuleView {
  return {
    id: rule.id,
    version: rule.version,
    gender: rule.gender,
    partnerId: rule.partnerId,
    partnerName: partnerNames.get(rule.partnerId) ?? '',
    firstDay: berlinDateOf(rule.validFrom),
    lastDay: lastDayOf(rule.validTo),
  };
}

async function partnerNameMap() {
  return new Map((await db().partner.findMany({ select: { id: true, name: true } })).map((p) => [p.id, p.name]));
}

/**
 * "Zuständigkeiten": per municipality and gender of one track, the rule in force today and every rule
 * scheduled after it.
 */
export async function responsibilityOverview(track: Track, now = new Date()) {
  const [municipalities, rules, partnerNames] = await Promise.all([
    listMunicipalities(),
    rulesFrom(now, { track }),
    partnerNameMap(),
  ]);
  const live = rules.filter((r) => !isWithdrawn(r)).sort((a, b) => +a.validFrom - +b.validFrom);
  return municipalities.map((m) => ({
    ...m,
    genders: RULE_GENDERS.map((gender) => {
      const ofKey = live.filter((r) => r.municipalityId === m.id && r.gender === gender);
      const current = ofKey.find((r) => r.validFrom <= now);
      return {
        gender,
        current: current ? ruleView(current, partnerNames) : null,
        scheduled: ofKey.filter((r) => r.validFrom > now).map((r) => ruleView(r, partnerNames)),
      };
    }),
  }));
}

/**
 * The versions of the rules of one municipality or one partner, newest first: who, when, why, and the
 * validity before and after. Reference data about organisations, not about persons.
 */
export async function ruleHistory(scope: { municipalityId: string } | { partnerId: string }): Promise<HistoryEntry[]> {
  const rows = await db().routingRuleChange.findMany({
    where: { rule: scope },
    orderBy: [{ at: 'desc' }, { version: 'desc' }],
    take: HISTORY_LIMIT,
    select: {
      id: true,
      version: true,
      kind: true,
      at: true,
      reason: true,
      validFrom: true,
      validTo: true,
      validToBefore: true,
      actor: { select: { displayName: true } },
      rule: {
        select: {
          id: true,
          track: true,
          gender: true,
          municipality: { select: { name: true } },
          partner: { select: { name: true } },
        },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    ruleId: r.rule.id,
    version: r.version,
    kind: r.kind,
    at: r.at,
    reason: r.reason,
    actorName: r.actor?.displayName ?? null,
    track: r.rule.track,
    gender: r.rule.gender,
    municipalityName: r.rule.municipality.name,
    partnerName: r.rule.partner.name,
    firstDay: berlinDateOf(r.validFrom),
    lastDay: lastDayOf(r.validTo),
    lastDayBefore: lastDayOf(r.validToBefore),
  }));
}

/** Coverage today and in the next days (lib/routing/coverage.ts), with names for the page. */
export async function coverageReport(now = new Date()) {
  const [municipalities, rules, partners] = await Promise.all([
    listMunicipalities(),
    rulesFrom(now),
    db().partner.findMany({ select: { id: true, name: true, activeFrom: true, activeTo: true } }),
  ]);
  const names = new Map(municipalities.map((m) => [m.id, m.name]));
  const partnerNames = new Map(partners.map((p) => [p.id, p.name]));
  const gaps = coverageGaps({
    rules,
    partners,
    municipalityIds: municipalities.map((m) => m.id),
    today: berlinDateOf(now),
  }).map((gap) => ({ ...gap, municipalityName: names.get(gap.municipalityId) ?? '' }));
  const idle = partnersWithoutRules(rules, partners, now).map((id) => ({ id, name: partnerNames.get(id) ?? '' }));
  return { gaps, partnersWithoutRules: idle };
}

/**
 * "Wer ist zuständig?": the partner a referral for this place, gender and track would go to on that day,
 * by which rule and version. Gender "not stated": the services the person can choose from, each with its
 * rule. Only partners active that day count, as on submit.
 */
export async function whoIsResponsible(query: { municipalityId: string; gender: Gender; track: Track; date: string }) {
  const at = berlinDayStart(query.date);
  const [rules, partnerNames] = await Promise.all([
    db().routingRule.findMany({
      where: {
        track: query.track,
        municipalityId: query.municipalityId,
        validFrom: { lte: at },
        OR: [{ validTo: null }, { validTo: { gt: at } }],
        partner: activePartnerWhere(at),
      },
      select: RULE_FACT_SELECT,
    }),
    partnerNameMap(),
  ]);
  const request = { track: query.track, municipalityId: query.municipalityId, at };
  if (query.gender === 'NOT_STATED') {
    const options = preferenceOptions(rules, request).map((partnerId) => {
      const decision = decideRoute(rules, { ...request, gender: 'NOT_STATED', preferredPartnerId: partnerId });
      const rule = decision.ok ? rules.find((r) => r.id === decision.ruleId) : undefined;
      return rule ? ruleView(rule, partnerNames) : null;
    });
    return { kind: 'CHOICE' as const, options: options.filter((o): o is RuleView => o !== null) };
  }
  const decision = decideRoute(rules, { ...request, gender: query.gender });
  if (!decision.ok) return { kind: 'NONE' as const };
  return {
    kind: 'RULE' as const,
    rule: ruleView(
      rules.find((r) => r.id === decision.ruleId)!,
      partnerNames,
    ),
  };
}

/** The rules pointing to one partner today or later, for its page. */
export async function rulesOfPartner(partnerId: string, now = new Date()) {
  const rules = await db().routingRule.findMany({
    where: { partnerId, OR: [{ validTo: null }, { validTo: { gt: now } }] },
    orderBy: [{ municipality: { name: 'asc' } }, { track: 'asc' }, { gender: 'asc' }, { validFrom: 'asc' }],
    select: { ...RULE_FACT_SELECT, municipality: { select: { name: true } } },
  });
  return rules
    .filter((r) => !isWithdrawn(r))
    .map((r) => ({
      id: r.id,
      version: r.version,
      track: r.track,
      gender: r.gender,
      municipalityName: r.municipality.name,
      firstDay: berlinDateOf(r.validFrom),
      lastDay: lastDayOf(r.validTo),
    }));
}

/** Every municipality, by name. Reference data. */
export function listMunicipalities() {
  return db().municipality.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
}

/** One municipality by an id from a URL (checked first), or null. */
export async function findMunicipality(id: string) {
  if (!isUuid(id)) return null;
  return db().municipality.findUnique({ where: { id }, select: { id: true, name: true } });
}

/**
 * Partners a responsibility can go to from some day on: active without an end, with what they serve, for
 * the change form (the server checks the day again).
 */
export function partnersForResponsibility() {
  return db().partner.findMany({
    where: { activeTo: null },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, tracks: true, genders: true },
  });
}
