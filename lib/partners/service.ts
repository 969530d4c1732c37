import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db, type Tx } from '@/lib/db';
import { inOrderOf } from '@/lib/enum-list';
import { LANGUAGE_CODES } from '@/lib/partners/languages';
import { RULE_GENDERS, TRACKS } from '@/lib/routing/values';
import type { Gender, Track } from '@/lib/generated/prisma/enums';
import type {
  CreatePartnerInput,
  PartnerFields,
  PartnerWebhookInput,
  SetPartnerWebhookInput,
  UpdatePartnerInput,
} from '@/lib/partners/schema';
import { describeRules } from '@/lib/routing/labels';
import { failure, failureWith, success, type ActionResult } from '@/lib/result';
import { addDays, berlinDayStart } from '@/lib/time/days';
import { isWithdrawn } from '@/lib/routing/decide';
import { urlRefusal } from '@/lib/webhooks/policy';
import { sendNotice } from '@/lib/delivery/outbox';
import { newWebhookSecret, sealWebhookSecret } from '@/lib/webhooks/secret';
import { webhookPolicy } from '@/lib/webhooks/send';

/**
 * Partner administration (issue 9). A partner is never deleted (referrals and rules point to it); it is
 * active on a range of days, and every routing rule to it must lie inside that range and fit what it serves:
 * a change that would leave a rule pointing at a partner that is inactive, or does not serve the rule's track
 * or gender, is refused with the rules named. Every change and its audit event commit together.
 */

type Command<I> = { actor: Actor; input: I };

const codeTaken = () => failure('CONFLICT', 'errors.codes.INVALID_INPUT', { code: ['partners.errors.codeTaken'] });
const notFound = () => failure('NOT_FOUND', 'partners.errors.notFound');
const changedMeanwhile = () => failure('CONFLICT', 'partners.errors.changedMeanwhile');

/** The stored columns of the form's fields: days become the instants they begin; "to" is the day after. */
function columns(input: PartnerFields) {
  return {
    name: input.name,
    kind: input.kind,
    // Sets, stored in the UI's order: the same choice in another order is no change.
    tracks: inOrderOf(TRACKS, input.tracks),
    genders: inOrderOf(RULE_GENDERS, input.genders),
    phone: input.phone,
    address: input.address,
    notificationEmail: input.notificationEmail,
    activeFrom: berlinDayStart(input.activeFrom),
    activeTo: input.activeTo ? berlinDayStart(addDays(input.activeTo, 1)) : null,
    languages: inOrderOf(LANGUAGE_CODES, input.languages),
    description: input.description,
  };
}

export async function createPartner({
  actor,
  input,
}: Command<CreatePartnerInput>): Promise<ActionResult<{ id: string }>> {
  try {
    return await db().$transaction(async (tx) => {
      if (await tx.partner.count({ where: { code: input.code } })) return codeTaken();
      const partner = await tx.partner.create({ data: { code: input.code, ...columns(input) }, select: { id: true } });
      await recordAudit(tx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'PARTNER_CREATED',
        entityType: 'Partner',
        entityId: partner.id,
        details: { code: input.code, kind: input.kind },
      });
      return success(partner);
    });
  } catch (error) {
    // Two admins creating the same code at once: the unique index decides.
    if ((error as { code?: unknown } | null)?.code === 'P2002') return codeTaken();
    throw error;
  }
}

type LockedPartner = { id: string; name: string };

/**
 * Rules of this partner (not cancelled) that the new settings would no longer cover: every rule, past ones
 * included, must lie inside the active days (a referral up to 30 days old is routed by the rules of its
 * day); what the partner serves must fit the rules in force now or later.
 */
