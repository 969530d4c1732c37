import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { sendNotice, type NoticeJob, type WebhookJob } from '@/lib/delivery/outbox';
import { DELIVERY_SELECT, deliveryProjection, referenceOf } from '@/lib/delivery/projection';
import { MailDeliveryError, sendPartnerNotice } from '@/lib/mail/send';
import { openWebhookSecret } from '@/lib/webhooks/secret';
import { postWebhook } from '@/lib/webhooks/send';

/**
 * The jobs that reach partners (ADR 0011): the e-mail notice, the signed webhook, the reminder of an overdue
 * acknowledgement. Each throws to be retried (the queue's backoff) and holds nothing personal in what it
 * throws. A job that finds nothing to do (the partner removed its webhook, the delivery was withdrawn before
 * its webhook went out) ends quietly.
 */

export type JobOutcome = 'SENT' | 'NOTHING_TO_DO';

/** After this many failed attempts of a webhook, its delivery shows as "Zustellung gestört". */
export const TROUBLE_AFTER_ATTEMPTS = 3;

/** "Something is waiting" to the partner's notification address. A refusal for good is not retried. */
export async function deliverNotice(job: NoticeJob): Promise<JobOutcome> {
  const partner = await db().partner.findUnique({
    where: { id: job.partnerId },
    select: { notificationEmail: true },
  });
  if (!partner) return 'NOTHING_TO_DO';
  try {
    await sendPartnerNotice(partner.notificationEmail, { kind: job.kind });
  } catch (error) {
    if (error instanceof MailDeliveryError && error.permanent) return 'NOTHING_TO_DO';
    throw error;
  }
  return 'SENT';
}

/**
 * One webhook event to the delivery's partner, signed with its current secret. `referral.dispatched` carries
 * the partner's projection (as the inbox shows it), `referral.withdrawn` only the reference and the request to
 * delete. Each disclosure that arrived is audited with its recipient; a failing one marks the delivery after
 * TROUBLE_AFTER_ATTEMPTS attempts, and the mark goes when one arrives.
 */
export async function deliverWebhook(job: WebhookJob, attempt: number): Promise<JobOutcome> {
  const row = await db().referralTrack.findUnique({
    where: { id: job.trackId },
    select: {
      ...DELIVERY_SELECT,
      status: true,
      dispatchedAt: true,
      partner: { select: { id: true, code: true, webhookUrl: true, webhookSecret: true } },
    },
  });
  const partner = row?.partner;
  if (!row?.dispatchedAt || !partner?.webhookUrl || !partner.webhookSecret) return 'NOTHING_TO_DO';
  const secret = openWebhookSecret(partner.id, partner.webhookSecret);
  if (!secret) throw new Error('webhook secret cannot be opened');
  let data: Record<string, unknown>;
  if (job.event === 'referral.dispatched') {
    const projection = row.status === 'WITHDRAWN' ? null : deliveryProjection(row);
    // Withdrawn (or erased) before it went out: there is nothing left to disclose.
    if (!projection) return 'NOTHING_TO_DO';
    data = {
      id: row.id,
      reference: referenceOf(row.id),
      track: row.track,
      dispatchedAt: row.dispatchedAt.toISOString(),
      projection,
    };
  } else {
    data = { id: row.id, reference: referenceOf(row.id), request: 'DELETE_ALL_COPIES' };
  }
  const result = await postWebhook({
    url: partner.webhookUrl,
    secret,
    msgId: `msg_${row.id}_${job.event === 'referral.dispatched' ? 'dispatched' : 'withdrawn'}`,
    type: job.event,
    payload: data,
  });
  if (!result.ok) {
    if (attempt + 1 >= TROUBLE_AFTER_ATTEMPTS) {
      await db().$executeRaw`
        UPDATE "ReferralTrack" SET "deliveryTroubleAt" = coalesce("deliveryTroubleAt", now()) WHERE id = ${row.id}::uuid`;
    }
    throw new Error(`webhook not delivered (${result.reason}${result.status ? ` ${result.status}` : ''})`);
  }
  await db().$transaction(async (tx) => {
    await tx.referralTrack.update({ where: { id: row.id }, data: { deliveryTroubleAt: null }, select: { id: true } });
    await recordAudit(tx, {
      action: 'REFERRAL_DISCLOSED',
      entityType: 'Referral',
      entityId: row.referral.id,
      recipient: partner.code,
      details: { track: row.track, event: job.event, channel: 'WEBHOOK', status: result.status },
    });
  });
  return 'SENT';
}

/**
 * Every delivery whose acknowledgement has become overdue gets one reminder: marked and announced in one
 * transaction (one notice per partner), so that several workers or a rerun never remind twice.
 */
export async function sendDueReminders(now = new Date()): Promise<number> {
  return db().$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ partnerId: string }[]>`
      UPDATE "ReferralTrack" SET "reminderSentAt" = ${now}
       WHERE status = 'DISPATCHED' AND "dueAt" < ${now} AND "reminderSentAt" IS NULL
      RETURNING "partnerId"`;
    const partners = [...new Set(due.map((d) => d.partnerId))];
    for (const partnerId of partners) await sendNotice(tx, { partnerId, kind: 'REMINDER' });
    return due.length;
  });
}
