/**
 * Proof of erasure (issue 14, point 2; ADR 0013). After the retention job, nothing of a purged referral's
 * name, phone number, date of birth, address or note can be recovered: not through the app, not from a dump
 * of the database, and not from a dump taken *before* the erasure once the key-encryption key of that time
 * is destroyed. An old dump still holds the referral's wrapped data key, so the last step is what makes it
 * unreadable: a new key put first, everything re-wrapped by the job, the old key removed.
 *
 * The "dump" is every row of every table as text (tests/integration/support/review.ts: pg_dump of
 * PostgreSQL 18 is not available offline), plus the referral's rows as a restored backup would hold them.
 */
import { randomBytes } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { openJson, unwrapDataKey } from '@/lib/crypto/envelope';
import { keyStates, maintainKeyring } from '@/lib/crypto/key-states';
import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { resetEnvCache } from '@/lib/env';
import { acknowledgeDelivery } from '@/lib/inbox/service';
import { ownReferral } from '@/lib/referrals/queries';
import { detailsContext, personContext } from '@/lib/referrals/sealed';
import { runRetention } from '@/lib/retention/service';
import { approveReferral } from '@/lib/review/service';
import { completeSubmission } from '@/prisma/factories';

import { openStoredReferral } from '../support/referrals';
import { dumpAsText, fileIn, foundIn } from '../support/review';
import { createActor, freshWorld } from '../support/world';

const [OLD, NEW] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
const DAY = 86_400_000;

function useKeys(value: string) {
  vi.stubEnv('ENCRYPTION_KEYS', value);
  resetEnvCache();
}

/** Everything personal the complete form holds, written so that no other test data contains it. */
const PERSON = {
  firstName: 'Walburga',
  lastName: 'Zinnkrautler',
  birthDate: '1979-11-02',
  phone: '0511 7766554',
  street: 'Quittenweg 41',
  city: 'Frielingen',
  note: 'Hund im Treppenhaus, bitte vorher anrufen.',
  perpetratorFirstName: 'Ansgar',
  perpetratorLastName: 'Rübenkamp',
  perpetratorPhone: '0171 9988776',
  caseNumber: '2026/771133',
};
/** How each would appear in a dump, however stored (the phone also without spaces, the date in German). */
const NEEDLES = [...Object.values(PERSON), '05117766554', '01719988776', '02.11.1979', '771133'];

let officer: Actor;

