/**
 * A partner's webhook (issue 12) through the admin's server actions: setting the URL makes the secret, shown
 * once and stored only sealed (a database dump holds no `whsec_`); a new secret makes the old one useless at
 * once; removal clears both; every change is audited without the secret or the URL's path and query; only
 * admins with a fresh second factor may do any of it, and a stale page changes nothing.
 */
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { db } from '@/lib/db';
import {
  removePartnerWebhookAction,
  rotatePartnerWebhookSecretAction,
  setPartnerWebhookAction,
  updatePartnerAction,
} from '@/lib/partners/actions';
import { partnerForEdit, partnerWebhookOf } from '@/lib/partners/queries';
import type { Failure } from '@/lib/result';
import { webhookPolicyFrom, type WebhookPolicy } from '@/lib/webhooks/policy';
import { openWebhookSecret } from '@/lib/webhooks/secret';
import { signedWebhook } from '@/lib/webhooks/send';
import type * as Send from '@/lib/webhooks/send';

import { dumpAsText } from '../support/review';
import { makeSecondFactorStale, signedInAdmin } from '../users/support';
import { createActor, freshWorld, partnerId, signInAs } from '../support/world';

/** The policy the server applies; null: this test run's configuration (development rules). */
const policy = vi.hoisted(() => ({ current: null as WebhookPolicy | null }));
vi.mock('@/lib/webhooks/send', async (importOriginal) => {
  const original = await importOriginal<typeof Send>();
  return { ...original, webhookPolicy: () => policy.current ?? original.webhookPolicy() };
});

const URL_WITH_TOKEN = 'https://Fallsystem.Partner.example:8443/hooks/vermittlung?token=geheim-der-stelle';
const STORED_URL = 'https://fallsystem.partner.example:8443/hooks/vermittlung?token=geheim-der-stelle';

beforeEach(async () => {
  policy.current = null;
  await freshWorld();
  await db().$executeRawUnsafe('DELETE FROM pgboss.job');
});

async function partnerRow(id: string) {
  return db().partner.findUniqueOrThrow({ where: { id } });
}

async function target(code = 'MB-H') {
  const id = await partnerId(code);
  return { partnerId: id, version: (await partnerRow(id)).version };
}

function auditsOf(action: string) {
  return db().auditEvent.findMany({
    where: { action },
    orderBy: { id: 'asc' },
    select: { actorId: true, actorRole: true, entityType: true, entityId: true, details: true },
  });
}

const webhookAudits = () =>
  db().auditEvent.count({
    where: {
      action: { in: ['PARTNER_WEBHOOK_CHANGED', 'PARTNER_WEBHOOK_SECRET_ROTATED', 'PARTNER_WEBHOOK_REMOVED'] },
    },
  });

/** A message signed with `secret`, and whether the partner's copy of `other` verifies it. */
function verifiesWith(secret: string, other: string): boolean {
  const { body, headers } = signedWebhook({ secret, msgId: 'msg_1', type: 'referral.dispatched', payload: {} });
  try {
    new Webhook(other).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

describe('who may change a partner’s webhook', () => {
  it.each(['OFFICER', 'SUPERVISOR', 'PARTNER', 'AUDITOR'] as const)(
    'refuses a %s, changes nothing and audits the denial',
    async (role) => {
      const actor = await createActor(role, role === 'PARTNER' ? { partnerCode: 'MB-H' } : {});
      await signInAs(actor);
      const before = await db().partner.findMany({ orderBy: { id: 'asc' } });
      const input = await target();
      for (const result of [
        await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN }),
        await rotatePartnerWebhookSecretAction(input),
        await removePartnerWebhookAction(input),
      ]) {
        expect(result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
        expect(JSON.stringify(result)).not.toContain('whsec_');
      }
      expect(await db().partner.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      expect(await webhookAudits()).toBe(0);
      expect(await db().auditEvent.count({ where: { action: 'ACCESS_DENIED', actorId: actor.id } })).toBe(3);
    },
  );

  it('requires the second factor within the step-up window', async () => {
    await signedInAdmin();
    await makeSecondFactorStale();
    const input = await target();
    expect(await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN })).toMatchObject({
      ok: false,
      code: 'STEP_UP_REQUIRED',
    });
    expect((await partnerRow(input.partnerId)).webhookUrl).toBeNull();
    expect(await webhookAudits()).toBe(0);
  });
});

