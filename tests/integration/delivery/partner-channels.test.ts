/**
 * What leaves the police side for a partner (issue 12), through the real worker: the notice e-mail over SMTP
 * to a real server, exactly one per delivery and with nothing that identifies the person or the case
 * (asserted on the raw message); the signed webhook to a receiver that verifies each request with the
 * Standard Webhooks library, across an outage of the partner's system (nothing lost, nothing twice, shown as
 * "Zustellung gestört" meanwhile), each disclosure audited with its recipient; a withdrawal after delivery
 * sent the same way, with nothing personal in it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { appBoss } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import { startWorker } from '@/lib/jobs/worker';
import { closeMailTransport } from '@/lib/mail/send';
import { referralForReview } from '@/lib/review/queries';
import { approveReferral, retryDelivery } from '@/lib/review/service';
import { newWebhookSecret, sealWebhookSecret } from '@/lib/webhooks/secret';

import { fileIn, withdrawalBy } from '../support/review';
import { startTestSmtp, type TestSmtp } from '../support/test-smtp';
import { createActor, freshWorld } from '../support/world';

let smtp: TestSmtp;
let stopWorker: () => Promise<void>;
let officer: Actor;
let supervisor: Actor;

beforeAll(async () => {
  smtp = await startTestSmtp();
  vi.stubEnv('SMTP_URL', smtp.url);
  resetEnvCache();
  // Retries compressed from seconds-to-an-hour to one second, so that an outage of the partner's system
  // plays out in seconds here; the real schedule is checked below on its own.
  const boss = appBoss('test', { supervise: false, schedule: false });
  await boss.start();
  await boss.updateQueue(QUEUES.webhook.name, { retryDelay: 1, retryBackoff: false });
  await boss.stop({ graceful: false });
});

afterAll(async () => {
  await stopWorker?.();
  closeMailTransport();
  await smtp.stop();
  vi.unstubAllEnvs();
  resetEnvCache();
});

beforeEach(async () => {
  await freshWorld();
  await db().$executeRawUnsafe('DELETE FROM pgboss.job');
  smtp.clear();
  officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  supervisor = await createActor('SUPERVISOR', { inspectionCode: 'PI-GAR' });
  stopWorker ??= await startWorker({ graceMs: 1_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Files and approves a referral for a person with these details; the worker delivers it. */
async function approvedFor(person: { firstName: string; lastName: string; phone: string; caseNumber: string }) {
  const referralId = await fileIn(officer, 'Garbsen', person);
  expect(await approveReferral({ actor: supervisor, input: { referralId, version: 1 } })).toMatchObject({ ok: true });
  return referralId;
}

const PEOPLE = [
  { firstName: 'Henrike', lastName: 'Vollmerhausen', phone: '0511 3344556', caseNumber: '2026/771001' },
  { firstName: 'Jolanda', lastName: 'Brinkschulte', phone: '0152 98765432', caseNumber: '2026/771002' },
  { firstName: 'Svenja', lastName: 'Ohlendorf-Kaya', phone: '05131 445566', caseNumber: '2026/771003' },
];

describe('the notice e-mail', () => {
  it('reaches the SMTP server once per delivered referral, and names no person, phone, case or id', async () => {
    const ids: string[] = [];
    for (const person of PEOPLE) ids.push(await approvedFor(person));
    const mails = await smtp.waitFor(PEOPLE.length, 15_000);
    // Settled: no second notice follows.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smtp.messages()).toHaveLength(PEOPLE.length);

    const tracks = await db().referralTrack.findMany({ where: { referralId: { in: ids } }, select: { id: true } });
    const forbidden = [
      ...PEOPLE.flatMap((p) => [p.firstName, p.lastName, p.phone, p.phone.replace(/\s/g, ''), p.caseNumber]),
      '+49511',
      '771001',
      'Garbsen',
      ...ids,
      ...ids.map((id) => id.replace(/-/g, '')),
      ...tracks.map((t) => t.id),
    ];
    for (const mail of mails) {
      expect(mail.to).toEqual(['biss-region@example.org']);
      expect(mail.parsed.subject).toBe('Neue Vermittlung im Eingang');
      expect(mail.parsed.text).toContain('/eingang');
      for (const needle of forbidden) expect(mail.raw.toLowerCase(), needle).not.toContain(needle.toLowerCase());
    }
  });
});

