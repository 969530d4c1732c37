import 'server-only';

import { z } from 'zod';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { languageOptions } from '@/lib/partners/languages';
import { partnersOfTrack } from '@/lib/partners/queries';
import type { ReferralStatus, Track } from '@/lib/generated/prisma/client';
import { toRoutingRuleDto, type ReferralFormOptions } from '@/lib/referrals/dto';
import { MAX_INCIDENT_AGE_DAYS, type VictimPerson } from '@/lib/referrals/schema';
import { referralFormConfig } from '@/lib/referrals/config';
import { openReferral } from '@/lib/referrals/sealed';
import { consultReferral } from '@/lib/referrals/consultation';
import { STORED_REFERRAL_SELECT, storedDraft, type StoredReferral } from '@/lib/referrals/stored';
import { timelineOf, type TimelineEntry } from '@/lib/referrals/timeline';
import { unwrapDataKey } from '@/lib/crypto/envelope';
import { listMunicipalities, loadRulesForPreview } from '@/lib/routing/queries';

export const OWN_REFERRALS_PAGE_SIZE = 20;

/** What "Meine Vermittlungen" shows: no more than the officer needs to recognise the case. */
export type OwnReferralRow = {
  id: string;
  /** Null when the referral's personal data can no longer be opened (erased). */
  caseNumber: string | null;
  personName: string | null;
  incidentAt: Date;
  submittedAt: Date;
  municipalityName: string;
  /** Where each track went, the victim's first. */
  partners: { track: Track; name: string }[];
  status: ReferralStatus;
};

/** Opaque keyset cursor: the last row's submission time and id. */
export function encodeCursor(row: Pick<OwnReferralRow, 'submittedAt' | 'id'>): string {
  return Buffer.from(`${row.submittedAt.toISOString()}|${row.id}`).toString('base64url');
}

/** A cursor from the URL is input like any other: an exact ISO time (four-digit year) and a UUID. */
const cursorParts = z.tuple([z.iso.datetime(), z.uuid()]);

/** The position a cursor names, or null (first page) for anything that is not a cursor we issued. */
function decodeCursor(cursor: string | undefined): { submittedAt: Date; id: string } | null {
  if (!cursor) return null;
  const parsed = cursorParts.safeParse(Buffer.from(cursor, 'base64url').toString('utf8').split('|'));
  return parsed.success ? { submittedAt: new Date(parsed.data[0]), id: parsed.data[1] } : null;
}

/**
 * The officer's own referrals, newest first, keyset-paginated on (submittedAt, id) and backed by the
 * index on (createdById, submittedAt, id); `returnedOnly`: only those waiting for the officer's correction.
 * Showing names is a consultation of personal data, so the view is audited (Art. 25 Directive 2016/680).
 */
export async function listOwnReferrals({
  actor,
  cursor,
  returnedOnly = false,
}: {
  actor: Actor;
  cursor?: string;
  returnedOnly?: boolean;
}) {
  const after = decodeCursor(cursor);
  const rows = await db().referral.findMany({
    where: {
      createdById: actor.id,
      ...(returnedOnly && { status: 'RETURNED' as const }),
      ...(after && {
        // The lte bound lets PostgreSQL start the index range at the cursor; the OR breaks ties by id.
        submittedAt: { lte: after.submittedAt },
        OR: [{ submittedAt: { lt: after.submittedAt } }, { submittedAt: after.submittedAt, id: { lt: after.id } }],
      }),
    },
    orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
    take: OWN_REFERRALS_PAGE_SIZE + 1,
    select: {
      id: true,
      dataKey: true,
      details: true,
      incidentAt: true,
      submittedAt: true,
      status: true,
      municipality: { select: { name: true } },
      tracks: {
        orderBy: { track: 'asc' },
        select: { track: true, person: true, partner: { select: { name: true } } },
      },
    },
  });
  const page = rows.slice(0, OWN_REFERRALS_PAGE_SIZE);
  const items: OwnReferralRow[] = page.map((r) => {
    const opened = openReferral(r);
    const victim = r.tracks.find((t) => t.track === 'VICTIM');
    const person = victim ? opened.person<VictimPerson>('VICTIM', victim.person) : null;
    return {
      id: r.id,
      caseNumber: opened.details?.caseNumber ?? null,
      personName: person ? `${person.firstName} ${person.lastName}` : null,
      incidentAt: r.incidentAt,
      submittedAt: r.submittedAt,
      municipalityName: r.municipality.name,
      partners: r.tracks.map((t) => ({ track: t.track, name: t.partner.name })),
      status: r.status,
    };
  });
  if (items.some((i) => i.personName)) {
    await recordAudit(db(), {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'REFERRAL_LIST_VIEWED',
      entityType: 'Referral',
      subjectIds: items.map((i) => i.id),
      details: { count: items.length },
    });
  }
  const last = page.at(-1);
  return { items, nextCursor: rows.length > OWN_REFERRALS_PAGE_SIZE && last ? encodeCursor(last) : null };
}

