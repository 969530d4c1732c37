/**
 * Referrals for integration tests: the officer's flat form input (prisma/factories.ts) parsed with the
 * schema the server action uses, filed through the real service, and read back the way the app opens
 * sealed data (lib/referrals/sealed.ts).
 */
import { z } from 'zod/mini';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import type { Track } from '@/lib/generated/prisma/enums';
import { referralFormConfig } from '@/lib/referrals/config';
import {
  referralSubmission,
  type PerpetratorPerson,
  type ReferralFormInput,
  type ReferralSubmission,
  type VictimPerson,
} from '@/lib/referrals/schema';
import { openReferral } from '@/lib/referrals/sealed';
import { submitReferral, type SubmissionOutcome } from '@/lib/referrals/service';

/**
 * The structured submission the service receives, as the server would parse `input` with the current
 * configuration (read afresh, so a test may change LEGAL_BASES and call `resetEnvCache`). Throws with the
 * field errors when the form would be refused.
 */
export function parsed(input: ReferralFormInput): ReferralSubmission {
  const result = z.safeParse(referralSubmission(referralFormConfig()), input);
  if (!result.success) {
    throw new Error(`the form would be refused: ${JSON.stringify(z.flattenError(result.error).fieldErrors)}`);
  }
  return result.data;
}

/** Files the form as `actor` through the service and returns the outcome; throws unless a referral was filed. */
export async function fileReferral(
  actor: Actor,
  input: ReferralFormInput,
): Promise<Extract<SubmissionOutcome, { kind: 'REFERRAL' }>> {
  const result = await submitReferral({ actor, input: parsed(input) });
  if (!result.ok || result.data.kind !== 'REFERRAL') throw new Error(`not filed: ${JSON.stringify(result)}`);
  return result.data;
}

/** A stored referral with its tracks, opened as the app opens it: null where something does not open. */
export async function openStoredReferral(referralId: string) {
  const row = await db().referral.findUniqueOrThrow({
    where: { id: referralId },
    select: {
      id: true,
      dataKey: true,
      details: true,
      tracks: { select: { track: true, person: true } },
    },
  });
  const opened = openReferral(row);
  const personOf = <P>(track: Track) => {
    const stored = row.tracks.find((t) => t.track === track);
    return stored ? opened.person<P>(track, stored.person) : undefined;
  };
  return {
    details: opened.details,
    victim: personOf<VictimPerson>('VICTIM'),
    perpetrator: personOf<PerpetratorPerson>('PERPETRATOR'),
  };
}

/** The victim's person of every stored referral, oldest first (e.g. to see which phone number landed). */
export async function storedVictims(): Promise<(VictimPerson | null | undefined)[]> {
  const ids = await db().referral.findMany({ orderBy: { submittedAt: 'asc' }, select: { id: true } });
  return Promise.all(ids.map(async ({ id }) => (await openStoredReferral(id)).victim));
}