async function rulesOutside(
  tx: Tx,
  partner: LockedPartner,
  next: { activeFrom: Date; activeTo: Date | null; tracks: Track[]; genders: Gender[] },
  now = new Date(),
) {
  const rules = await tx.routingRule.findMany({
    where: { partnerId: partner.id },
    select: {
      track: true,
      gender: true,
      validFrom: true,
      validTo: true,
      municipality: { select: { name: true } },
    },
    orderBy: [{ municipality: { name: 'asc' } }, { track: 'asc' }, { gender: 'asc' }, { validFrom: 'asc' }],
  });
  return rules
    .filter((r) => !isWithdrawn(r))
    .filter(
      (r) =>
        r.validFrom < next.activeFrom ||
        (next.activeTo !== null && (r.validTo === null || r.validTo > next.activeTo)) ||
        ((r.validTo === null || r.validTo > now) &&
          (!next.tracks.includes(r.track) || !next.genders.includes(r.gender))),
    )
    .map((r) => ({ ...r, municipalityName: r.municipality.name, partnerName: partner.name }));
}

/**
 * Saves the admin's form. Locks the partner row (a change of responsibility to this partner, saved at the
 * same moment, waits and then sees the new range), checks the version the admin saw, and refuses settings
 * that would strand a rule, naming the rules.
 */
export async function updatePartner({
  actor,
  input,
}: Command<UpdatePartnerInput>): Promise<ActionResult<{ version: number }>> {
  return db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Partner" WHERE id = ${input.partnerId}::uuid FOR UPDATE`;
    if (!locked) return notFound();
    const partner = await tx.partner.findUniqueOrThrow({ where: { id: locked.id } });
    if (partner.version !== input.version) return changedMeanwhile();
    const next = columns(input);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (field) => JSON.stringify(next[field]) !== JSON.stringify(partner[field]),
    );
    if (changed.length === 0) return success({ version: partner.version });
    const stranded = await rulesOutside(tx, partner, next);
    if (stranded.length) {
      return failureWith('INVALID_STATE', 'partners.errors.rulesOutside', {
        count: stranded.length,
        rules: await describeRules(stranded),
      });
    }
    const { version } = await tx.partner.update({
      where: { id: partner.id },
      data: { ...next, version: { increment: 1 } },
      select: { version: true },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'PARTNER_UPDATED',
      entityType: 'Partner',
      entityId: partner.id,
      // What changed, and where notices go before and after: facts about an organisation, nothing personal.
      details: {
        version,
        changed: changed.join(','),
        activeFrom: input.activeFrom,
        activeTo: input.activeTo || null,
        tracks: next.tracks.join(','),
        genders: next.genders.join(','),
        ...(changed.includes('notificationEmail') && {
          notificationEmail: next.notificationEmail,
          previousNotificationEmail: partner.notificationEmail,
        }),
      },
    });
    return success({ version });
  });
}

/**
 * The partner's webhook (issue 12): the URL its case system receives referrals at, and the secret that signs
 * them (Standard Webhooks). A new secret is answered once, for the admin to hand to the partner, and stored
 * only sealed (lib/webhooks/secret.ts); the audit names hosts, never a URL's path or query (they may hold a
 * token of the partner's) and never the secret.
 */
export type WebhookChange = { version: number; secret: string | null };

const WEBHOOK_REFUSALS = {
  SCHEME: 'partners.errors.webhookHttpsRequired',
  ADDRESS: 'partners.errors.webhookAddressRefused',
  NOT_LISTED: 'partners.errors.webhookHostNotListed',
} as const;

const webhookRefused = (refusal: keyof typeof WEBHOOK_REFUSALS) =>
  failure('INVALID_INPUT', 'errors.codes.INVALID_INPUT', { url: [WEBHOOK_REFUSALS[refusal]] });

const hostOf = (url: string | null) => (url && URL.canParse(url) ? new URL(url).host : null);

/** The partner locked for a webhook change, if it exists and is the version the admin saw. */
async function lockForWebhook(tx: Tx, input: { partnerId: string; version: number }) {
  const [locked] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Partner" WHERE id = ${input.partnerId}::uuid FOR UPDATE`;
  if (!locked) return notFound();
  const partner = await tx.partner.findUniqueOrThrow({
    where: { id: locked.id },
    select: { id: true, version: true, webhookUrl: true, webhookSecret: true, webhookSecretAt: true },
  });
  return partner.version === input.version ? success(partner) : changedMeanwhile();
}

