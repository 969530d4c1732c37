import 'server-only';

import type { Tx } from '@/lib/db';
import type { Track } from '@/lib/generated/prisma/enums';
import { sendInTransaction } from '@/lib/jobs/boss';
import { QUEUES } from '@/lib/jobs/queues';
import type { PartnerNoticeKind } from '@/lib/mail/partner-notice';
import type { WebhookEventType } from '@/lib/webhooks/send';

/**
 * What a step tells the partners, as jobs in the step's own transaction (the transactional outbox, ADR
 * 0011): the e-mail notice always (it holds no personal data), the webhook where the partner has one. Job
 * data holds ids only; the handlers read everything else when they run.
 */

export type NoticeJob = { partnerId: string; kind: PartnerNoticeKind };
/** `again`: a withdrawal sent once more, after the data it cancels (lib/delivery/partner-jobs.ts). */
export type WebhookJob = { trackId: string; event: WebhookEventType; again?: boolean };

export async function sendNotice(tx: Tx, job: NoticeJob): Promise<void> {
  await sendInTransaction(tx, QUEUES.notice.name, job);
}

export async function sendWebhook(tx: Tx, job: WebhookJob): Promise<void> {
  await sendInTransaction(tx, QUEUES.webhook.name, job);
}

/**
 * Announces deliveries to their partners: "delivered" (just dispatched) or "withdrawn" (consent withdrawn
 * after delivery: the partner is asked to delete its copy).
 */
export async function announce(
  tx: Tx,
  referralId: string,
  what: 'DISPATCHED' | 'WITHDRAWN',
  tracks?: readonly Track[],
): Promise<void> {
  const rows = await tx.referralTrack.findMany({
    where: {
      referralId,
      dispatchedAt: { not: null },
      ...(what === 'DISPATCHED' && { status: 'DISPATCHED' as const }),
      ...(tracks && { track: { in: [...tracks] } }),
    },
    orderBy: { track: 'asc' },
    select: { id: true, partnerId: true, partner: { select: { webhookUrl: true } } },
  });
  for (const row of rows) {
    await sendNotice(tx, { partnerId: row.partnerId, kind: what === 'DISPATCHED' ? 'NEW' : 'WITHDRAWN' });
    if (row.partner.webhookUrl) {
      await sendWebhook(tx, {
        trackId: row.id,
        event: what === 'DISPATCHED' ? 'referral.dispatched' : 'referral.withdrawn',
      });
    }
  }
}
