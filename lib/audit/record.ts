import 'server-only';

import type { Tx } from '@/lib/db';
import type { Role } from '@/lib/generated/prisma/client';

import type { AuditAction } from './events';

export { AUDIT_ACTIONS, type AuditAction } from './events';

export type AuditEventInput = {
  actorId?: string | null;
  actorRole?: Role | null;
  action: AuditAction;
  entityType?: string;
  entityId?: string;
  /** The records a list view showed (referral ids): "who saw this referral" finds the list too. */
  subjectIds?: readonly string[];
  reason?: string;
  recipient?: string;
  /** Counts and codes only: never names, phone numbers or free text (DESIGN.md section 7). */
  details?: Record<string, string | number | boolean | null>;
};

/**
 * Writes one audit event with the client it is given, so that callers pass their transaction and the
 * event commits or rolls back together with the change it describes (Art. 25 Directive 2016/680). The app
 * writes only the pending event: at commit, the database chains it into AuditEvent (ADR 0012).
 */
export async function recordAudit(tx: Tx, event: AuditEventInput): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO public."AuditPending"
      ("actorId", "actorRole", action, "entityType", "entityId", "subjectIds", reason, recipient, details)
    VALUES (${event.actorId ?? null}::uuid, ${event.actorRole ?? null}::"Role", ${event.action},
            ${event.entityType ?? null}, ${event.entityId ?? null}, ${event.subjectIds ? [...event.subjectIds] : null}::uuid[],
            ${event.reason ?? null}, ${event.recipient ?? null},
            ${event.details ? JSON.stringify(event.details) : null}::jsonb)`;
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
      // A refused look at a referral names it as the record: "who saw this referral" lists who tried, too.
      ...(denial.details.referral && { entityType: 'Referral', entityId: denial.details.referral }),
      details: denial.details,
    });
    return;
  }
  await recordCounted(tx, denial.kind, {
    action: 'ACCESS_DENIED',
    details: { ...denial.details, anonymous: 'COUNTED_PER_HOUR' },
  });
}

/**
 * An event anyone on the internet can cause again and again (a refusal without a session, a sign-in
 * attempt for an account that does not exist or is locked): counted per hour and `kind` in AnonymousDenial,
 * and only the first of each hour becomes an event. So nobody can flood the trail or keep its head busy
 * (ADR 0012), and the counts still show the attack.
 */
export async function recordCounted(tx: Tx, kind: string, event: AuditEventInput): Promise<void> {
  const [counted] = await tx.$queryRaw<{ first: boolean }[]>`
    INSERT INTO public."AnonymousDenial" (hour, kind, count) VALUES (date_trunc('hour', now()), ${kind}, 1)
    ON CONFLICT (hour, kind) DO UPDATE SET count = "AnonymousDenial".count + 1
    RETURNING (xmax = 0) AS first`;
  if (counted?.first) await recordAudit(tx, event);
}