beforeEach(async () => {
  useKeys(`old:${OLD}`);
  await freshWorld();
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** The referral's rows as a backup holds them: what someone with an old dump and the keys could try. */
async function backupOf(referralId: string) {
  const referral = await db().referral.findUniqueOrThrow({
    where: { id: referralId },
    select: { dataKey: true, details: true, tracks: { select: { track: true, person: true } } },
  });
  return referral;
}

/** Everything a backup lets one read of the referral with the keyring in use now. */
function readBackup(referralId: string, backup: Awaited<ReturnType<typeof backupOf>>) {
  const dataKey = unwrapDataKey(backup.dataKey, referralId);
  if (!dataKey) return null;
  return {
    details: openJson(dataKey, backup.details, detailsContext(referralId)),
    people: backup.tracks.map((t) => openJson(dataKey, t.person, personContext(referralId, t.track))),
  };
}

describe('proof of erasure', () => {
  it('leaves nothing readable: not in the app, not in a dump, not in a dump taken before once the old key is gone', async () => {
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    const erased = await fileIn(officer, 'Garbsen', PERSON, completeSubmission);
    expect(await approveReferral({ actor: supervisor, input: { referralId: erased, version: 1 } })).toMatchObject({
      ok: true,
    });
    expect(await dispatchReferral(erased)).toBe('DISPATCHED');
    const { id: trackId } = await db().referralTrack.findUniqueOrThrow({
      where: { referralId_track: { referralId: erased, track: 'VICTIM' } },
      select: { id: true },
    });
    const caseworker = await createActor('PARTNER', { partnerCode: 'BISS-REGION' });
    expect(await acknowledgeDelivery({ actor: caseworker, input: { trackId } })).toMatchObject({ ok: true });
    const perpetratorTrack = await db().referralTrack.findUniqueOrThrow({
      where: { referralId_track: { referralId: erased, track: 'PERPETRATOR' } },
      select: { id: true, partner: { select: { code: true } } },
    });
    const programme = await createActor('PARTNER', { partnerCode: perpetratorTrack.partner.code });
    expect(await acknowledgeDelivery({ actor: programme, input: { trackId: perpetratorTrack.id } })).toMatchObject({
      ok: true,
    });
    // A second referral that stays: the key change must not cost it anything.
    const kept = await fileIn(officer, 'Garbsen', { caseNumber: '2026/771134' });

    // The dump taken before the erasure, and the referral's rows in it.
    const oldDump = await dumpAsText();
    const oldBackup = await backupOf(erased);
    const oldBackupOfKept = await backupOf(kept);
    // Encrypted at rest: nothing personal in clear text even then …
    expect(foundIn(oldDump, NEEDLES)).toEqual([]);
    // … but with the key-encryption key of that time the old backup opens: this is what has to end.
    expect(JSON.stringify(readBackup(erased, oldBackup))).toContain('Zinnkrautler');
    expect(JSON.stringify(readBackup(erased, oldBackup))).toContain('Rübenkamp');

    // 31 days after the acknowledgements the retention job erases it.
    expect(await runRetention({ now: new Date(Date.now() + 31 * DAY), trigger: 'SCHEDULE' })).toMatchObject({
      purged: 1,
    });

    // Through the app: nothing.
    expect((await ownReferral({ actor: officer, id: erased }))?.draft ?? null).toBeNull();
    expect(await openStoredReferral(erased)).toEqual({ details: null, victim: null, perpetrator: null });
    // In a dump taken now: nothing personal, and no key or ciphertext of the referral left to attack.
    const newDump = await dumpAsText();
    expect(foundIn(newDump, NEEDLES)).toEqual([]);
    const erasedRows = await backupOf(erased);
    expect(erasedRows).toMatchObject({ dataKey: null, details: null });
    expect(erasedRows.tracks.map((t) => t.person)).toEqual([null, null]);
    expect(newDump).not.toContain(oldBackup.dataKey!.toLowerCase());

    // Until the old key-encryption key is destroyed, the old dump still opens: the window ADR 0013 bounds.
    expect(readBackup(erased, oldBackup)).not.toBeNull();

    // Key change as ADR 0013 prescribes: a new key first; the hourly job re-wraps everything under it and
    // marks the old key as no longer needed; the operator then destroys it.
    useKeys(`new:${NEW},old:${OLD}`);
    const { rewrapped } = await maintainKeyring();
    expect(rewrapped).toBeGreaterThanOrEqual(1);
    const old = (await keyStates()).find((k) => k.id === 'old');
    expect(old).toMatchObject({ current: false, sealedValues: 0 });
    expect(old?.destroyBy).toBeInstanceOf(Date);
    expect(
      await db().auditEvent.findFirst({ where: { action: 'ENCRYPTION_KEYS_REWRAPPED' }, select: { details: true } }),
    ).toMatchObject({ details: { rewrapped, remaining: 0 } });
    useKeys(`new:${NEW}`);

    // The live database lost nothing …
    expect((await openStoredReferral(kept)).victim).toMatchObject({ lastName: 'Schneider' });
    // … while the dump taken before the erasure is now unreadable: the wrapped data key no longer opens,
    // and without it neither does anything sealed under it.
    expect(unwrapDataKey(oldBackup.dataKey, erased)).toBeNull();
    expect(readBackup(erased, oldBackup)).toBeNull();
    // (So is every other referral of that old dump: a backup is readable only while its key lives.)
    expect(readBackup(kept, oldBackupOfKept)).toBeNull();
    expect(await maintainKeyring()).toEqual({ rewrapped: 0 });
    expect((await keyStates()).find((k) => k.id === 'old')?.goneSince).toBeInstanceOf(Date);
  });

  it('lets no instance still configured with the previous key wrap everything back under it', async () => {
    const kept = await fileIn(officer, 'Garbsen');
    await maintainKeyring(new Date(Date.now() - 86_400_000));
    useKeys(`new:${NEW},old:${OLD}`);
    expect((await maintainKeyring()).rewrapped).toBeGreaterThanOrEqual(1);
    // An instance that was not restarted yet: the old key first.
    useKeys(`old:${OLD},new:${NEW}`);
    expect(await maintainKeyring()).toEqual({ rewrapped: 0 });
    const { dataKey } = await db().referral.findUniqueOrThrow({ where: { id: kept }, select: { dataKey: true } });
    expect(dataKey!.startsWith('v2.new.')).toBe(true);
  });
});
