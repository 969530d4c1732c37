import 'server-only';

import { z } from 'zod';

import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { partnersOfTrack } from '@/lib/partners/queries';
import type { ReferralStatus } from '@/lib/generated/prisma/client';
import { toRoutingRuleDto, type ReferralFormOptions } from '@/lib/referrals/dto';
import { MAX_INCIDENT_AGE_DAYS } from '@/lib/referrals/schema';
import { listMunicipalities, loadVictimRulesForPreview } from '@/lib/routing/queries';

export const OWN_REFERRALS_PAGE_SIZE = 20;

/** What "Meine Vermittlungen" shows: no more than the officer needs to recognise the case. */
export type OwnReferralRow = {
  id: string;
  caseNumber: string;
  personName: string | null;
  incidentAt: Date;
  submittedAt: Date;
  municipalityName: string;
  partnerName: string;
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
 * index on (createdById, submittedAt, id). Showing names is a consultation of personal data, so the
 * view is audited (Art. 25 Directive 2016/680).
 */
export async function listOwnReferrals({ actor, cursor }: { actor: Actor; cursor?: string }) {
  const after = decodeCursor(cursor);
  const rows = await db().referral.findMany({
    where: {
      createdById: actor.id,
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
      caseNumber: true,
      firstName: true,
      lastName: true,
      incidentAt: true,
      submittedAt: true,
      status: true,
      municipality: { select: { name: true } },
      partner: { select: { name: true } },
    },
  });
  const page = rows.slice(0, OWN_REFERRALS_PAGE_SIZE);
  const items: OwnReferralRow[] = page.map((r) => ({
    id: r.id,
    caseNumber: r.caseNumber,
    personName: r.firstName && r.lastName ? `${r.firstName} ${r.lastName}` : null,
    incidentAt: r.incidentAt,
    submittedAt: r.submittedAt,
    municipalityName: r.municipality.name,
    partnerName: r.partner.name,
    status: r.status,
  }));
  if (items.some((i) => i.personName)) {
    await recordAudit(db(), {
      actorId: actor.id,
      actorRole: actor.role,
      action: 'REFERRAL_LIST_VIEWED',
      entityType: 'Referral',
      details: { count: items.length, ids: items.map((i) => i.id).join(',') },
    });
  }
  const last = page.at(-1);
  return { items, nextCursor: rows.length > OWN_REFERRALS_PAGE_SIZE && last ? encodeCursor(last) : null };
}

/** Everything the "Neue Vermittlung" form needs besides the officer's input. */
export async function loadReferralFormOptions(now: Date): Promise<ReferralFormOptions> {
  const from = new Date(now.getTime() - MAX_INCIDENT_AGE_DAYS * 86_400_000);
  const [municipalities, partners, rules] = await Promise.all([
    listMunicipalities(),
    partnersOfTrack('VICTIM', now),
    loadVictimRulesForPreview(db(), { from }),
  ]);
  return { municipalities, partners, rules: rules.map(toRoutingRuleDto) };
}
