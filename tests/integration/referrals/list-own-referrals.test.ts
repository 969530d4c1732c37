import { beforeEach, describe, expect, it } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { listOwnReferrals, OWN_REFERRALS_PAGE_SIZE } from '@/lib/referrals/queries';
import { consentedSubmission } from '@/prisma/factories';

import { fileReferral } from '../support/referrals';
import { createActor, freshWorld, municipalityId } from '../support/world';

async function file(actor: Actor, lastName: string) {
  const input = consentedSubmission(await municipalityId('Garbsen'), {
    caseNumber: '2026/000001',
    firstName: 'Eva',
    lastName,
    phone: '0511 123456',
  });
  return (await fileReferral(actor, input)).referralId;
}

beforeEach(freshWorld);

describe('listOwnReferrals', () => {
  it('shows an officer only their own referrals', async () => {
    const me = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const colleague = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await file(me, 'Meine');
    await file(colleague, 'Fremde');
    const { items } = await listOwnReferrals({ actor: me });
    expect(items.map((i) => i.personName)).toEqual(['Eva Meine']);
    expect(items[0]).toMatchObject({
      caseNumber: '2026/000001',
      partners: [{ track: 'VICTIM', name: 'BISS Region Hannover (AWO Region Hannover e.V.)' }],
      municipalityName: 'Garbsen',
      status: 'SUBMITTED',
    });
  });

  it('pages with a keyset cursor, newest first, without gaps or repeats', async () => {
    const me = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const ids: string[] = [];
    for (let i = 0; i < OWN_REFERRALS_PAGE_SIZE + 5; i++) ids.push(await file(me, `Nr${String.fromCharCode(65 + i)}`));

    const first = await listOwnReferrals({ actor: me });
    expect(first.items).toHaveLength(OWN_REFERRALS_PAGE_SIZE);
    expect(first.nextCursor).not.toBeNull();
    const second = await listOwnReferrals({ actor: me, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual([...ids].reverse());
  });

  it('ignores a forged cursor instead of failing', async () => {
    const me = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await file(me, 'Eins');
    const forged = [
      '',
      'garbage',
      "x|' OR 1=1 --",
      // Looked like a cursor to the old check, and reached PostgreSQL as an invalid uuid or date (a 500).
      `2026-11-25T10:00:00.000Z|${'-'.repeat(36)}`,
      '+275760-09-13T00:00:00.000Z|0195f0e0-0000-7000-8000-000000000000',
      '2026-13-45T99:00:00.000Z|0195f0e0-0000-7000-8000-000000000000',
    ].map((text, i) => (i < 2 ? text : Buffer.from(text).toString('base64url')));
    for (const cursor of forged) {
      expect((await listOwnReferrals({ actor: me, cursor })).items).toHaveLength(1);
    }
  });

  it('audits every view that shows names, and only those', async () => {
    const me = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    await listOwnReferrals({ actor: me });
    expect(await db().auditEvent.count({ where: { action: 'REFERRAL_LIST_VIEWED' } })).toBe(0);
    const id = await file(me, 'Sichtbar');
    await listOwnReferrals({ actor: me });
    const events = await db().auditEvent.findMany({ where: { action: 'REFERRAL_LIST_VIEWED' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: me.id, entityType: 'Referral', subjectIds: [id], details: { count: 1 } });
  });
});
