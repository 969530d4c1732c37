import { beforeEach, describe, expect, it } from 'vitest';

import { openTotpSecret, sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { confirmEnrolment, pendingEnrolment, resetSecondFactor, verifySecondFactor } from '@/lib/auth/mfa/service';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { stepUpAction } from '@/lib/auth/mfa/actions';
import { authenticateWithPassword } from '@/lib/auth/service';
import { authorizeAction, getSession } from '@/lib/auth/guards';
import {
  revokeAllSessions,
  revokeSession,
  startSession,
  validateSession,
  type ValidSession,
} from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';

import { currentSession } from '../support/request-context';
import { createActor, freshWorld, PASSWORD, signInAs } from '../support/world';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ADDRESS = '203.0.113.9';

beforeEach(freshWorld);

async function sessionOf(userId: string, { proved = false } = {}): Promise<ValidSession> {
  const { sessionVersion } = await db().user.findUniqueOrThrow({ where: { id: userId } });
  const { id } = await startSession(userId, { secondFactorProved: proved });
  return (await validateSession({ sid: id, uid: userId, sv: sessionVersion }))!;
}

async function enrolled(role: 'SUPERVISOR' | 'OFFICER' = 'SUPERVISOR') {
  const actor = await createActor(
    role,
    role === 'OFFICER' ? { stationCode: 'PK-GARBSEN' } : { inspectionCode: 'PI-GAR' },
  );
  await db().user.update({
    where: { id: actor.id },
    data: { mfaSecret: sealTotpSecret(actor.id, SECRET), mfaEnabledAt: new Date() },
  });
  return actor;
}

const actions = async () => (await db().auditEvent.findMany({ orderBy: { id: 'asc' } })).map((e) => e.action);

describe('session states', () => {
  it('owes enrolment for a supervisor without a factor, verification with one, nothing for an officer', async () => {
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    expect((await sessionOf(supervisor.id)).secondFactor).toBe('ENROL');
    expect((await sessionOf((await enrolled()).id)).secondFactor).toBe('VERIFY');
    expect((await sessionOf((await enrolled()).id, { proved: true })).secondFactor).toBe('DONE');
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    expect((await sessionOf(officer.id)).secondFactor).toBe('DONE');
    // An officer who enrolled one is asked for it like everybody else.
    expect((await sessionOf((await enrolled('OFFICER')).id)).secondFactor).toBe('VERIFY');
  });

  it('makes officers enrol when the directorate requires it', async () => {
    process.env.MFA_FOR_OFFICERS = 'required';
    resetEnvCache();
    try {
      const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      expect((await sessionOf(officer.id)).secondFactor).toBe('ENROL');
    } finally {
      delete process.env.MFA_FOR_OFFICERS;
      resetEnvCache();
    }
  });

  it('lets a half signed-in session do nothing but the second-factor step, and audits the attempt', async () => {
    const actor = await enrolled();
    await signInAs(actor, { secondFactorPending: true });
    expect(await authorizeAction('account:change-password')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    const denied = await db().auditEvent.findFirstOrThrow({ where: { action: 'ACCESS_DENIED' } });
    expect(denied).toMatchObject({ actorId: actor.id, details: { reason: 'SECOND_FACTOR_PENDING' } });
  });
});

describe('enrolment', () => {
  it('keeps one sealed secret per session until it is confirmed, then issues ten hashed recovery codes', async () => {
    const actor = await createActor('ADMIN');
    const session = await sessionOf(actor.id);
    const first = (await pendingEnrolment(session))!;
    expect((await pendingEnrolment(session))!.secret).toBe(first.secret);
    expect(first.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    const stored = (await db().session.findUniqueOrThrow({ where: { id: session.sessionId } })).pendingMfaSecret!;
    expect(stored).not.toContain(first.secret);
    expect(openTotpSecret(actor.id, stored)).toBe(first.secret);
    // Someone else who knows the password, in another session, is shown another secret.
    const intruder = await sessionOf(actor.id);
    const other = (await pendingEnrolment(intruder))!;
    expect(other.secret).not.toBe(first.secret);
    expect(
      await confirmEnrolment({ session, code: currentTotpCode(other.secret), clientAddress: ADDRESS }),
    ).toMatchObject({
      ok: false,
    });

    const wrong = await confirmEnrolment({ session, code: '000000', clientAddress: ADDRESS });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { code: ['errors.secondFactor.wrong'] } });

    const result = await confirmEnrolment({ session, code: currentTotpCode(first.secret), clientAddress: ADDRESS });
    const codes = result.ok ? result.data : [];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    codes.forEach((c) => expect(c).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/));
    const rows = await db().recoveryCode.findMany({ where: { userId: actor.id } });
    expect(rows).toHaveLength(10);
    rows.forEach((r) => expect(codes.some((c) => r.codeHash.includes(c.replaceAll('-', '')))).toBe(false));

    expect((await validateSession({ sid: session.sessionId, uid: actor.id, sv: 1 }))?.secondFactor).toBe('DONE');
    expect(openTotpSecret(actor.id, (await db().user.findUniqueOrThrow({ where: { id: actor.id } })).mfaSecret!)).toBe(
      first.secret,
    );
    expect(await pendingEnrolment(session)).toBeNull();
    // The intruder's session cannot enrol a second factor over it.
    expect(
      await confirmEnrolment({ session: intruder, code: currentTotpCode(other.secret), clientAddress: ADDRESS }),
    ).toMatchObject({ ok: false });
    expect(await db().recoveryCode.count({ where: { userId: actor.id } })).toBe(10);
    expect(await actions()).toEqual([
      'SECOND_FACTOR_FAILED',
      'SECOND_FACTOR_FAILED',
      'SECOND_FACTOR_ENROLLED',
      'SECOND_FACTOR_FAILED',
    ]);
  });
});