describe('setPartnerWebhookAction', () => {
  it('stores the URL, makes the secret, answers it once and keeps it only sealed', async () => {
    const admin = await signedInAdmin();
    const input = await target();

    const result = await setPartnerWebhookAction({ ...input, url: ` ${URL_WITH_TOKEN} ` });
    expect(result).toEqual({
      ok: true,
      data: { version: input.version + 1, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) },
    });
    if (!result.ok) return;
    const secret = result.data.secret!;

    const row = await partnerRow(input.partnerId);
    expect(row).toMatchObject({ webhookUrl: STORED_URL, version: input.version + 1 });
    expect(row.webhookSecretAt).toBeInstanceOf(Date);
    expect(row.webhookSecret).toMatch(/^v2\./);
    expect(row.webhookSecret).not.toContain('whsec_');
    expect(row.webhookSecret).not.toContain(secret.slice('whsec_'.length));
    expect(openWebhookSecret(input.partnerId, row.webhookSecret!)).toBe(secret);
    // Bound to its partner: copied to another partner's row it does not open.
    expect(openWebhookSecret(await partnerId('BISS-LHH'), row.webhookSecret!)).toBeNull();
    // Nowhere in a dump of the whole database (lower-cased).
    const dump = await dumpAsText();
    expect(dump).not.toContain('whsec_');
    expect(dump).not.toContain(secret.slice('whsec_'.length, 20).toLowerCase());

    expect(await auditsOf('PARTNER_WEBHOOK_CHANGED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: input.partnerId,
        details: {
          version: input.version + 1,
          host: 'fallsystem.partner.example:8443',
          previousHost: null,
          secretCreated: true,
        },
      },
    ]);
    expect(JSON.stringify(await auditsOf('PARTNER_WEBHOOK_CHANGED'))).not.toMatch(/token|geheim|hooks/);
    // The partner learns of it by e-mail: a change it did not agree on would divert victims' data.
    expect(
      await db().$queryRawUnsafe(`SELECT data FROM pgboss.job WHERE name = 'partner-notice' ORDER BY created_on`),
    ).toEqual([{ data: { partnerId: input.partnerId, kind: 'WEBHOOK_CHANGED' } }]);

    // The page shows the URL and since when a secret exists, never the secret.
    const shown = await partnerWebhookOf(input.partnerId);
    expect(shown).toEqual({
      partnerId: input.partnerId,
      version: input.version + 1,
      url: STORED_URL,
      secretSince: row.webhookSecretAt!.toISOString(),
    });
    expect(JSON.stringify(shown)).not.toContain(row.webhookSecret!);
  });

  it('changes the URL and keeps the secret; the same URL again is no change', async () => {
    await signedInAdmin();
    const input = await target();
    const first = await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN });
    if (!first.ok) throw new Error(first.message);
    const sealed = (await partnerRow(input.partnerId)).webhookSecret;

    const moved = await setPartnerWebhookAction({
      partnerId: input.partnerId,
      version: first.data.version,
      url: 'https://neu.partner.example/eingang',
    });
    expect(moved).toEqual({ ok: true, data: { version: first.data.version + 1, secret: null } });
    expect(await partnerRow(input.partnerId)).toMatchObject({
      webhookUrl: 'https://neu.partner.example/eingang',
      webhookSecret: sealed,
    });
    expect((await auditsOf('PARTNER_WEBHOOK_CHANGED')).at(-1)?.details).toEqual({
      version: first.data.version + 1,
      host: 'neu.partner.example',
      previousHost: 'fallsystem.partner.example:8443',
      secretCreated: false,
    });

    const again = await setPartnerWebhookAction({
      partnerId: input.partnerId,
      version: first.data.version + 1,
      url: 'https://NEU.partner.example/eingang',
    });
    expect(again).toEqual({ ok: true, data: { version: first.data.version + 1, secret: null } });
    expect(await webhookAudits()).toBe(2);
  });

  it('refuses what the schema or the address policy does not allow, with the field named', async () => {
    await signedInAdmin();
    const input = await target();
    const cases: [string, string][] = [
      ['https://user:pw@partner.example/hooks', 'partners.errors.webhookUrlCredentials'],
      ['https://partner.example/hooks#x', 'partners.errors.webhookUrlFragment'],
      ['partner.example/hooks', 'partners.errors.webhookUrlFormat'],
      ['http://169.254.169.254/latest/meta-data', 'partners.errors.webhookAddressRefused'],
      ['https://10.1.2.3/hooks', 'partners.errors.webhookAddressRefused'],
    ];
    for (const [url, key] of cases) {
      const result = await setPartnerWebhookAction({ ...input, url });
      expect(result, url).toMatchObject({ ok: false, code: 'INVALID_INPUT', fieldErrors: { url: [key] } });
    }
    expect((await partnerRow(input.partnerId)).webhookUrl).toBeNull();
    expect(await webhookAudits()).toBe(0);
  });

  it('in production refuses http, and accepts a host only once the deployment lists it', async () => {
    await signedInAdmin();
    const input = await target();
    policy.current = webhookPolicyFrom({ production: true, allowedHosts: [] });
    for (const [url, key] of [
      ['http://fallsystem.partner.example/hooks', 'partners.errors.webhookHttpsRequired'],
      ['https://10.20.30.40/hooks', 'partners.errors.webhookHostNotListed'],
      ['https://fallsystem.partner.example/hooks', 'partners.errors.webhookHostNotListed'],
      ['https://localhost/hooks', 'partners.errors.webhookAddressRefused'],
      ['https://169.254.169.254/latest/meta-data', 'partners.errors.webhookAddressRefused'],
    ]) {
      expect(await setPartnerWebhookAction({ ...input, url }), url).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        fieldErrors: { url: [key] },
      });
    }
    policy.current = webhookPolicyFrom({ production: true, allowedHosts: ['10.20.30.40'] });
    expect(await setPartnerWebhookAction({ ...input, url: 'https://10.20.30.40/hooks' })).toMatchObject({ ok: true });
  });

  it('refuses a stale page and an unknown partner, changing nothing', async () => {
    await signedInAdmin();
    const input = await target();
    const stale = await setPartnerWebhookAction({ ...input, version: input.version - 1, url: URL_WITH_TOKEN });
    expect(stale).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((stale as Failure).message).toContain('inzwischen geändert');
    const unknown = await setPartnerWebhookAction({
      partnerId: '0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5d',
      version: 1,
      url: URL_WITH_TOKEN,
    });
    expect(unknown).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await partnerRow(input.partnerId)).webhookUrl).toBeNull();
    expect(await webhookAudits()).toBe(0);
  });

  it('leaves the webhook alone when the partner’s form is saved, which then needs the new version', async () => {
    await signedInAdmin();
    const input = await target();
    const set = await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN });
    if (!set.ok) throw new Error(set.message);
    const sealed = (await partnerRow(input.partnerId)).webhookSecret;
    const form = (await partnerForEdit(input.partnerId))!;
    const { id: _id, code: _code, ...fields } = form;
    const staleForm = await updatePartnerAction({ ...fields, partnerId: form.id, version: input.version });
    expect(staleForm).toMatchObject({ ok: false, code: 'CONFLICT' });
    const saved = await updatePartnerAction({ ...fields, partnerId: form.id, phone: '0511 999 999' });
    expect(saved).toEqual({ ok: true, data: { version: set.data.version + 1 } });
    expect(await partnerRow(input.partnerId)).toMatchObject({ webhookUrl: STORED_URL, webhookSecret: sealed });
  });
});

