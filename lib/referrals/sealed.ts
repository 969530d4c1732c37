import 'server-only';

import { createHmac } from 'node:crypto';

import { hashKey } from '@/lib/crypto/derive';
import { openJson, sealJson, unwrapDataKey, type DataKey } from '@/lib/crypto/envelope';
import type { Track } from '@/lib/generated/prisma/enums';
import type { ReferralDetails } from '@/lib/referrals/schema';

/**
 * Where a referral's personal data is sealed (ADR 0009): the case's sections in Referral.details, each
 * track's person in ReferralTrack.person, all under the referral's own data key. The associated data names
 * table, column and row, so a ciphertext copied elsewhere does not open.
 */
export const detailsContext = (referralId: string) => `Referral.details:${referralId}`;
export const personContext = (referralId: string, track: Track) => `ReferralTrack.person:${referralId}:${track}`;

export function sealDetails(dataKey: DataKey, referralId: string, details: ReferralDetails): string {
  return sealJson(dataKey, details, detailsContext(referralId));
}

export function sealPerson(dataKey: DataKey, referralId: string, track: Track, person: unknown): string {
  return sealJson(dataKey, person, personContext(referralId, track));
}

/** An opened referral's sealed parts; null for what cannot be opened (its data key destroyed, tampering). */
export function openReferral(row: { id: string; dataKey: string | null; details: string | null }) {
  const dataKey = unwrapDataKey(row.dataKey, row.id);
  return {
    dataKey,
    details: dataKey ? (openJson(dataKey, row.details, detailsContext(row.id)) as ReferralDetails | null) : null,
    person: <P>(track: Track, sealed: string | null): P | null =>
      dataKey ? (openJson(dataKey, sealed, personContext(row.id, track)) as P | null) : null,
  };
}

/** The Vorgangsnummer as compared: separators do not make another case ("2026/4711" is "20264711"). */
function normaliseCaseNumber(caseNumber: string): string {
  return caseNumber.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
}

/**
 * Keyed blind index of a Vorgangsnummer (HMAC-SHA256 under its own key derived from HASH_SECRET): the same
 * number always gives the same index, so referrals of one case are found by an exact look-up, while the
 * database alone tells nothing about the number (a plain hash of a short number could be guessed in seconds).
 */
export function caseNumberIndex(caseNumber: string): Buffer {
  return createHmac('sha256', hashKey('case-number-index')).update(normaliseCaseNumber(caseNumber)).digest();
}
