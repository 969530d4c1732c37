import 'server-only';

import { createHash, randomUUID } from 'node:crypto';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db, type Db, type Tx } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import type { Gender, Track } from '@/lib/generated/prisma/enums';
import { isPartnerActiveAt } from '@/lib/routing/coverage';
import type { RoutingRuleFact } from '@/lib/routing/decide';
import { describeRules } from '@/lib/routing/labels';
import { planChange, planWrites, type KeyPlan } from '@/lib/routing/plan';
import type { ChangePreview, PreviewRow } from '@/lib/routing/dto';
import type { ConfirmedResponsibilityChangeInput, ResponsibilityChangeInput } from '@/lib/routing/schema';
import { failure, failureWith, success, type ActionResult } from '@/lib/result';
import { berlinDateOf } from '@/lib/time/berlin';
import { berlinDayStart, lastDayOf } from '@/lib/time/days';

/**
 * Change of responsibility in one step (issue 9, DESIGN.md section 5): the admin picks municipalities, a
 * track, genders, the new partner and the first day; the preview lists every rule that will change; saving
 * ends the old rules the day before and starts the new ones in one transaction, with one history entry per
 * rule version and one audit event. Referrals filed afterwards are routed by the new rules; referrals filed
 * before keep the rule id and version that routed them.
 */

type Command<I> = { actor: Actor; input: I };

type PartnerFacts = {
  id: string;
  name: string;
  activeFrom: Date;
  activeTo: Date | null;
  tracks: Track[];
  genders: Gender[];
};

/**
 * Everything one change needs: the partner and the rules of the keys. Saving locks them (the partner FOR SHARE,
 * so that a deactivation waits; the rules FOR UPDATE in id order, the order a submit locks them in); the
 * preview reads the same rows without locks.
 */