describe('rotatePartnerWebhookSecretAction', () => {
  it('replaces the secret at once: the old one no longer opens nor verifies', async () => {
    const admin = await signedInAdmin();
    const input = await target();
    const set = await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN });
    if (!set.ok) throw new Error(set.message);
    const old = set.data.secret!;
    const before = await partnerRow(input.partnerId);

    const rotated = await rotatePartnerWebhookSecretAction({ partnerId: input.partnerId, version: set.data.version });
    expect(rotated).toEqual({
      ok: true,
      data: { version: set.data.version + 1, secret: expect.stringMatching(/^whsec_/) },
    });
    if (!rotated.ok) return;
    const fresh = rotated.data.secret;
    expect(fresh).not.toBe(old);

    const after = await partnerRow(input.partnerId);
    expect(after.webhookUrl).toBe(STORED_URL);
    expect(openWebhookSecret(input.partnerId, after.webhookSecret!)).toBe(fresh);
    expect(after.webhookSecret).not.toBe(before.webhookSecret);
    expect(after.webhookSecretAt!.getTime()).toBeGreaterThanOrEqual(before.webhookSecretAt!.getTime());
    // The partner's system still holding the old secret can no longer verify what is sent from now on.
    expect(verifiesWith(fresh, fresh)).toBe(true);
    expect(verifiesWith(fresh, old)).toBe(false);
    expect(await dumpAsText()).not.toContain('whsec_');

    expect(await auditsOf('PARTNER_WEBHOOK_SECRET_ROTATED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: input.partnerId,
        details: {
          version: set.data.version + 1,
          host: 'fallsystem.partner.example:8443',
          previousSecretFrom: before.webhookSecretAt!.toISOString(),
        },
      },
    ]);
  });

  it('refuses a partner without a webhook, and a stale page', async () => {
    await signedInAdmin();
    const input = await target();
    const none = await rotatePartnerWebhookSecretAction(input);
    expect(none).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect((none as Failure).message).toBe('Für diese Stelle ist kein Webhook eingerichtet.');
    const set = await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN });
    if (!set.ok) throw new Error(set.message);
    const sealed = (await partnerRow(input.partnerId)).webhookSecret;
    expect(await rotatePartnerWebhookSecretAction(input)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await partnerRow(input.partnerId)).webhookSecret).toBe(sealed);
    expect(await auditsOf('PARTNER_WEBHOOK_SECRET_ROTATED')).toEqual([]);
  });
});