/** Everything the "Neue Vermittlung" form needs besides the officer's input. */
export async function loadReferralFormOptions(now: Date, locale: string): Promise<ReferralFormOptions> {
  const from = new Date(now.getTime() - MAX_INCIDENT_AGE_DAYS * 86_400_000);
  const [municipalities, victimPartners, perpetratorPartners, rules] = await Promise.all([
    listMunicipalities(),
    partnersOfTrack('VICTIM', now),
    partnersOfTrack('PERPETRATOR', now),
    loadRulesForPreview(db(), { from }),
  ]);
  return {
    municipalities,
    tracks: {
      VICTIM: { partners: victimPartners, rules: rules.filter((r) => r.track === 'VICTIM').map(toRoutingRuleDto) },
      PERPETRATOR: {
        partners: perpetratorPartners,
        rules: rules.filter((r) => r.track === 'PERPETRATOR').map(toRoutingRuleDto),
      },
    },
    languages: languageOptions(locale),
    config: referralFormConfig(),
  };
}

/** What the officer sees of an own referral: each track as its partner receives it, and where it stands. */
export type OwnReferralView = {
  id: string;
  status: ReferralStatus;
  version: number;
  submittedAt: Date;
  /** When it was last corrected; null while never corrected. */
  correctedAt: Date | null;
  correctable: boolean;
  municipalityName: string;
  /** Null when the personal data can no longer be opened (erased). */
  draft: StoredReferral | null;
  tracks: { track: Track; status: ReferralStatus; partnerName: string }[];
  timeline: TimelineEntry[];
};

/**
 * One of the officer's own referrals, opened (a consultation of personal data: audited). Another officer's
 * referral is "not found", exactly like one that does not exist.
 */
export async function ownReferral({ actor, id }: { actor: Actor; id: string }): Promise<OwnReferralView | null> {
  const row = await consultReferral(
    actor,
    id,
    {
      ...STORED_REFERRAL_SELECT,
      createdById: true,
      submittedAt: true,
      updatedAt: true,
      municipality: { select: { name: true } },
    },
    { permission: 'referral:read-own', allowed: (r) => r.createdById === actor.id, refusal: 'NOT_OWN' },
  );
  if (!row) return null;
  const dataKey = unwrapDataKey(row.dataKey, row.id);
  const draft = dataKey ? storedDraft(row) : null;
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    submittedAt: row.submittedAt,
    correctedAt: row.version > 1 ? row.updatedAt : null,
    correctable: (row.status === 'SUBMITTED' || row.status === 'RETURNED') && draft?.details != null,
    municipalityName: row.municipality.name,
    draft,
    tracks: row.tracks.map((t) => ({ track: t.track, status: t.status, partnerName: t.partner.name })),
    timeline: await timelineOf(db(), row.id, dataKey),
  };
}

/** How many of the officer's referrals wait for a correction (returned by a supervisor). */
export async function countReturned(actor: Actor): Promise<number> {
  return db().referral.count({ where: { createdById: actor.id, status: 'RETURNED' } });
}