/**
 * "Webhook speichern": sets or changes the URL. A partner without a secret gets one at the same time, answered
 * once; an existing secret stays (a new one only by `rotatePartnerWebhookSecret`). What production does not
 * allow (http, an internal address written into the URL) is refused here, before anything is stored.
 */
export async function setPartnerWebhook({
  actor,
  input,
}: Command<SetPartnerWebhookInput>): Promise<ActionResult<WebhookChange>> {
  const refusal = urlRefusal(new URL(input.url), webhookPolicy());
  if (refusal) return webhookRefused(refusal);
  return db().$transaction(async (tx) => {
    const locked = await lockForWebhook(tx, input);
    if (!locked.ok) return locked;
    const partner = locked.data;
    // The same URL again (as the form sends it after saving): nothing to change.
    if (partner.webhookUrl === input.url && partner.webhookSecret) {
      return success({ version: partner.version, secret: null });
    }
    const secret = partner.webhookSecret ? null : newWebhookSecret();
    const { version } = await tx.partner.update({
      where: { id: partner.id },
      data: {
        webhookUrl: input.url,
        ...(secret && { webhookSecret: sealWebhookSecret(partner.id, secret), webhookSecretAt: new Date() }),
        version: { increment: 1 },
      },
      select: { version: true },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'PARTNER_WEBHOOK_CHANGED',
      entityType: 'Partner',
      entityId: partner.id,
      details: {
        version,
        host: hostOf(input.url),
        previousHost: hostOf(partner.webhookUrl),
        secretCreated: secret !== null,
      },
    });
    await sendNotice(tx, { partnerId: partner.id, kind: 'WEBHOOK_CHANGED' });
    return success({ version, secret });
  });
}

/**
 * "Neues Geheimnis erzeugen": replaces the secret at once (the old one stops working now: after a leak there
 * is no grace period), answered once.
 */
export async function rotatePartnerWebhookSecret({
  actor,
  input,
}: Command<PartnerWebhookInput>): Promise<ActionResult<{ version: number; secret: string }>> {
  return db().$transaction(async (tx) => {
    const locked = await lockForWebhook(tx, input);
    if (!locked.ok) return locked;
    const partner = locked.data;
    if (!partner.webhookUrl) return failure('INVALID_STATE', 'partners.errors.webhookNotConfigured');
    const secret = newWebhookSecret();
    const { version } = await tx.partner.update({
      where: { id: partner.id },
      data: {
        webhookSecret: sealWebhookSecret(partner.id, secret),
        webhookSecretAt: new Date(),
        version: { increment: 1 },
      },
      select: { version: true },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'PARTNER_WEBHOOK_SECRET_ROTATED',
      entityType: 'Partner',
      entityId: partner.id,
      details: {
        version,
        host: hostOf(partner.webhookUrl),
        previousSecretFrom: partner.webhookSecretAt?.toISOString() ?? null,
      },
    });
    await sendNotice(tx, { partnerId: partner.id, kind: 'WEBHOOK_CHANGED' });
    return success({ version, secret });
  });
}

/** "Webhook entfernen": URL and secret go; the partner works in the app's inbox only. */
export async function removePartnerWebhook({
  actor,
  input,
}: Command<PartnerWebhookInput>): Promise<ActionResult<{ version: number }>> {
  return db().$transaction(async (tx) => {
    const locked = await lockForWebhook(tx, input);
    if (!locked.ok) return locked;
    const partner = locked.data;
    if (!partner.webhookUrl && !partner.webhookSecret) return success({ version: partner.version });
    const { version } = await tx.partner.update({
      where: { id: partner.id },
      data: { webhookUrl: null, webhookSecret: null, webhookSecretAt: null, version: { increment: 1 } },
      select: { version: true },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'PARTNER_WEBHOOK_REMOVED',
      entityType: 'Partner',
      entityId: partner.id,
      details: { version, previousHost: hostOf(partner.webhookUrl) },
    });
    await sendNotice(tx, { partnerId: partner.id, kind: 'WEBHOOK_CHANGED' });
    return success({ version });
  });
}