describe('verification', () => {
  it.each([
    ['this session signed out', (session: ValidSession) => revokeSession(session.sessionId)],
    [
      'all sessions ended (sign-out everywhere)',
      (session: ValidSession) => db().$transaction((tx) => revokeAllSessions(tx, session.user.id)),
    ],
    [
      'a second-factor reset',
      (session: ValidSession) => db().$transaction((tx) => resetSecondFactor(tx, session.user.id)),
    ],
  ])('does not renew a session after %s landed while the code was checked', async (_, endSessions) => {
    const actor = await enrolled();
    const session = await sessionOf(actor.id);
    await endSessions(session);
    const result = await verifySecondFactor(
      { session, code: currentTotpCode(SECRET), clientAddress: ADDRESS },
      'sign-in',
    );
    expect(result).toMatchObject({ ok: false });
    expect(await db().session.count({ where: { userId: actor.id, revokedAt: null } })).toBe(0);
    expect(await actions()).not.toContain('SECOND_FACTOR_VERIFIED');
  });

  it('accepts the current code once and refuses it again (replay)', async () => {
    const actor = await enrolled();
    const code = currentTotpCode(SECRET);
    expect(
      await verifySecondFactor({ session: await sessionOf(actor.id), code, clientAddress: ADDRESS }, 'sign-in'),
    ).toMatchObject({ ok: true });
    const replay = await verifySecondFactor(
      { session: await sessionOf(actor.id), code, clientAddress: ADDRESS },
      'sign-in',
    );
    expect(replay).toMatchObject({ ok: false, fieldErrors: { code: ['errors.secondFactor.reused'] } });
    const failed = await db().auditEvent.findFirstOrThrow({ where: { action: 'SECOND_FACTOR_FAILED' } });
    expect(failed.details).toEqual({ reason: 'REPLAYED', lockedNow: false });
  });

  it('accepts a code from the previous period (clock drift) but not one from two periods ago', async () => {
    const actor = await enrolled();
    const attempt = async (offset: number) =>
      (
        await verifySecondFactor(
          {
            session: await sessionOf(actor.id),
            code: currentTotpCode(SECRET, Date.now() + offset),
            clientAddress: null,
          },
          'sign-in',
        )
      ).ok;
    expect(await attempt(-60_000)).toBe(false);
    expect(await attempt(-30_000)).toBe(true);
  });

  it('accepts each recovery code once', async () => {
    const actor = await createActor('PARTNER', { partnerCode: 'MB-H' });
    const enrolling = await sessionOf(actor.id);
    const { secret } = (await pendingEnrolment(enrolling))!;
    const enrolment = await confirmEnrolment({
      session: enrolling,
      code: currentTotpCode(secret),
      clientAddress: null,
    });
    const recoveryCode = enrolment.ok ? enrolment.data[3]! : '';
    const typed = recoveryCode.toLowerCase().replaceAll('-', ' ');
    const session = await sessionOf(actor.id);
    expect(session.secondFactor).toBe('VERIFY');
    const signedIn = await verifySecondFactor({ session, code: typed, clientAddress: null }, 'sign-in');
    // The half signed-in session is replaced by a new, complete one (ASVS 7.2.4).
    expect(signedIn.ok && signedIn.data && (await validateSession(signedIn.data))?.secondFactor).toBe('DONE');
    expect(signedIn.ok && signedIn.data?.sid).not.toBe(session.sessionId);
    expect(await validateSession({ sid: session.sessionId, uid: actor.id, sv: 1 })).toBeNull();
    expect(await db().recoveryCode.count({ where: { userId: actor.id, usedAt: { not: null } } })).toBe(1);
    const again = await verifySecondFactor(
      { session: await sessionOf(actor.id), code: recoveryCode, clientAddress: null },
      'sign-in',
    );
    expect(again).toMatchObject({ ok: false, fieldErrors: { code: ['errors.secondFactor.wrong'] } });
    const verified = await db().auditEvent.findFirstOrThrow({ where: { action: 'SECOND_FACTOR_VERIFIED' } });
    expect(verified.details).toEqual({ method: 'RECOVERY_CODE', remainingRecoveryCodes: 9 });
  });

  it('locks the account after five wrong codes, for codes and passwords alike', async () => {
    const actor = await enrolled();
    const email = (await db().user.findUniqueOrThrow({ where: { id: actor.id } })).email;
    // The password was right: that must not reset the count of wrong codes.
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).not.toBeNull();
    for (let i = 0; i < 5; i += 1) {
      await verifySecondFactor(
        { session: await sessionOf(actor.id), code: '000000', clientAddress: ADDRESS },
        'sign-in',
      );
    }
    const right = await verifySecondFactor(
      { session: await sessionOf(actor.id), code: currentTotpCode(SECRET), clientAddress: ADDRESS },
      'sign-in',
    );
    expect(right).toMatchObject({ ok: false, message: 'errors.secondFactor.locked' });
    expect(await authenticateWithPassword(email, PASSWORD, ADDRESS)).toBeNull();
  });

  it('is cleared by an admin reset, which also ends every session', async () => {
    const actor = await enrolled();
    const session = await sessionOf(actor.id, { proved: true });
    await db().$transaction((tx) => resetSecondFactor(tx, actor.id));
    expect(await validateSession({ sid: session.sessionId, uid: actor.id, sv: 1 })).toBeNull();
    const user = await db().user.findUniqueOrThrow({ where: { id: actor.id } });
    expect(user).toMatchObject({ mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, sessionVersion: 2 });
    expect((await sessionOf(actor.id)).secondFactor).toBe('ENROL');
  });
});

describe('step-up', () => {
  it('requires a fresh code when the second factor is older than ten minutes', async () => {
    const actor = await enrolled();
    await signInAs(actor);
    const { sessionId } = (await getSession())!;
    expect(await authorizeAction('account:change-password', { stepUp: true })).toMatchObject({ ok: true });

    await db().session.update({
      where: { id: sessionId },
      data: { mfaVerifiedAt: new Date(Date.now() - 11 * 60_000) },
    });
    expect(await authorizeAction('account:change-password', { stepUp: true })).toMatchObject({
      ok: false,
      code: 'STEP_UP_REQUIRED',
    });
    expect(await stepUpAction({ code: currentTotpCode(SECRET) })).toMatchObject({ ok: true });
    expect(currentSession.value?.sid).toBe(sessionId);
    expect(await authorizeAction('account:change-password', { stepUp: true })).toMatchObject({ ok: true });
    expect(await actions()).toContain('SECOND_FACTOR_STEP_UP');
  });
});
