import 'server-only';

import type { Db, Tx } from '@/lib/db';
import type { RoutingRuleFact } from '@/lib/routing/decide';

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
 * Every rule of one municipality and track with an active partner, locked (FOR SHARE) until the
 * caller's transaction ends: a change of responsibility saved at the same moment waits, so a referral can
 * never be routed past the rules. One statement, because it runs inside every submit (bench submit); the
 * caller picks the rule in force at the incident time with `decideRoute`.
 */
export function lockRulesForRouting(
  tx: Tx,
  params: { municipalityId: string; track: RoutingRuleFact['track'] },
): Promise<LockedRule[]> {
  return tx.$queryRaw<LockedRule[]>`
    SELECT r.id, r.version, r.track::text AS track, r.gender::text AS gender, r."municipalityId", r."partnerId",
           r."validFrom", r."validTo", p.name AS "partnerName"
      FROM "RoutingRule" r JOIN "Partner" p ON p.id = r."partnerId"
     WHERE r."municipalityId" = ${params.municipalityId}::uuid AND r.track = ${params.track}::"Track" AND p.active
       FOR SHARE OF r`;
}

/**
 * The victim-track rules in force now or within the form's look-back window, for the form's live
 * routing preview. Reference data only: the server decides again on submit.
 */
export function loadVictimRulesForPreview(client: Db, params: { from: Date }): Promise<RoutingRuleFact[]> {
  return client.routingRule.findMany({
    where: { track: 'VICTIM', OR: [{ validTo: null }, { validTo: { gt: params.from } }], partner: { active: true } },
    select: RULE_FACT_SELECT,
  });
}