async function loadChangeFacts(client: Db | Tx, input: ResponsibilityChangeInput, lock: boolean) {
  const partners = await client.$queryRaw<PartnerFacts[]>`
      SELECT id, name, "activeFrom", "activeTo", tracks::text[] AS tracks, genders::text[] AS genders
        FROM "Partner" WHERE id = ${input.partnerId}::uuid ${lock ? Prisma.sql`FOR SHARE` : Prisma.empty}`;
  const municipalities = await client.municipality.findMany({
    where: { id: { in: [...input.municipalityIds] } },
    select: { id: true, name: true },
  });
  const rules = await client.$queryRaw<RoutingRuleFact[]>`
      SELECT id, version, track::text AS track, gender::text AS gender, "municipalityId", "partnerId",
             "validFrom", "validTo"
        FROM "RoutingRule"
       WHERE track = ${input.track}::"Track" AND "municipalityId" = ANY(${[...input.municipalityIds]}::uuid[])
       ORDER BY id ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  const partnerNames = new Map(
    (
      await client.partner.findMany({
        where: { id: { in: [...new Set(rules.map((r) => r.partnerId))] } },
        select: { id: true, name: true },
      })
    ).map((p) => [p.id, p.name]),
  );
  return { partner: partners[0] ?? null, municipalities, rules, partnerNames };
}

type Facts = Awaited<ReturnType<typeof loadChangeFacts>>;

/** What is wrong with the request as a whole: an unknown place or partner, or one that cannot take the keys. */
function requestProblem(facts: Facts, input: ResponsibilityChangeInput): ActionResult<PartnerFacts> {
  if (facts.municipalities.length !== input.municipalityIds.length) {
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', {
      municipalityIds: ['routing.errors.unknownMunicipality'],
    });
  }
  const partner = facts.partner;
  if (!partner)
    return failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { partnerId: ['routing.errors.unknownPartner'] });
  const firstDay = berlinDayStart(input.firstDay);
  if (!isPartnerActiveAt(partner, firstDay) || partner.activeTo !== null) {
    return failureWith('INVALID_STATE', 'routing.errors.partnerNotActive', { partner: partner.name });
  }
  if (!partner.tracks.includes(input.track) || input.genders.some((g) => !partner.genders.includes(g))) {
    return failureWith('INVALID_STATE', 'routing.errors.partnerDoesNotServe', { partner: partner.name });
  }
  return success(partner);
}

function toPreview(
  facts: Facts,
  partner: PartnerFacts,
  input: ResponsibilityChangeInput,
  plans: KeyPlan[],
): ChangePreview {
  const names = new Map(facts.municipalities.map((m) => [m.id, m.name]));
  const ruleView = (rule: RoutingRuleFact) => ({
    partnerName: facts.partnerNames.get(rule.partnerId) ?? '',
    firstDay: berlinDateOf(rule.validFrom),
    lastDay: lastDayOf(rule.validTo),
  });
  const rows = plans.map((plan): PreviewRow => {
    const rule =
      plan.outcome === 'CONFLICT' ? plan.conflicting : plan.outcome === 'UNCHANGED' ? plan.current : plan.previous;
    return {
      municipalityName: names.get(plan.key.municipalityId) ?? '',
      gender: plan.key.gender,
      outcome: plan.outcome,
      rule: rule ? ruleView(rule) : null,
      previousBecomes: plan.outcome === 'CHANGE' ? plan.previousBecomes : null,
    };
  });
  const token = createHash('sha256')
    .update(
      JSON.stringify([
        input.partnerId,
        input.track,
        input.firstDay,
        plans.map((p) => [
          p.key.municipalityId,
          p.key.gender,
          p.outcome,
          ...(p.outcome === 'CONFLICT' ? [p.conflicting.id, p.conflicting.version] : []),
          ...(p.outcome === 'UNCHANGED' ? [p.current.id, p.current.version] : []),
          ...(p.outcome === 'CHANGE' ? [p.previous?.id ?? null, p.previous?.version ?? null] : []),
        ]),
      ]),
    )
    .digest('base64url');
  return { partnerName: partner.name, track: input.track, firstDay: input.firstDay, rows, previewToken: token };
}

/** "Vorschau": every rule the change would touch, conflicts included. Changes nothing. */
export async function previewResponsibilityChange({
  input,
}: Command<ResponsibilityChangeInput>): Promise<ActionResult<ChangePreview>> {
  const facts = await loadChangeFacts(db(), input, false);
  const partner = requestProblem(facts, input);
  if (!partner.ok) return partner;
  const plans = planChange(facts.rules, { ...input, firstDay: berlinDayStart(input.firstDay), now: new Date() });
  return success(toPreview(facts, partner.data, input, plans));
}

const isOverlap = (error: unknown) => String((error as Error | null)?.message).includes('RoutingRule_no_overlap');

export type AppliedChange = { changeSetId: string; created: number; ended: number; cancelled: number };

/** "Wechsel speichern": the confirmed preview, in one transaction; refused when the rules changed meanwhile. */
export async function changeResponsibility({
  actor,
  input,
}: Command<ConfirmedResponsibilityChangeInput>): Promise<ActionResult<AppliedChange>> {
  try {
    return await db().$transaction(async (tx) => {
      const facts = await loadChangeFacts(tx, input, true);
      const partner = requestProblem(facts, input);
      if (!partner.ok) return partner;
      const firstDay = berlinDayStart(input.firstDay);
      const plans = planChange(facts.rules, { ...input, firstDay, now: new Date() });
      const preview = toPreview(facts, partner.data, input, plans);
      const conflicts = plans.flatMap((p) => (p.outcome === 'CONFLICT' ? [p.conflicting] : []));
      if (conflicts.length) {
        const names = new Map(facts.municipalities.map((m) => [m.id, m.name]));
        return failureWith('CONFLICT', 'routing.errors.conflicts', {
          rules: await describeRules(
            conflicts.map((r) => ({
              ...r,
              municipalityName: names.get(r.municipalityId) ?? '',
              partnerName: facts.partnerNames.get(r.partnerId) ?? '',
            })),
          ),
        });
      }
      if (preview.previewToken !== input.previewToken) return failure('CONFLICT', 'routing.errors.previewOutdated');
      const writes = planWrites(plans, input.partnerId, firstDay);
      if (writes.creates.length === 0) return failure('INVALID_STATE', 'routing.errors.nothingToChange');
      const changeSetId = randomUUID();
      const reason = input.reason || null;
      const history = [];
      for (const end of writes.ends) {
        await tx.routingRule.update({
          where: { id: end.rule.id },
          data: { validTo: end.validTo, version: end.rule.version + 1 },
        });
        history.push({
          changeSetId,
          ruleId: end.rule.id,
          version: end.rule.version + 1,
          kind: end.kind,
          validToBefore: end.rule.validTo,
          validFrom: end.rule.validFrom,
          validTo: end.validTo,
          actorId: actor.id,
          reason,
        });
      }
      const created = await tx.routingRule.createManyAndReturn({
        data: writes.creates,
        select: { id: true, version: true, validFrom: true },
      });
      for (const rule of created) {
        history.push({
          changeSetId,
          ruleId: rule.id,
          version: rule.version,
          kind: 'CREATED' as const,
          validFrom: rule.validFrom,
          actorId: actor.id,
          reason,
        });
      }
      await tx.routingRuleChange.createMany({ data: history });
      const counts = {
        created: created.length,
        ended: writes.ends.filter((e) => e.kind === 'ENDED').length,
        cancelled: writes.ends.filter((e) => e.kind === 'CANCELLED').length,
      };
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'ROUTING_CHANGED',
        entityType: 'Partner',
        entityId: input.partnerId,
        reason: reason ?? undefined,
        details: {
          changeSetId,
          track: input.track,
          genders: input.genders.join(','),
          municipalities: input.municipalityIds.length,
          firstDay: input.firstDay,
          retroactive: input.firstDay < berlinDateOf(new Date()),
          ...counts,
        },
      });
      return success({ changeSetId, ...counts });
    });
  } catch (error) {
    // Another admin saved rules for the same key at the same moment: the exclusion constraint decided.
    if (isOverlap(error)) return failure('CONFLICT', 'routing.errors.previewOutdated');
    throw error;
  }
}
