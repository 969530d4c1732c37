/**
 * Rotating the encryption key, as README "Rotating secrets" tells an operator to: put a new key first, keep
 * the old one, `npm run keys:rotate`, then remove the old key. Nobody's second factor may be lost on the way.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { pendingEnrolment } from '@/lib/auth/mfa/service';
import { sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { stepUpAction } from '@/lib/auth/mfa/actions';
import { SEALED_COLUMNS, rotateSealedValues } from '@/lib/crypto/rotate';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { listOwnReferrals } from '@/lib/referrals/queries';
import { newWebhookSecret, openWebhookSecret, sealWebhookSecret } from '@/lib/webhooks/secret';
import { completeSubmission, consentedSubmission } from '@/prisma/factories';

import { testDatabaseUrl } from '../helpers/db';
import { fileReferral } from '../support/referrals';
import { currentSession } from '../support/request-context';
import { createActor, freshWorld, municipalityId, partnerId, signInAs } from '../support/world';

const run = promisify(execFile);
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const [OLD, NEW] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];

function useKeys(value: string) {
  vi.stubEnv('ENCRYPTION_KEYS', value);
  resetEnvCache();
}

const storedValues = async () => [
  ...(await db().user.findMany({ where: { mfaSecret: { not: null } }, select: { mfaSecret: true } })).map(
    (u) => u.mfaSecret!,
  ),
  ...(
    await db().session.findMany({ where: { pendingMfaSecret: { not: null } }, select: { pendingMfaSecret: true } })
  ).map((s) => s.pendingMfaSecret!),
  ...(await db().partner.findMany({ where: { webhookSecret: { not: null } }, select: { webhookSecret: true } })).map(
    (p) => p.webhookSecret!,
  ),
];

/** A partner's webhook secret, sealed with the keyring in use (lib/webhooks/secret.ts). */
async function giveWebhookSecret(code: string): Promise<{ partner: string; secret: string }> {
  const partner = await partnerId(code);
  const secret = newWebhookSecret();
  await db().partner.update({ where: { id: partner }, data: { webhookSecret: sealWebhookSecret(partner, secret) } });
  return { partner, secret };
}