describe('removePartnerWebhookAction', () => {
  it('clears URL and secret, audits it, and a second removal is no change', async () => {
    const admin = await signedInAdmin();
    const input = await target();
    const set = await setPartnerWebhookAction({ ...input, url: URL_WITH_TOKEN });
    if (!set.ok) throw new Error(set.message);

    expect(await removePartnerWebhookAction({ ...input, version: input.version })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    const removed = await removePartnerWebhookAction({ partnerId: input.partnerId, version: set.data.version });
    expect(removed).toEqual({ ok: true, data: { version: set.data.version + 1 } });
    expect(await partnerRow(input.partnerId)).toMatchObject({
      webhookUrl: null,
      webhookSecret: null,
      webhookSecretAt: null,
    });
    expect(await partnerWebhookOf(input.partnerId)).toMatchObject({ url: null, secretSince: null });
    expect(await auditsOf('PARTNER_WEBHOOK_REMOVED')).toEqual([
      {
        actorId: admin.id,
        actorRole: 'ADMIN',
        entityType: 'Partner',
        entityId: input.partnerId,
        details: { version: set.data.version + 1, previousHost: 'fallsystem.partner.example:8443' },
      },
    ]);

    expect(await removePartnerWebhookAction({ partnerId: input.partnerId, version: set.data.version + 1 })).toEqual({
      ok: true,
      data: { version: set.data.version + 1 },
    });
    expect(await auditsOf('PARTNER_WEBHOOK_REMOVED')).toHaveLength(1);

    // A new URL afterwards makes a new secret.
    const again = await setPartnerWebhookAction({
      partnerId: input.partnerId,
      version: set.data.version + 1,
      url: URL_WITH_TOKEN,
    });
    expect(again).toMatchObject({ ok: true, data: { secret: expect.stringMatching(/^whsec_/) } });
    if (again.ok) expect(again.data.secret).not.toBe(set.data.secret);
  });
});
