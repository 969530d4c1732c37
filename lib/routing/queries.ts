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

/** The rules of one municipality and track that may be in force at `at` (active partners only). */
export function loadRulesForMunicipality(
  client: Db | Tx,
  params: { municipalityId: string; track: RoutingRuleFact['track']; at: Date },
): Promise<RoutingRuleFact[]> {
  return client.routingRule.findMany({
    where: {
      municipalityId: params.municipalityId,
      track: params.track,
      validFrom: { lte: params.at },
      OR: [{ validTo: null }, { validTo: { gt: params.at } }],
      partner: { active: true },
    },
    select: RULE_FACT_SELECT,
  });
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
