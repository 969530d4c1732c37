import { beforeEach, describe, expect, it } from 'vitest';

import { authenticateWithPassword } from '@/lib/auth/service';
import { db } from '@/lib/db';
import { getUserDetail, listUsers, loadScopeOptions, USERS_PAGE_SIZE } from '@/lib/users/queries';

import { createActor, freshWorld } from '../support/world';
import { emailOf } from './support';

beforeEach(freshWorld);

describe('listUsers', () => {
  it('finds accounts by a part of the name or the e-mail address, ignoring case', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await db().user.update({ where: { id: officer.id }, data: { displayName: 'POK Jana Berger' } });
    const partner = await createActor('PARTNER', { partnerCode: 'MB-H' });

    expect((await listUsers({ search: 'berger' })).items.map((u) => u.id)).toEqual([officer.id]);
    const byMail = await listUsers({ search: (await emailOf(partner.id)).slice(0, 8).toUpperCase() });
    expect(byMail.items.map((u) => u.id)).toEqual([partner.id]);
    expect((await listUsers({ search: 'niemand' })).total).toBe(0);
    expect((await listUsers({})).total).toBe(2);
  });

  it('shows role, scope name, status, lock, second factor and last sign-in', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const email = await emailOf(officer.id);
    for (let i = 0; i < 5; i++) await authenticateWithPassword(email, `falsch-${i}`);
    const supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
    await db().user.update({
      where: { id: supervisor.id },
      data: { active: false, mfaEnabledAt: new Date(), lastSignInAt: new Date('2026-03-01T08:00:00Z') },
    });
    const rows = new Map((await listUsers({})).items.map((u) => [u.id, u]));
    expect(rows.get(officer.id)).toMatchObject({
      role: 'OFFICER',
      scopeKind: 'STATION',
      scopeName: 'Polizeikommissariat Garbsen',
      active: true,
      locked: true,
      secondFactorEnrolled: false,
      lastSignInAt: null,
    });
    expect(rows.get(supervisor.id)).toMatchObject({
      scopeKind: 'INSPECTION',
      scopeName: 'Polizeiinspektion Garbsen',
      active: false,
      locked: false,
      secondFactorEnrolled: true,
      lastSignInAt: new Date('2026-03-01T08:00:00Z'),
    });
  });

  it('pages through the accounts by name', async () => {
    for (let i = 0; i < USERS_PAGE_SIZE + 2; i++) await createActor('AUDITOR');
    const first = await listUsers({ page: 1 });
    const second = await listUsers({ page: 2 });
    expect(first).toMatchObject({ total: USERS_PAGE_SIZE + 2, pages: 2, page: 1 });
    expect(first.items).toHaveLength(USERS_PAGE_SIZE);
    expect(second.items).toHaveLength(2);
    expect(new Set([...first.items, ...second.items].map((u) => u.id)).size).toBe(USERS_PAGE_SIZE + 2);
    // Out-of-range page numbers land on the nearest page.
    expect((await listUsers({ page: 99 })).page).toBe(2);
    expect((await listUsers({ page: -3 })).page).toBe(1);
  });
});

describe('getUserDetail', () => {
  it('returns the account with its version, or null for unknown and malformed ids', async () => {
    const partner = await createActor('PARTNER', { partnerCode: 'MB-H' });
    const detail = await getUserDetail(partner.id);
    expect(detail).toMatchObject({
      id: partner.id,
      role: 'PARTNER',
      scopeName: 'Männerbüro Hannover e.V.',
      version: 1,
      hasPassword: true,
      secondFactorPresent: false,
      directoryAccount: false,
      passwordLinkExpiresAt: null,
    });
    expect(detail?.scopeValue).toMatch(/^PARTNER:/);
    expect(await getUserDetail('0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b')).toBeNull();
    expect(await getUserDetail('not-an-id')).toBeNull();
  });
});

describe('loadScopeOptions', () => {
  it('offers stations, inspections and only active partners', async () => {
    await db().partner.update({ where: { code: 'GRUPPE' }, data: { activeTo: new Date(Date.now() - 86_400_000) } });
    const options = await loadScopeOptions();
    expect(options.STATION.map((o) => o.label)).toContain('Polizeikommissariat Garbsen');
    expect(options.INSPECTION.map((o) => o.label)).toEqual([
      'Polizeiinspektion Burgdorf',
      'Polizeiinspektion Garbsen',
      'Polizeiinspektion Hannover',
    ]);
    expect(options.PARTNER.map((o) => o.label)).not.toContain('Die Gruppe Jugendhilfe gGmbH');
    expect(options.PARTNER.every((o) => o.value.startsWith('PARTNER:'))).toBe(true);
  });
});
