import { beforeEach, describe, expect, it } from 'vitest';

import { POST as signOut } from '@/app/abmelden/route';
import { signOutEverywhereAction } from '@/lib/auth/actions';
import { revokeSession, startSession, validateSession } from '@/lib/auth/session-store';
import { db } from '@/lib/db';
import { submitReferralAction } from '@/lib/referrals/actions';

import { currentHeaders, currentSession } from '../support/request-context';
import { createActor, freshWorld, signInAs } from '../support/world';

beforeEach(freshWorld);

const MINUTE = 60_000;

async function officerSession() {
  const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  const { id: sid } = await startSession(officer.id);
  return { officer, claims: { uid: officer.id, sv: 1, sid } };
}

describe('server-side sessions', () => {
  it('accepts a fresh session and returns the actor from the database', async () => {
    const { officer, claims } = await officerSession();
    expect(await validateSession(claims)).toEqual({
      sessionId: claims.sid,
      user: officer,
      sessionVersion: 1,
      // Officers need no second factor by default: the session is complete after the password.
      secondFactor: 'DONE',
      secondFactorAt: null,
      totpEnrolled: false,
    });
  });

  it('ends after 30 minutes without a request (idle timeout)', async () => {
    const { claims } = await officerSession();
    const start = Date.now();
    expect(await validateSession(claims, new Date(start + 29 * MINUTE))).not.toBeNull();
    // The request at minute 29 moved the idle clock: 30 minutes after it, not after sign-in, it ends.
    expect(await validateSession(claims, new Date(start + 58 * MINUTE))).not.toBeNull();
    expect(await validateSession(claims, new Date(start + 58 * MINUTE + 31 * MINUTE))).toBeNull();
  });

  it('ends after 12 hours however active it is (absolute lifetime)', async () => {
    const { claims } = await officerSession();
    const start = Date.now();
    for (let minute = 25; minute < 12 * 60; minute += 25) {
      expect(await validateSession(claims, new Date(start + minute * MINUTE))).not.toBeNull();
    }
    expect(await validateSession(claims, new Date(start + 12 * 60 * MINUTE + 1))).toBeNull();
  });

  it('ends at sign-out, and the sign-out is audited once', async () => {
    const { officer, claims } = await officerSession();
    await revokeSession(claims.sid);
    await revokeSession(claims.sid);
    expect(await validateSession(claims)).toBeNull();
    expect(await db().auditEvent.findMany({ select: { action: true, actorId: true } })).toEqual([
      { action: 'SIGNED_OUT', actorId: officer.id },
    ]);
  });

  it('refuses a token whose ids do not belong together, or an unknown session', async () => {
    const { claims } = await officerSession();
    const other = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    expect(await validateSession({ ...claims, uid: other.id })).toBeNull();
    expect(await validateSession({ ...claims, sid: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });

  it('ends when the account is disabled or its session version changes', async () => {
    const { officer, claims } = await officerSession();
    await db().user.update({ where: { id: officer.id }, data: { sessionVersion: 2 } });
    expect(await validateSession(claims)).toBeNull();
    await db().user.update({ where: { id: officer.id }, data: { sessionVersion: 1, active: false } });
    expect(await validateSession(claims)).toBeNull();
  });

  it('signs out: this session is revoked and audited, the cookie removed, the browser sent to sign-in', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const claims = currentSession.value!;
    await signInAs(officer);
    const otherDevice = currentSession.value!;
    currentSession.value = claims;

    const response = await signOut();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/anmelden');
    expect(currentSession.value).toBeNull();
    expect(await validateSession(claims)).toBeNull();
    expect(await validateSession(otherDevice)).not.toBeNull();
    expect(await db().auditEvent.count({ where: { action: 'SIGNED_OUT', entityId: claims.sid } })).toBe(1);
  });

  it('signs out a session still waiting for its second factor, and refuses a request from another site', async () => {
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    await signInAs(supervisor, { secondFactorPending: true });
    const pending = currentSession.value!;
    currentHeaders.value = { origin: 'http://evil.example', host: 'localhost:3000' };
    expect((await signOut()).status).toBe(403);
    expect(await db().session.count({ where: { id: pending.sid, revokedAt: null } })).toBe(1);
    // Our own page's plain form under Referrer-Policy no-referrer: "Origin: null", but the browser's Fetch
    // Metadata says same-origin. From another site it says cross-site, and is refused.
    currentHeaders.value = { origin: 'null', 'sec-fetch-site': 'cross-site', host: 'localhost:3000' };
    expect((await signOut()).status).toBe(403);
    expect(await db().session.count({ where: { id: pending.sid, revokedAt: null } })).toBe(1);
    currentHeaders.value = { origin: 'null', 'sec-fetch-site': 'same-origin', host: 'localhost:3000' };
    expect((await signOut()).status).toBe(303);
    expect(await db().session.count({ where: { id: pending.sid, revokedAt: null } })).toBe(0);
  });

  it('signs out on every device at once', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await signInAs(officer);
    const phone = currentSession.value!;
    await signInAs(officer);
    const tablet = currentSession.value!;

    expect(await signOutEverywhereAction()).toEqual({ ok: true, data: null });
    for (const claims of [phone, tablet]) expect(await validateSession(claims)).toBeNull();
    expect(await submitReferralAction({})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await db().session.count({ where: { revokedAt: null } })).toBe(0);
    expect(await db().auditEvent.count({ where: { action: 'SIGNED_OUT_EVERYWHERE', actorId: officer.id } })).toBe(1);
  });
});
