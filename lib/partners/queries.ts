import 'server-only';

import { db } from '@/lib/db';
import type { PartnerForEdit, PartnerWebhookDto } from '@/lib/partners/dto';
import { isPartnerActiveAt } from '@/lib/routing/coverage';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Track } from '@/lib/generated/prisma/enums';
import { berlinDateOf } from '@/lib/time/berlin';
import { lastDayOf } from '@/lib/time/days';

/** Partners active at `at`: the one definition every query uses. */
export function activePartnerWhere(at: Date): Prisma.PartnerWhereInput {
  return { activeFrom: { lte: at }, OR: [{ activeTo: null }, { activeTo: { gt: at } }] };
}

/** Active partners for a select (user scope), by name. Reference data. */
export function activePartnerOptions() {
  return db().partner.findMany({
    where: activePartnerWhere(new Date()),
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
}

/**
 * The partners of a track active at `at`, with the public description officers read out to the person
 * ("what happens next"), for the officer's form. Reference data.
 */
export function partnersOfTrack(track: Track, at: Date) {
  return db().partner.findMany({
    where: { ...activePartnerWhere(at), tracks: { has: track } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, genders: true, description: true },
  });
}

export type PartnerRow = Awaited<ReturnType<typeof listPartners>>[number];

/** "Partnerstellen": every partner, active ones first, with how many rules point to it now or later. */
export async function listPartners(now = new Date()) {
  const partners = await db().partner.findMany({
    orderBy: { name: 'asc' },
    select: {
      id: true,
      code: true,
      name: true,
      kind: true,
      tracks: true,
      genders: true,
      activeFrom: true,
      activeTo: true,
      _count: { select: { routingRules: { where: { OR: [{ validTo: null }, { validTo: { gt: now } }] } } } },
    },
  });
  return partners
    .map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      kind: p.kind,
      tracks: p.tracks,
      genders: p.genders,
      firstDay: berlinDateOf(p.activeFrom),
      lastDay: lastDayOf(p.activeTo),
      active: isPartnerActiveAt(p, now),
      rules: p._count.routingRules,
    }))
    .sort((a, b) => Number(b.active) - Number(a.active));
}

/** One partner as its form shows it: calendar days, the last active day inclusive. */
export async function partnerForEdit(id: string): Promise<PartnerForEdit | null> {
  const p = await db().partner.findUnique({
    where: { id },
    select: {
      id: true,
      code: true,
      name: true,
      kind: true,
      tracks: true,
      genders: true,
      phone: true,
      address: true,
      notificationEmail: true,
      activeFrom: true,
      activeTo: true,
      languages: true,
      description: true,
      version: true,
    },
  });
  if (!p) return null;
  return { ...p, activeFrom: berlinDateOf(p.activeFrom), activeTo: lastDayOf(p.activeTo) ?? '' };
}

/** The partner's webhook for its page: the URL and since when a secret exists, never the secret. */
export async function partnerWebhookOf(id: string): Promise<PartnerWebhookDto | null> {
  const p = await db().partner.findUnique({
    where: { id },
    select: { id: true, version: true, webhookUrl: true, webhookSecret: true, webhookSecretAt: true },
  });
  if (!p) return null;
  return {
    partnerId: p.id,
    version: p.version,
    url: p.webhookUrl,
    secretSince: p.webhookSecret ? (p.webhookSecretAt?.toISOString() ?? null) : null,
  };
}
