import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { openTotpSecret } from '@/lib/auth/mfa/secret-box';
import { DEMO_RECOVERY_CODES, DEMO_TOTP_SECRET } from '@/prisma/factories';
import { seed } from '@/prisma/seed';

import { resetDatabase, testDatabaseUrl } from './helpers/db';

beforeEach(resetDatabase);
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function counts() {
  const [municipalities, inspections, stations, partners, rules, users] = await Promise.all([
    db().municipality.count(),
    db().inspection.count(),
    db().station.count(),
    db().partner.count(),
    db().routingRule.count(),
    db().user.count(),
  ]);
  return { municipalities, inspections, stations, partners, rules, users };
}

describe('demo seed', () => {
  it('loads the Region Hannover and, when asked, one demo account per role, and is idempotent', async () => {
    await seed(testDatabaseUrl(), { demoAccounts: true });
    const first = await counts();
    expect(first).toEqual({ municipalities: 21, inspections: 3, stations: 17, partners: 5, rules: 126, users: 8 });
    await seed(testDatabaseUrl(), { demoAccounts: true });
    expect(await counts()).toEqual(first);
  });

  it('gives the demo accounts with a second factor the published recovery codes, each usable once', async () => {
    await seed(testDatabaseUrl(), { demoAccounts: true });
    const withFactor = await db().user.findMany({
      where: { mfaEnabledAt: { not: null } },
      select: { _count: { select: { recoveryCodes: true } } },
    });
    expect(withFactor).toHaveLength(7);
    for (const user of withFactor) expect(user._count.recoveryCodes).toBe(DEMO_RECOVERY_CODES.length);
  });

  it("repairs a demo account's second factor that no longer opens (sealed before the keyring), and nothing else", async () => {
    await seed(testDatabaseUrl(), { demoAccounts: true });
    const admin = await db().user.findUniqueOrThrow({ where: { email: 'admin@polizei.example' } });
    const auditor = await db().user.findUniqueOrThrow({ where: { email: 'auditor@polizei.example' } });
    await db().user.update({ where: { id: admin.id }, data: { mfaSecret: 'v1.aaaa.bbbb.cccc' } });
    await seed(testDatabaseUrl(), { demoAccounts: true });
    const repaired = await db().user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(openTotpSecret(admin.id, repaired.mfaSecret!)).toBe(DEMO_TOTP_SECRET);
    expect((await db().user.findUniqueOrThrow({ where: { id: auditor.id } })).mfaSecret).toBe(auditor.mfaSecret);
  });

  it('creates no account unless demo accounts are asked for (what an operator runs loads reference data only)', async () => {
    await seed(testDatabaseUrl());
    expect(await counts()).toEqual({
      municipalities: 21,
      inspections: 3,
      stations: 17,
      partners: 5,
      rules: 126,
      users: 0,
    });
  });

  it('scopes the demo officer to PK Garbsen, the supervisors to PI Garbsen, PK Garbsen and PI Hannover (exactly one unit each), partners to theirs', async () => {
    await seed(testDatabaseUrl(), { demoAccounts: true });
    const users = await db().user.findMany({
      where: { role: { in: ['OFFICER', 'SUPERVISOR'] } },
      select: { email: true, role: true, station: { select: { code: true } }, inspection: { select: { code: true } } },
      orderBy: [{ role: 'asc' }, { email: 'asc' }],
    });
    expect(users).toEqual([
      { email: 'officer@polizei.example', role: 'OFFICER', station: { code: 'PK-GARBSEN' }, inspection: null },
      {
        email: 'schichtleitung@polizei.example',
        role: 'SUPERVISOR',
        station: { code: 'PK-GARBSEN' },
        inspection: null,
      },
      { email: 'supervisor.hannover@polizei.example', role: 'SUPERVISOR', station: null, inspection: { code: 'PI-H' } },
      { email: 'supervisor@polizei.example', role: 'SUPERVISOR', station: null, inspection: { code: 'PI-GAR' } },
    ]);
    const partnerUsers = await db().user.findMany({
      where: { role: 'PARTNER' },
      select: { email: true, partner: { select: { code: true } } },
      orderBy: { email: 'asc' },
    });
    expect(partnerUsers).toEqual([
      { email: 'biss@partner.example', partner: { code: 'BISS-REGION' } },
      { email: 'maennerbuero@partner.example', partner: { code: 'MB-H' } },
    ]);
  });

  it('keeps a routing rule an admin changed', async () => {
    await seed(testDatabaseUrl());
    const rule = await db().routingRule.findFirstOrThrow({
      where: { track: 'VICTIM', gender: 'MALE', municipality: { name: 'Garbsen' } },
    });
    await db().routingRule.update({
      where: { id: rule.id },
      data: { validTo: new Date('2030-01-01T00:00:00Z'), version: rule.version + 1 },
    });
    await seed(testDatabaseUrl());
    expect((await db().routingRule.findUniqueOrThrow({ where: { id: rule.id } })).validTo).toEqual(
      new Date('2030-01-01T00:00:00Z'),
    );
    expect(await db().routingRule.count()).toBe(126);
  });

  it('never creates demo accounts under NODE_ENV=production, even when asked to', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('AUTH_SECRET', 'p'.repeat(48));
    vi.stubEnv('HASH_SECRET', 'h'.repeat(48));
    vi.stubEnv('ENCRYPTION_KEYS', `prod:${Buffer.alloc(32, 9).toString('base64')}`);
    vi.stubEnv('APP_URL', 'https://vermittlung.polizei.example');
    vi.stubEnv('SMTP_URL', 'smtps://mail.polizei.example:465');
    vi.stubEnv('MAIL_FROM', 'no-reply@vermittlung.polizei.example');
    vi.stubEnv('DATABASE_URL', testDatabaseUrl());
    resetEnvCache();
    await seed(testDatabaseUrl());
    await seed(testDatabaseUrl(), { demoAccounts: true });
    expect(await counts()).toMatchObject({ municipalities: 21, partners: 5, rules: 126, users: 0 });
  });
});
