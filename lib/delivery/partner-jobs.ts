import 'server-only';

import { recordAudit } from '@/lib/audit/record';
import { db } from '@/lib/db';
import { sendNotice, sendWebhook, type NoticeJob, type WebhookJob } from '@/lib/delivery/outbox';
import { DELIVERY_SELECT, deliveryProjection, referenceOf } from '@/lib/delivery/projection';
import { logUnexpectedError } from '@/lib/log';
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
    if (!(error instanceof MailDeliveryError && error.permanent)) throw error;
    // Refused for good (a wrong address): retrying cannot help. Logged for operations, by partner id only;
    // the referral is in the inbox all the same, and an overdue acknowledgement shows to the supervisors.
    logUnexpectedError(`partner-notice-refused:${job.partnerId}`, error);
    return 'NOTHING_TO_DO';
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
  const outcome = await tryWebhook(job, attempt);
  // Nothing left to send (the webhook removed, the delivery withdrawn before it went out): not a failure.
  if (outcome === 'NOTHING_TO_DO') await markTrouble(job.trackId, false);
  return outcome;
}

/** Sets (or clears) the "Zustellung gestört" mark of a delivery. */
async function markTrouble(trackId: string, trouble: boolean): Promise<void> {
  await db().$executeRaw`
    UPDATE "ReferralTrack"
       SET "deliveryTroubleAt" = CASE WHEN ${trouble} THEN coalesce("deliveryTroubleAt", now()) END
     WHERE id = ${trackId}::uuid`;
}

async function tryWebhook(job: WebhookJob, attempt: number): Promise<JobOutcome> {
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
    msgId: `msg_${row.id}_${job.event === 'referral.dispatched' ? 'dispatched' : 'withdrawn'}${job.again ? '_again' : ''}`,
    type: job.event,
    payload: data,
  });
  // Disclosed, or perhaps disclosed (the request went out, its answer did not come back in time).
  const disclosed = result.ok || result.reason === 'TIMEOUT';
  if (disclosed) {
    await recordAudit(db(), {
      action: 'REFERRAL_DISCLOSED',
      entityType: 'Referral',
      entityId: row.referral.id,
      recipient: partner.code,
      details: {
        track: row.track,
        event: job.event,
        channel: 'WEBHOOK',
        confirmed: result.ok,
        ...(result.ok && { status: result.status }),
      },
    });
  }
  if (!result.ok) {
    if (attempt + 1 >= TROUBLE_AFTER_ATTEMPTS) await markTrouble(row.id, true);
    throw new Error(`webhook not delivered (${result.reason}${result.status ? ` ${result.status}` : ''})`);
  }
  await markTrouble(row.id, false);
  if (job.event === 'referral.dispatched') await withdrawnMeanwhile(row.id);
  return 'SENT';
}

/**
 * A withdrawal recorded while the delivery's data was on its way may have reached the partner first: the
 * withdrawal is then sent once more, after the data (under its own id, so that the partner does not drop it
 * as a repeat).
 */
async function withdrawnMeanwhile(trackId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const [track] = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text AS status FROM "ReferralTrack" WHERE id = ${trackId}::uuid`;
    if (track?.status === 'WITHDRAWN' || track?.status === 'PURGED') {
      await sendWebhook(tx, { trackId, event: 'referral.withdrawn', again: true });
    }
  });
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
