import 'server-only';

import type { Prisma } from '@/lib/generated/prisma/client';
import {
  projectTrack,
  type ProjectedLawfulBasis,
  type ProjectionSource,
  type ProjectionValues,
} from '@/lib/referrals/projection';
import { openReferral } from '@/lib/referrals/sealed';

/**
 * What a delivery (track) discloses to its partner, read from the database: only this track's person is
 * selected and opened, and `projectTrack` keeps only the partner's fields. The inbox and the webhook both
 * read it here, so the two channels can never disclose different things.
 */
export const DELIVERY_SELECT = {
  id: true,
  track: true,
  gender: true,
  lawfulBasis: true,
  consentMethod: true,
  consentGivenAt: true,
  legalBasis: true,
  channels: true,
  person: true,
  highRisk: true,
  referral: {
    select: { id: true, dataKey: true, details: true, incidentAt: true, municipality: { select: { name: true } } },
  },
} satisfies Prisma.ReferralTrackSelect;

export type DeliveryRow = Prisma.ReferralTrackGetPayload<{ select: typeof DELIVERY_SELECT }>;

/** The delivery's projection; null once its personal data is erased (withdrawn, purged). */
export function deliveryProjection(row: DeliveryRow): Partial<ProjectionValues> | null {
  const opened = openReferral(row.referral);
  const person = opened.person<ProjectionSource['track']['person']>(row.track, row.person);
  if (!person || !opened.details) return null;
  const lawfulBasis: ProjectedLawfulBasis =
    row.lawfulBasis === 'LEGAL_BASIS'
      ? { kind: 'LEGAL_BASIS', reference: row.legalBasis ?? '' }
      : { kind: 'CONSENT', method: row.consentMethod ?? 'VERBAL', givenAt: row.consentGivenAt?.toISOString() ?? '' };
  return projectTrack({
    incidentAt: row.referral.incidentAt.toISOString(),
    municipality: row.referral.municipality.name,
    highRisk: row.highRisk,
    details: opened.details,
    track: {
      track: row.track,
      gender: row.gender,
      lawfulBasis,
      channels: row.channels,
      person,
    } as ProjectionSource['track'],
  });
}

/** The partner's reference of a delivery: short enough to read out on the phone, unique in practice. */
export const referenceOf = (trackId: string) => trackId.replace(/-/g, '').slice(-8).toUpperCase();
