/**
 * The auditor's workspace (issue 13): "who saw or received this referral" finds every view of it, also in
 * a list and a refused attempt, by id or by Vorgangsnummer however written; the search narrows by time,
 * person, role, action and record, page by page; every search, trace and export is itself in the trail;
 * the break-glass view needs a written reason, checked on the server, and leaves the reason behind.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { openReferralContentsAction } from '@/lib/audit-log/actions';
import { exportAuditTrail, findReferralsToTrace, searchAuditTrail, traceReferral } from '@/lib/audit-log/queries';
import { isNarrowed, parseAuditSearch } from '@/lib/audit-log/schema';
import { requirePermission } from '@/lib/auth/guards';
import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { listOwnReferrals } from '@/lib/referrals/queries';
import { referralForReview } from '@/lib/review/queries';
import { approveReferral } from '@/lib/review/service';
import { berlinDateOf } from '@/lib/time/berlin';

import { fileIn } from '../support/review';
import { createActor, freshWorld, signInAs } from '../support/world';

let officer: Actor;
let supervisor: Actor;
let outsider: Actor;
let auditor: Actor;
const today = () => berlinDateOf(new Date());
const search = (params: Record<string, string> = {}) => parseAuditSearch(params, today()).search;

beforeEach(async () => {
  await freshWorld();
  [officer, supervisor, outsider, auditor] = await Promise.all([
    createActor('OFFICER', { stationCode: 'PK-GARBSEN' }),
    createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' }),
    createActor('SUPERVISOR', { inspectionCode: 'PI-H' }),
    createActor('AUDITOR'),
  ]);
});

async function lastEvent() {
  return db().auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
}

describe('who saw or received a referral', () => {
  it('lists its author, a list that showed it, a supervisor who opened it, and who was refused', async () => {
    const referralId = await fileIn(officer, 'Garbsen', { caseNumber: '2026/0815-42' });
    const other = await fileIn(officer);
    await listOwnReferrals({ actor: officer });
    expect(await referralForReview({ actor: supervisor, id: referralId })).not.toBeNull();
    expect(await referralForReview({ actor: outsider, id: referralId })).toBeNull();
    // An admin has no business with referrals at all: refused by role, and the refusal names the referral.
    const admin = await createActor('ADMIN');
    await signInAs(admin);
    await expect(requirePermission('review:read', { id: referralId.toUpperCase() })).rejects.toThrow();

    const trace = (await traceReferral(auditor, referralId))!;
    expect(trace.saw.map((person) => [person.actorId, person.count])).toEqual([
      [supervisor.id, 1],
      // Filed it, then saw it in the list of own referrals.
      [officer.id, 2],
    ]);
    expect(trace.refused.map((person) => person.actorId)).toEqual([admin.id, outsider.id]);
    expect(trace.events.map((event) => event.action)).toEqual([
      'ACCESS_DENIED',
      'ACCESS_DENIED',
      'REFERRAL_VIEWED',
      'REFERRAL_LIST_VIEWED',
      'REFERRAL_CREATED',
    ]);
    // Nothing of the other referral, though the same list showed it.
    expect(trace.events.every((event) => event.entityId !== other)).toBe(true);
    expect(trace.referral).toMatchObject({ id: referralId, status: 'SUBMITTED', erased: false });

    // The trace itself is an audit event naming the referral.
    expect(await lastEvent()).toMatchObject({
      action: 'AUDIT_REFERRAL_TRACED',
      actorId: auditor.id,
      entityId: referralId,
    });
    // A period before it existed shows nothing.
    expect((await traceReferral(auditor, referralId, { from: '2025-01-01', to: '2025-12-31' }))!.events).toEqual([]);
  });

  it('names the partner it was disclosed to, by name, from the delivery the dispatch recorded', async () => {
    const referralId = await fileIn(officer);
    expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
    expect(await dispatchReferral(referralId)).toBe('DISPATCHED');
    const dispatched = await db().auditEvent.findFirstOrThrow({ where: { action: 'REFERRAL_DISPATCHED' } });
    expect(dispatched).toMatchObject({ entityId: referralId, recipient: 'BISS-REGION', actorId: null });
    const { name } = await db().partner.findUniqueOrThrow({ where: { code: 'BISS-REGION' } });
    expect((await traceReferral(auditor, referralId))!.received).toEqual([
      expect.objectContaining({ recipient: name, count: 1 }),
    ]);
  });

  it('is found by its Vorgangsnummer however written (the look-up audited by what it found), or by id', async () => {
    const referralId = await fileIn(officer, 'Garbsen', { caseNumber: '2026/0815-42' });
    expect((await findReferralsToTrace(auditor, ' 2026 0815 42 ')).map((r) => r.id)).toEqual([referralId]);
    const lookup = await lastEvent();
    expect(lookup).toMatchObject({
      action: 'AUDIT_SEARCHED',
      subjectIds: [referralId],
      details: { by: 'CASE_NUMBER' },
    });
    expect(JSON.stringify({ ...lookup, id: lookup.id.toString() })).not.toContain('0815');
    expect((await findReferralsToTrace(auditor, referralId.toUpperCase())).map((r) => r.id)).toEqual([referralId]);
    expect(await findReferralsToTrace(auditor, '2026/9999-99')).toEqual([]);
    expect(await traceReferral(auditor, '00000000-0000-7000-8000-000000000000')).toBeNull();
    expect(await traceReferral(auditor, 'not-an-id')).toBeNull();
  });
});

describe('the search', () => {
  it('narrows by person, role, action and record, pages without gaps, and is audited with its filters', async () => {
    const referralId = await fileIn(officer);
    for (let i = 0; i < 60; i++) await referralForReview({ actor: supervisor, id: referralId });

    const bySupervisor = await searchAuditTrail(auditor, search({ person: supervisor.id, aktion: 'REFERRAL_VIEWED' }));
    expect(bySupervisor.items).toHaveLength(50);
    expect(bySupervisor.items.every((e) => e.actorId === supervisor.id && e.action === 'REFERRAL_VIEWED')).toBe(true);
    expect(bySupervisor.items[0]).toMatchObject({ actorName: supervisor.displayName, actorRole: 'SUPERVISOR' });
    const next = await searchAuditTrail(
      auditor,
      search({ person: supervisor.id, aktion: 'REFERRAL_VIEWED', nach: bySupervisor.nextCursor! }),
    );
    expect(next.items).toHaveLength(10);
    expect(next.nextCursor).toBeNull();
    const ids = [...bySupervisor.items, ...next.items].map((e) => BigInt(e.id));
    expect(new Set(ids).size).toBe(60);
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));

    expect((await searchAuditTrail(auditor, search({ rolle: 'OFFICER' }))).items.map((e) => e.action)).toEqual([
      'REFERRAL_CREATED',
    ]);
    const byRecord = await searchAuditTrail(auditor, search({ datensatz: referralId.toUpperCase() }));
    expect(byRecord.items).toHaveLength(50);
    expect(await searchAuditTrail(auditor, search({ von: '2025-01-01', bis: '2025-01-31' }))).toEqual({
      items: [],
      nextCursor: null,
    });

    expect(await lastEvent()).toMatchObject({
      action: 'AUDIT_SEARCHED',
      actorId: auditor.id,
      details: { from: '2025-01-01', to: '2025-01-31' },
    });
    const searches = await db().auditEvent.findMany({ where: { action: 'AUDIT_SEARCHED' }, orderBy: { id: 'asc' } });
    expect(searches[1]!.details).toMatchObject({ person: supervisor.id, action: 'REFERRAL_VIEWED', page: 'LATER' });
  });

  it('reads only what it can use from the address, and says what it ignored', () => {
    expect(
      parseAuditSearch({ von: '2026-02-30', aktion: 'DROP TABLE', person: 'x', datensatz: "1' OR 1=1" }, '2026-11-26'),
    ).toEqual({
      search: { from: '2026-10-28', to: '2026-11-26' },
      problems: ['from', 'actorId', 'action', 'record'],
    });
    expect(parseAuditSearch({ von: '2026-11-27', bis: '2026-11-01' }, '2026-11-26').problems).toEqual(['range']);
    // Longer than two years: the most recent two years of it.
    expect(parseAuditSearch({ von: '2020-01-01', bis: '2026-11-26' }, '2026-11-26')).toEqual({
      search: { from: '2024-11-24', to: '2026-11-26' },
      problems: ['rangeTooLong'],
    });
    expect(isNarrowed(parseAuditSearch({}, '2026-11-26').search, '2026-11-26')).toBe(false);
    expect(isNarrowed(parseAuditSearch({ rolle: 'ADMIN' }, '2026-11-26').search, '2026-11-26')).toBe(true);
    expect(parseAuditSearch({ von: '2026-01-01', bis: '2026-03-31', rolle: 'PARTNER' }, '2026-11-26').search).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      actorRole: 'PARTNER',
    });
  });

  it('exports what it finds, with the export recorded by its filters and size', async () => {
    const referralId = await fileIn(officer);
    await referralForReview({ actor: supervisor, id: referralId });
    const { rows, truncated } = await exportAuditTrail(auditor, search({ datensatz: referralId }));
    expect(truncated).toBe(false);
    expect(rows.map((row) => row.action)).toEqual(['REFERRAL_VIEWED', 'REFERRAL_CREATED']);
    expect(await lastEvent()).toMatchObject({
      action: 'AUDIT_EXPORTED',
      actorId: auditor.id,
      details: { record: referralId, rows: 2 },
    });
  });
});

describe('break-glass', () => {
  it('refuses without a written reason on the server, and records the reason when given one', async () => {
    const referralId = await fileIn(officer);
    await signInAs(auditor);
    const before = await db().auditEvent.count();
    for (const reason of ['', '   ', 'zu kurz', '\u202Eversteckt und lang genug, aber mit Steuerzeichen']) {
      expect(await openReferralContentsAction({ referralId, reason })).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
      });
    }
    expect(await openReferralContentsAction({ referralId })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(await db().auditEvent.count({ where: { action: 'REFERRAL_CONTENTS_OPENED' } })).toBe(0);
    expect(await db().auditEvent.count()).toBe(before);

    // A reason that names the person opens nothing and stays out of the trail.
    // (fileIn files consentedSubmission: Marie Schneider, 0511 9876543.)
    for (const reason of [
      'Prüfung DS-2026-117, Beschwerde von Frau Schneider',
      'Rückruf erbeten unter 0511-987 6543',
    ]) {
      expect(await openReferralContentsAction({ referralId, reason })).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors: { reason: ['auditLog.errors.reasonNamesPerson'] },
      });
    }
    expect(await db().auditEvent.count()).toBe(before);

    const opened = await openReferralContentsAction({ referralId, reason: '  Prüfung DS-2026-117, Beschwerde  ' });
    expect(opened).toMatchObject({ ok: true, data: { erased: false } });
    expect(JSON.stringify(opened)).toContain('"phone"');
    expect(await lastEvent()).toMatchObject({
      action: 'REFERRAL_CONTENTS_OPENED',
      actorId: auditor.id,
      entityId: referralId,
      reason: 'Prüfung DS-2026-117, Beschwerde',
    });
  });

  it('is not for supervisors or admins, and an unknown referral is not found', async () => {
    const referralId = await fileIn(officer);
    await signInAs(supervisor);
    expect(
      await openReferralContentsAction({ referralId, reason: 'Ich möchte das einfach einmal sehen.' }),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    await signInAs(auditor);
    expect(
      await openReferralContentsAction({
        referralId: '00000000-0000-7000-8000-000000000000',
        reason: 'Prüfung DS-2026-118, Anfrage einer Behörde',
      }),
    ).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