/**
 * The partner's own case system: verifies every request; answers 503 while `down`; `beforeAnswer` runs
 * before each verified request is answered (to let something happen while the sender waits).
 */
async function startReceiver(secret: string, beforeAnswer?: (event: { type: string }) => Promise<void>) {
  const verifier = new Webhook(secret);
  const received: {
    id: string;
    type: string;
    data: Record<string, unknown>;
    raw: { body: string; headers: Record<string, string> };
  }[] = [];
  let refused = 0;
  let down = false;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (down) {
        refused += 1;
        response.writeHead(503, { 'Content-Type': 'text/plain' }).end('Wartungsarbeiten');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = request.headers as Record<string, string>;
      const event = verifier.verify(body, headers) as { type: string; data: Record<string, unknown> };
      received.push({ id: headers['webhook-id']!, type: event.type, data: event.data, raw: { body, headers } });
      void (beforeAnswer?.(event) ?? Promise.resolve()).then(() => response.writeHead(200).end('ok'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    refused: () => refused,
    setDown: (value: boolean) => {
      down = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function withWebhook(partnerCode: string, url: string, secret: string) {
  const partner = await db().partner.findUniqueOrThrow({ where: { code: partnerCode } });
  await db().partner.update({
    where: { id: partner.id },
    data: { webhookUrl: url, webhookSecret: sealWebhookSecret(partner.id, secret), webhookSecretAt: new Date() },
  });
  return partner;
}

describe('the signed webhook', () => {
  it('survives an outage of the partner: nothing lost, nothing twice, "Zustellung gestört" meanwhile', async () => {
    const secret = newWebhookSecret();
    const receiver = await startReceiver(secret);
    try {
      const partner = await withWebhook('BISS-REGION', receiver.url, secret);
      receiver.setDown(true);
      const ids: string[] = [];
      for (const person of PEOPLE) ids.push(await approvedFor(person));
      // Refused again and again: after three attempts the supervisor sees the delivery failing.
      await expect
        .poll(async () => (await referralForReview({ actor: supervisor, id: ids[0]! }))?.tracks[0]?.deliveryTrouble, {
          timeout: 20_000,
          interval: 250,
        })
        .toBe(true);
      expect(receiver.received).toEqual([]);
      // The inbox has them all the same.
      expect(await db().referralTrack.count({ where: { referralId: { in: ids }, status: 'DISPATCHED' } })).toBe(3);
      expect(await retryDelivery({ actor: supervisor, input: { referralId: ids[0]! } })).toEqual({
        ok: true,
        data: { retried: 1 },
      });
      expect(receiver.refused()).toBeGreaterThanOrEqual(3);

      receiver.setDown(false);
      await expect.poll(() => new Set(receiver.received.map((r) => r.id)).size, { timeout: 20_000 }).toBe(3);
      // Arrived once each (the retry asked for meanwhile may repeat one, with the same id to drop it by).
      const tracks = await db().referralTrack.findMany({
        where: { referralId: { in: ids } },
        select: { id: true, referralId: true, deliveryTroubleAt: true },
      });
      expect(new Set(receiver.received.map((r) => r.data.id))).toEqual(new Set(tracks.map((t) => t.id)));
      expect(receiver.received.every((r) => r.type === 'referral.dispatched')).toBe(true);
      // The partner's projection, as its inbox shows it.
      const first = receiver.received.find((r) => r.data.id === tracks.find((t) => t.referralId === ids[0])!.id)!;
      expect(first.data.projection).toMatchObject({
        firstName: 'Henrike',
        lastName: 'Vollmerhausen',
        phone: '+495113344556',
        caseNumber: '2026/771001',
        municipality: 'Garbsen',
      });
      await expect
        .poll(async () =>
          (await db().referralTrack.findMany({ where: { referralId: { in: ids } } })).map((t) => t.deliveryTroubleAt),
        )
        .toEqual([null, null, null]);
      const disclosures = await db().auditEvent.findMany({ where: { action: 'REFERRAL_DISCLOSED' } });
      expect(new Set(disclosures.map((d) => d.entityId))).toEqual(new Set(ids));
      expect(disclosures.every((d) => d.recipient === partner.code)).toBe(true);
      expect(await db().auditEvent.count({ where: { action: 'DELIVERY_RETRIED', actorId: supervisor.id } })).toBe(1);

      // Replayed later, or forged: the library refuses it.
      const { body, headers } = first.raw;
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
      expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
      expect(() => new Webhook(secret).verify(body.replace('Henrike', 'Henrik'), headers)).toThrow();
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
      expect(() => new Webhook(secret).verify(body, headers)).toThrow(/timestamp/i);
    } finally {
      await receiver.stop();
    }
  });

  it('tells the partner of a withdrawal after delivery, with nothing personal', async () => {
    const secret = newWebhookSecret();
    const receiver = await startReceiver(secret);
    try {
      await withWebhook('BISS-REGION', receiver.url, secret);
      const referralId = await approvedFor(PEOPLE[0]!);
      await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
      expect(await withdrawalBy(supervisor, referralId)).toMatchObject({ ok: true });
      await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(2);
      const withdrawn = receiver.received[1]!;
      expect(withdrawn.type).toBe('referral.withdrawn');
      expect(withdrawn.data).toEqual({
        id: receiver.received[0]!.data.id,
        reference: expect.any(String),
        request: 'DELETE_ALL_COPIES',
      });
      await expect
        .poll(() => smtp.messages().some((m) => m.parsed.subject.startsWith('Vermittlung zurückgezogen')), {
          timeout: 10_000,
        })
        .toBe(true);
    } finally {
      await receiver.stop();
    }
  });
});

describe('a withdrawal while the data is on its way', () => {
  it('reaches the partner after the data, whatever arrived first', async () => {
    const secret = newWebhookSecret();
    let referralId = '';
    const receiver = await startReceiver(secret, async (event) => {
      if (event.type !== 'referral.dispatched') return;
      // The supervisor records the withdrawal while the partner's system is still taking the data in.
      await withdrawalBy(supervisor, referralId);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    });
    try {
      await withWebhook('BISS-REGION', receiver.url, secret);
      referralId = await fileIn(officer, 'Garbsen', PEOPLE[1]!);
      await approveReferral({ actor: supervisor, input: { referralId, version: 1 } });
      await expect
        .poll(() => receiver.received.map((r) => r.id).filter((id) => id.endsWith('_again')).length, {
          timeout: 20_000,
        })
        .toBe(1);
      const types = receiver.received.map((r) => r.type);
      expect(types[0]).toBe('referral.dispatched');
      expect(types.at(-1)).toBe('referral.withdrawn');
    } finally {
      await receiver.stop();
    }
  });
});

describe('the retry schedule of the webhook queue', () => {
  it('spans more than a day, so that an outage over a night or a weekend loses nothing', () => {
    let total = 0;
    for (let attempt = 0; attempt < QUEUES.webhook.retryLimit; attempt++) {
      // pg-boss's backoff without its jitter, the lower bound: retryDelay · 2^attempt / 2, capped.
      total += Math.min(QUEUES.webhook.retryDelayMax, (QUEUES.webhook.retryDelay * 2 ** Math.min(16, attempt)) / 2);
    }
    expect(total).toBeGreaterThan(24 * 3600);
  });
});
