import 'server-only';

import type { Tx } from '@/lib/db';
import type { Prisma, Role } from '@/lib/generated/prisma/client';

/** Every kind of event the app writes; one list so the auditor's view can explain each. */
export const AUDIT_ACTIONS = [
  'SIGN_IN_SUCCEEDED',
  'SIGN_IN_FAILED',
  'SIGNED_OUT',
  'SIGNED_OUT_EVERYWHERE',
  'PASSWORD_CHANGED',
  'SECOND_FACTOR_ENROLLED',
  'SECOND_FACTOR_VERIFIED',
  'SECOND_FACTOR_STEP_UP',
  'SECOND_FACTOR_FAILED',
  'ACCESS_DENIED',
  'USER_CREATED',
  'USER_UPDATED',
  'USER_DISABLED',
  'USER_ENABLED',
  'SECOND_FACTOR_RESET',
  'ACCOUNT_UNLOCKED',
  'PASSWORD_LINK_ISSUED',
  'PASSWORD_SET',
  'REFERRAL_CREATED',
  'REFERRAL_LIST_VIEWED',
  'REFERRAL_VIEWED',
  'REFERRAL_CORRECTED',
  'REFERRAL_APPROVED',
  'REFERRAL_RETURNED',
  'REFERRAL_DISPATCHED',
  'REFERRAL_ACKNOWLEDGED',
  'REFERRAL_CONTACT_ATTEMPTED',
  'REFERRAL_CLOSED',
  'REFERRAL_WITHDRAWN',
  'REFERRAL_PURGED',
  /** A partner's projection sent by webhook to its own case system (the recipient is the partner). */
  'REFERRAL_DISCLOSED',
  /** A supervisor asked for a failing delivery to be tried again now. */
  'DELIVERY_RETRIED',
  'DUPLICATE_SUSPECTED',
  'DECLINED_OFFER_RECORDED',
  'PARTNER_CREATED',
  'PARTNER_UPDATED',
  /** A partner's webhook URL set or changed; details name hosts only, never a path, query or the secret. */
  'PARTNER_WEBHOOK_CHANGED',
  /** A new webhook secret made (shown to the admin once); the old one stopped working. */
  'PARTNER_WEBHOOK_SECRET_ROTATED',
  'PARTNER_WEBHOOK_REMOVED',
  'ROUTING_CHANGED',
  'STATION_REVIEW_MODE_CHANGED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEventInput = {
  actorId?: string | null;
  actorRole?: Role | null;
  action: AuditAction;
  entityType?: string;
  entityId?: string;
  reason?: string;
  recipient?: string;
  /** Counts and codes only: never names, phone numbers or free text (DESIGN.md section 7). */
  details?: Record<string, string | number | boolean | null>;
};

/**
 * Writes one audit event with the client it is given, so that callers pass their transaction and the
 * event commits or rolls back together with the change it describes (Art. 25 Directive 2016/680).
 */
export async function recordAudit(tx: Tx, event: AuditEventInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorId: event.actorId ?? null,
      actorRole: event.actorRole ?? null,
      action: event.action,
      entityType: event.entityType ?? null,
      entityId: event.entityId ?? null,
      reason: event.reason ?? null,
      recipient: event.recipient ?? null,
      details: (event.details ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}

/**
 * A refused request: every denied authorisation is logged (Art. 25 Directive 2016/680). With a session,
 * one event naming who was refused. Without one, the refusal is counted per hour and kind
 * (`AnonymousDenial`) and only the first of each hour becomes an event: anyone on the internet can send
 * such requests, and they must not be able to flood the trail.
 */
export async function recordDenial(
  tx: Tx,
  denial: {
    actor: { id: string; role: Role } | null;
    /** What was refused: a permission, a second-factor step, or ORIGIN. */
    kind: string;
    details: Record<string, string>;
  },
): Promise<void> {
  if (denial.actor) {
    await recordAudit(tx, {
      actorId: denial.actor.id,
      actorRole: denial.actor.role,
      action: 'ACCESS_DENIED',
      details: denial.details,
    });
    return;
  }
  const [counted] = await tx.$queryRaw<{ first: boolean }[]>`
    INSERT INTO "AnonymousDenial" (hour, kind, count) VALUES (date_trunc('hour', now()), ${denial.kind}, 1)
    ON CONFLICT (hour, kind) DO UPDATE SET count = "AnonymousDenial".count + 1
    RETURNING (xmax = 0) AS first`;
  if (counted?.first) {
    await recordAudit(tx, { action: 'ACCESS_DENIED', details: { ...denial.details, anonymous: 'COUNTED_PER_HOUR' } });
  }
}