beforeEach(async () => {
  useKeys(`old:${OLD}`);
  await freshWorld();
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('encryption key rotation', () => {
  it('re-seals every value under the new key; afterwards the old key can go and every second factor works', async () => {
    const enrolled = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    await db().user.update({
      where: { id: enrolled.id },
      data: { mfaSecret: sealTotpSecret(enrolled.id, SECRET), mfaEnabledAt: new Date() },
    });
    const enrolling = await createActor('ADMIN');
    await signInAs(enrolling, { secondFactorPending: true });
    const enrolment = { sessionId: currentSession.value!.sid, user: enrolling };
    const pending = (await pendingEnrolment(enrolment))!;
    const webhook = await giveWebhookSecret('MB-H');

    useKeys(`new:${NEW},old:${OLD}`);
    expect(await rotateSealedValues(db())).toEqual([
      { column: 'Referral.dataKey', resealed: 0, remaining: {} },
      { column: 'User.mfaSecret', resealed: 1, remaining: {} },
      { column: 'Session.pendingMfaSecret', resealed: 1, remaining: {} },
      { column: 'Partner.webhookSecret', resealed: 1, remaining: {} },
    ]);
    expect((await storedValues()).every((value) => value.startsWith('v2.new.'))).toBe(true);
    // Running it again finds nothing to do.
    expect((await rotateSealedValues(db())).map((r) => r.resealed)).toEqual([0, 0, 0, 0]);

    useKeys(`new:${NEW}`);
    await signInAs(enrolled);
    expect(await stepUpAction({ code: currentTotpCode(SECRET) })).toMatchObject({ ok: true });
    // The enrolment under way goes on with the same QR code.
    expect((await pendingEnrolment(enrolment))!.secret).toBe(pending.secret);
    // The partner's case system keeps verifying with the secret it was given.
    const { webhookSecret } = await db().partner.findUniqueOrThrow({ where: { id: webhook.partner } });
    expect(openWebhookSecret(webhook.partner, webhookSecret!)).toBe(webhook.secret);
  });

  it('leaves values whose key is missing untouched and names the key', async () => {
    const actor = await createActor('AUDITOR');
    const sealed = sealTotpSecret(actor.id, SECRET);
    await db().user.update({ where: { id: actor.id }, data: { mfaSecret: sealed, mfaEnabledAt: new Date() } });
    useKeys(`new:${NEW}`);
    expect(await rotateSealedValues(db())).toContainEqual({
      column: 'User.mfaSecret',
      resealed: 0,
      remaining: { old: 1 },
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: actor.id } })).mfaSecret).toBe(sealed);
  });

  it('npm run keys:rotate re-seals, says when old keys may go, and refuses the development key on a real database', async () => {
    const actor = await createActor('AUDITOR');
    await db().user.update({
      where: { id: actor.id },
      data: { mfaSecret: sealTotpSecret(actor.id, SECRET), mfaEnabledAt: new Date() },
    });
    const { ENCRYPTION_KEYS: _unset, ...environment } = process.env;
    const rotate = (keys?: string) =>
      run('node_modules/.bin/tsx', ['lib/cli/keys.ts', 'rotate'], {
        env: { ...environment, DATABASE_URL: testDatabaseUrl(), ...(keys ? { ENCRYPTION_KEYS: keys } : {}) },
      }).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );
    expect(await rotate()).toMatchObject({ code: 1, output: expect.stringContaining('development key') });
    expect(await rotate(`new:${NEW},old:${OLD}`)).toMatchObject({
      code: 0,
      output: expect.stringContaining('User.mfaSecret: 1 re-sealed with key "new"'),
    });
    expect(await rotate(`new:${NEW}`)).toMatchObject({
      code: 0,
      output: expect.stringContaining('older keys may now be removed'),
    });
  });

  it('knows every column that holds sealed values', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await fileReferral(officer, completeSubmission(await municipalityId('Garbsen')));
    const actor = await createActor('ADMIN');
    await db().user.update({
      where: { id: actor.id },
      data: { mfaSecret: sealTotpSecret(actor.id, SECRET), mfaEnabledAt: new Date() },
    });
    await signInAs(await createActor('PARTNER', { partnerCode: 'MB-H' }), { secondFactorPending: true });
    await pendingEnrolment({ sessionId: currentSession.value!.sid, user: { id: currentSession.value!.uid } });
    await giveWebhookSecret('BISS-LHH');
    const textColumns = await db().$queryRaw<{ table: string; column: string }[]>`
      SELECT table_name AS table, column_name AS column FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')`;
    const sealedColumns: string[] = [];
    const dataKeyColumns: string[] = [];
    for (const { table, column } of textColumns) {
      const [row] = await db().$queryRawUnsafe<{ keyring: boolean; dataKey: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM "${table}" WHERE "${column}" ~ '^v[12]\\.[A-Za-z0-9_.-]+$') AS keyring,
                EXISTS (SELECT 1 FROM "${table}" WHERE "${column}" ~ '^e1\\.[A-Za-z0-9_.-]+$') AS "dataKey"`,
      );
      if (row?.keyring) sealedColumns.push(`${table}.${column}`);
      if (row?.dataKey) dataKeyColumns.push(`${table}.${column}`);
    }
    expect(sealedColumns.sort()).toEqual(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort());
    // Sealed under a referral's data key, not the keyring: rotation re-wraps that key and leaves these alone.
    expect(dataKeyColumns.sort()).toEqual(['Referral.details', 'ReferralTrack.person']);
  });
});

describe('encryption key rotation of referrals (envelope encryption, ADR 0009)', () => {
  /** Every sealed value of every referral, by row: the wrapped data key and the data sealed under it. */
  const sealedReferrals = async () =>
    db().referral.findMany({
      orderBy: { id: 'asc' },
      select: {
        id: true,
        dataKey: true,
        details: true,
        caseNumberIndex: true,
        tracks: { orderBy: { track: 'asc' }, select: { track: true, person: true } },
      },
    });

  it('re-wraps each data key under the new key, leaves the data as it is, and needs the old key no more', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    await fileReferral(officer, completeSubmission(garbsen, { lastName: 'Altschlüssel' }));
    await fileReferral(officer, consentedSubmission(garbsen, { lastName: 'Vorher', caseNumber: '2026/000002' }));
    const before = await sealedReferrals();
    expect(before.every((r) => r.dataKey!.startsWith('v2.old.'))).toBe(true);

    // Without the old key nothing opens yet: the data keys are wrapped by it.
    useKeys(`new:${NEW}`);
    expect((await listOwnReferrals({ actor: officer })).items.map((i) => [i.personName, i.caseNumber])).toEqual([
      [null, null],
      [null, null],
    ]);

    useKeys(`new:${NEW},old:${OLD}`);
    expect(await rotateSealedValues(db())).toContainEqual({ column: 'Referral.dataKey', resealed: 2, remaining: {} });
    const after = await sealedReferrals();
    expect(after.every((r) => r.dataKey!.startsWith('v2.new.'))).toBe(true);
    // Re-wrapped, not re-encrypted: the details, each person and the blind index are byte for byte the same.
    expect(after.map(({ dataKey: _key, ...rest }) => rest)).toEqual(before.map(({ dataKey: _key, ...rest }) => rest));
    expect(after.map((r) => r.dataKey)).not.toContain(before[0]!.dataKey);

    useKeys(`new:${NEW}`);
    await fileReferral(officer, consentedSubmission(garbsen, { lastName: 'Nachher', caseNumber: '2026/000003' }));
    expect((await sealedReferrals()).every((r) => r.dataKey!.startsWith('v2.new.'))).toBe(true);
    expect((await listOwnReferrals({ actor: officer })).items.map((i) => [i.personName, i.caseNumber])).toEqual([
      ['Marie Nachher', '2026/000003'],
      ['Marie Vorher', '2026/000002'],
      ['Marlene Altschlüssel', '2026/004711'],
    ]);
  });

  it('leaves a destroyed data key destroyed: rotation does not bring erased referrals back', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, consentedSubmission(await municipalityId('Garbsen')));
    await db().referral.update({
      where: { id: referralId },
      data: { dataKey: null, details: null, caseNumberIndex: null },
    });
    useKeys(`new:${NEW},old:${OLD}`);
    expect(await rotateSealedValues(db())).toContainEqual({ column: 'Referral.dataKey', resealed: 0, remaining: {} });
    expect((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).dataKey).toBeNull();
  });
});
