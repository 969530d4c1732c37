/**
 * Authorisation matrix for server actions (CONVENTIONS.md, "Authorisation, in layers" 4): every exported
 * server action × every role, plus anonymous, a disabled account with a still-valid session, a user demoted
 * after sign-in, a session still waiting for its second factor, and a request without Origin. The
 * second-factor actions themselves belong to a session state rather than a role and have their own block. A denied call must change nothing, look like "not signed
 * in" or "forbidden", and leave an ACCESS_DENIED audit event. An action without a row fails this test.
 *
 * It is also the audit trail's coverage test (DESIGN.md section 7): every row declares the events an allowed
 * call leaves, or why it leaves none, and each allowed call must leave exactly those. An action that collects,
 * changes, discloses or erases personal data without an event fails here.
 */
import { randomUUID } from 'node:crypto';

import { beforeEach, describe, expect, it } from 'vitest';

import { AUDIT_ACTIONS, type AuditAction } from '@/lib/audit/record';
import { sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { pendingEnrolment } from '@/lib/auth/mfa/service';
import { currentTotpCode } from '@/lib/auth/mfa/totp';
import { declaredAccess } from '@/lib/actions';
import { ACTOR_SELECT } from '@/lib/auth/session-store';
import { can, ROLES, type Role } from '@/lib/auth/permissions';
import { db } from '@/lib/db';
import { previewResponsibilityChange } from '@/lib/routing/service';
import { dispatchReferral } from '@/lib/delivery/dispatch';
import { acknowledgeDelivery } from '@/lib/inbox/service';
import { transition } from '@/lib/referrals/lifecycle';
import type { ReferralFormInput } from '@/lib/referrals/schema';
import { berlinDateOf, instantToBerlinLocal } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';
import { createUser } from '@/lib/users/service';
import { newWebhookSecret, sealWebhookSecret } from '@/lib/webhooks/secret';
import { consentedSubmission } from '@/prisma/factories';

import { fileReferral } from './support/referrals';
import { currentCookies, currentHeaders, currentSession } from './support/request-context';
import { createActor, freshWorld, municipalityId, PASSWORD, signInAs } from './support/world';

type Action = (...args: never[]) => Promise<unknown>;
// Every 'use server' module: a lint rule allows the directive only at the top of actions.ts files. Every
// export of such a module can be called from the internet, whatever its name, so every export needs a row.
// lib/actions.ts is the shared runner, not a 'use server' module.
const modules = import.meta.glob<Record<string, unknown>>(
  ['/lib/**/actions.ts', '/app/**/actions.ts', '!/lib/actions.ts'],
  {
    eager: true,
  },
);
const actions: Record<string, Action> = Object.fromEntries(
  Object.values(modules).flatMap((module) => Object.entries(module)),
) as Record<string, Action>;

type Row = {
  /**
   * Roles the permission table allows; everyone else is denied. 'PUBLIC' = no sign-in needed;
   * 'SECOND_FACTOR' = a step of the second factor, tested in its own block below.
   */
  allowed: readonly Role[] | 'PUBLIC' | 'SECOND_FACTOR';
  /** The action needs the second factor proved within the last minutes (ASVS 7.5.3). */
  stepUp?: true;
  /** Calls the action with valid input for an allowed actor. */
  call: (action: Action) => Promise<unknown>;
  /** A value that changes when the action had an effect. */
  effect: () => Promise<unknown>;
  /** The action only reads (a preview): allowed calls succeed and `effect` stays as it was. */
  readOnly?: true;
  /** What an allowed call leaves in the audit trail (DESIGN.md section 7); required, so no action is forgotten. */
  audit: AuditDeclaration;
};

/**
 * The audit events of the caller that one allowed call writes, exactly (in any order, repeats counted); or
 * `none` with the reason the action touches no personal data and changes nothing the trail records. A
 * declaration cannot be left out: TypeScript requires it, and a test checks each row for one.
 */
type AuditDeclaration = readonly [AuditAction, ...AuditAction[]] | { readonly none: string };

let counter = 0;

/** A complete partner as the admin's form sends it. */
const PARTNER_FIELDS = {
  name: 'Beratungsstelle Test',
  kind: 'VICTIM_SUPPORT',
  tracks: ['VICTIM'],
  genders: ['FEMALE', 'DIVERSE'],
  phone: '0511 1234567',
  address: 'Teststraße 1, 30159 Hannover',
  notificationEmail: 'stelle@example.org',
  activeFrom: '2026-01-01',
  activeTo: '',
  languages: ['de'],
  description: 'Meldet sich in den nächsten Tagen.',
};

/** GRUPPE with a webhook (set in the database, its version unchanged): what rotation and removal act on. */
async function partnerWithWebhook() {
  const { id } = await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } });
  const { version } = await db().partner.update({
    where: { id },
    data: {
      webhookUrl: 'https://fallsystem.gruppe.example/hooks',
      webhookSecret: sealWebhookSecret(id, newWebhookSecret()),
      webhookSecretAt: new Date(),
    },
  });
  return { partnerId: id, version };
}

/** Sehnde's women from tomorrow to the city's BISS: a change the admin could preview and save. */
async function responsibilityChange() {
  return {
    municipalityIds: [await municipalityId('Sehnde')],
    track: 'VICTIM' as const,
    genders: ['FEMALE' as const],
    partnerId: (await db().partner.findUniqueOrThrow({ where: { code: 'BISS-LHH' } })).id,
    firstDay: addDays(berlinDateOf(new Date()), 1),
    reason: '',
  };
}

/** A referral waiting for review, filed by a new officer of Garbsen (another person each time: no duplicate). */
async function referralToReview(overrides: Partial<ReferralFormInput> = {}): Promise<string> {
  counter += 1;
  const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
  const { referralId } = await fileReferral(
    officer,
    consentedSubmission(await municipalityId('Garbsen'), {
      caseNumber: `2026/${String(800_000 + counter)}`,
      ...overrides,
    }),
  );
  return referralId;
}

/**
 * A delivery to the Männerbüro (SCOPE.PARTNER): a man's referral from Garbsen, approved by the system (no
 * supervisor involved) and dispatched, then taken as far as `status` by a caseworker of the Männerbüro.
 * Returns the delivery's (track's) id.
 */
async function deliveryToMaennerbuero(status: 'DISPATCHED' | 'ACKNOWLEDGED' | 'TROUBLED' = 'DISPATCHED') {
  const referralId = await referralToReview({ gender: 'MALE' });
  await db().$transaction((tx) =>
    transition(tx, { referralId, from: 'SUBMITTED', to: 'APPROVED', by: 'SYSTEM', details: {} }),
  );
  await dispatchReferral(referralId);
  const track = await db().referralTrack.findFirstOrThrow({ where: { referralId }, select: { id: true } });
  if (status === 'ACKNOWLEDGED') {
    const caseworker = await createActor('PARTNER', { partnerCode: 'MB-H' });
    await acknowledgeDelivery({ actor: caseworker, input: { trackId: track.id } });
  }
  if (status === 'TROUBLED') {
    await db().referralTrack.update({ where: { id: track.id }, data: { deliveryTroubleAt: new Date() } });
    return referralId;
  }
  return track.id;
}

const MATRIX: Record<string, Row> = {
  submitReferralAction: {
    allowed: ['OFFICER'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)(
        consentedSubmission(await municipalityId('Garbsen'), {
          gender: 'MALE',
          firstName: 'Thomas',
          lastName: 'Adler',
        }),
      ),
    effect: () => db().referral.count(),
    audit: ['REFERRAL_CREATED'],
  },
  correctReferralAction: {
    allowed: ['OFFICER'],
    call: async (action) => {
      // The caller's own referral when the caller is an officer with a station, another officer's otherwise
      // (the call is refused before that matters).
      const uid = currentSession.value?.uid;
      const caller = uid ? await db().user.findUnique({ where: { id: uid }, select: ACTOR_SELECT }) : null;
      const owner =
        caller?.role === 'OFFICER' && caller.stationId ? caller : await createActor('OFFICER', SCOPE.OFFICER);
      const garbsen = await municipalityId('Garbsen');
      const { referralId } = await fileReferral(owner, consentedSubmission(garbsen));
      return (action as (input: unknown) => Promise<unknown>)(
        consentedSubmission(garbsen, { referralId, referralVersion: 1, phone: '0511 1111111' }),
      );
    },
    effect: () => db().referral.count({ where: { version: { gt: 1 } } }),
    audit: ['REFERRAL_CORRECTED'],
  },
  signOutEverywhereAction: {
    allowed: ROLES,
    call: (action) => (action as () => Promise<unknown>)(),
    effect: async () => (await db().user.aggregate({ _sum: { sessionVersion: true } }))._sum.sessionVersion ?? 0,
    audit: ['SIGNED_OUT_EVERYWHERE'],
  },
  changePasswordAction: {
    allowed: ROLES,
    call: (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        currentPassword: PASSWORD,
        newPassword: 'Ein langer Satz als Passwort 42',
        confirmation: 'Ein langer Satz als Passwort 42',
      }),
    effect: async () =>
      (await db().user.findMany({ select: { passwordHash: true }, orderBy: { id: 'asc' } })).map((u) => u.passwordHash),
    audit: ['PASSWORD_CHANGED'],
  },
  searchUsersAction: {
    allowed: ['ADMIN'],
    call: (action) => (action as (input: unknown) => Promise<unknown>)({ q: 'streife' }),
    effect: async () => currentCookies.value.benutzersuche ?? null,
    audit: {
      none: 'keeps the search term in a cookie for the account list, which shows staff accounts only and is not a consultation of affected persons',
    },
  },
  confirmEnrolmentAction: {
    allowed: 'SECOND_FACTOR',
    call: async () => null,
    effect: async () => 0,
    audit: ['SECOND_FACTOR_ENROLLED'],
  },
  verifySecondFactorAction: {
    allowed: 'SECOND_FACTOR',
    call: async () => null,
    effect: async () => 0,
    audit: ['SECOND_FACTOR_VERIFIED'],
  },
  stepUpAction: {
    allowed: 'SECOND_FACTOR',
    call: async () => null,
    effect: async () => 0,
    audit: ['SECOND_FACTOR_STEP_UP'],
  },
  // User administration: each call acts on an account it creates first (lib/users/actions.ts).
  createUserAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        email: `neu-${randomUUID()}@polizei.example`,
        displayName: 'PKin Lea Sommer',
        role: 'OFFICER',
        scope: `STATION:${(await db().station.findUniqueOrThrow({ where: { code: 'PK-GARBSEN' } })).id}`,
      }),
    effect: () => db().user.count(),
    audit: ['USER_CREATED', 'PASSWORD_LINK_ISSUED'],
  },
  updateUserAccessAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      return (action as (input: unknown) => Promise<unknown>)({
        userId: target.id,
        version: 1,
        role: 'AUDITOR',
        scope: '',
      });
    },
    effect: () => db().user.count({ where: { role: 'AUDITOR' } }),
    audit: ['USER_UPDATED'],
  },
  disableUserAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      return (action as (input: unknown) => Promise<unknown>)({ userId: target.id, version: 1 });
    },
    effect: () => db().user.count({ where: { active: false } }),
    audit: ['USER_DISABLED'],
  },
  enableUserAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      await db().user.update({ where: { id: target.id }, data: { active: false } });
      return (action as (input: unknown) => Promise<unknown>)({ userId: target.id, version: 1 });
    },
    effect: () => db().user.count({ where: { active: true } }),
    audit: ['USER_ENABLED'],
  },
  resetUserSecondFactorAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('PARTNER', { partnerCode: 'MB-H' });
      await db().user.update({ where: { id: target.id }, data: { mfaSecret: 'sealed', mfaEnabledAt: new Date() } });
      return (action as (input: unknown) => Promise<unknown>)({ userId: target.id, version: 1 });
    },
    effect: () => db().user.count({ where: { mfaEnabledAt: null } }),
    audit: ['SECOND_FACTOR_RESET'],
  },
  issuePasswordLinkAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      return (action as (input: unknown) => Promise<unknown>)({ userId: target.id, version: 1 });
    },
    effect: () => db().passwordToken.count(),
    audit: ['PASSWORD_LINK_ISSUED'],
  },
  unlockUserAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const target = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
      const { email } = await db().user.findUniqueOrThrow({ where: { id: target.id } });
      const { authenticateWithPassword } = await import('@/lib/auth/service');
      for (let i = 0; i < 5; i++) await authenticateWithPassword(email, `falsch-${i}`);
      return (action as (input: unknown) => Promise<unknown>)({ userId: target.id, version: 1 });
    },
    // The lock lives in the rate-limit store; its lifting shows in the audit trail.
    effect: () => db().auditEvent.count({ where: { action: 'ACCOUNT_UNLOCKED' } }),
    audit: ['ACCOUNT_UNLOCKED'],
  },
  createPartnerAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: (action) => (action as (input: unknown) => Promise<unknown>)({ code: `NEU-${counter++}`, ...PARTNER_FIELDS }),
    effect: () => db().partner.count(),
    audit: ['PARTNER_CREATED'],
  },
  updatePartnerAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const partner = await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } });
      return (action as (input: unknown) => Promise<unknown>)({
        partnerId: partner.id,
        version: partner.version,
        ...PARTNER_FIELDS,
        activeFrom: '2024-01-01',
        kind: 'PERPETRATOR_PROGRAMME',
        tracks: ['PERPETRATOR'],
        genders: ['MALE'],
      });
    },
    effect: async () => (await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } })).version,
    audit: ['PARTNER_UPDATED'],
  },
  // The partner's webhook: each call acts on the current version of GRUPPE (with a webhook where one is needed).
  setPartnerWebhookAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const partner = await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } });
      return (action as (input: unknown) => Promise<unknown>)({
        partnerId: partner.id,
        version: partner.version,
        url: `https://fallsystem-${counter++}.partner.example/hooks`,
      });
    },
    effect: async () => (await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } })).version,
    audit: ['PARTNER_WEBHOOK_CHANGED'],
  },
  rotatePartnerWebhookSecretAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => (action as (input: unknown) => Promise<unknown>)(await partnerWithWebhook()),
    effect: async () => (await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } })).version,
    audit: ['PARTNER_WEBHOOK_SECRET_ROTATED'],
  },
  removePartnerWebhookAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => (action as (input: unknown) => Promise<unknown>)(await partnerWithWebhook()),
    effect: async () => (await db().partner.findUniqueOrThrow({ where: { code: 'GRUPPE' } })).version,
    audit: ['PARTNER_WEBHOOK_REMOVED'],
  },
  previewResponsibilityChangeAction: {
    allowed: ['ADMIN'],
    readOnly: true,
    call: async (action) => (action as (input: unknown) => Promise<unknown>)(await responsibilityChange()),
    effect: () => db().routingRule.count(),
    audit: { none: 'a preview of routing rules: changes nothing, and names municipalities and partners, no person' },
  },
  changeResponsibilityAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const input = await responsibilityChange();
      const admin = await createActor('ADMIN');
      const preview = await previewResponsibilityChange({ actor: admin, input });
      if (!preview.ok) throw new Error(preview.message);
      return (action as (input: unknown) => Promise<unknown>)({ ...input, previewToken: preview.data.previewToken });
    },
    effect: () => db().routingRule.count(),
    audit: ['ROUTING_CHANGED'],
  },
  // The supervisor's review (lib/review/actions.ts): each call acts on a referral of the scope that an officer
  // of Garbsen files first (SCOPE.SUPERVISOR is Garbsen's inspection).
  approveReferralAction: {
    allowed: ['SUPERVISOR'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({ referralId: await referralToReview(), version: 1 }),
    effect: () => db().referral.count({ where: { status: 'APPROVED' } }),
    audit: ['REFERRAL_APPROVED'],
  },
  returnReferralAction: {
    allowed: ['SUPERVISOR'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        referralId: await referralToReview(),
        version: 1,
        comment: 'Bitte die Telefonnummer prüfen.',
      }),
    effect: () => db().referral.count({ where: { status: 'RETURNED' } }),
    audit: ['REFERRAL_RETURNED'],
  },
  recordWithdrawalAction: {
    allowed: ['SUPERVISOR'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        referralId: await referralToReview(),
        track: 'VICTIM',
        receivedVia: 'PHONE',
        receivedOn: berlinDateOf(new Date()),
        confirmed: true,
      }),
    effect: () => db().referral.count({ where: { status: 'WITHDRAWN' } }),
    audit: ['REFERRAL_WITHDRAWN'],
  },
  retryDeliveryAction: {
    allowed: ['SUPERVISOR'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({ referralId: await deliveryToMaennerbuero('TROUBLED') }),
    effect: () => db().auditEvent.count({ where: { action: 'DELIVERY_RETRIED' } }),
    audit: ['DELIVERY_RETRIED'],
  },
  // The partner's inbox (lib/inbox/actions.ts): each acts on a delivery to the Männerbüro (SCOPE.PARTNER).
  acknowledgeDeliveryAction: {
    allowed: ['PARTNER'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({ trackId: await deliveryToMaennerbuero() }),
    effect: () => db().referralTrack.count({ where: { status: 'ACKNOWLEDGED' } }),
    audit: ['REFERRAL_ACKNOWLEDGED'],
  },
  recordContactAttemptAction: {
    allowed: ['PARTNER'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        trackId: await deliveryToMaennerbuero('ACKNOWLEDGED'),
        contactAt: instantToBerlinLocal(new Date()),
        channel: 'PHONE',
        reached: true,
      }),
    effect: () => db().referralEvent.count({ where: { step: 'CONTACT_ATTEMPTED' } }),
    audit: ['REFERRAL_CONTACT_ATTEMPTED'],
  },
  recordOutcomeAction: {
    allowed: ['PARTNER'],
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        trackId: await deliveryToMaennerbuero('ACKNOWLEDGED'),
        outcome: 'DECLINED',
      }),
    effect: () => db().referralTrack.count({ where: { status: 'CLOSED' } }),
    audit: ['REFERRAL_CLOSED'],
  },
  setReviewModeAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        stationId: (await db().station.findUniqueOrThrow({ where: { code: 'PK-WUNSTORF' } })).id,
        from: 'FOUR_EYES',
        to: 'DIRECT',
      }),
    effect: () => db().station.count({ where: { reviewMode: 'DIRECT' } }),
    audit: ['STATION_REVIEW_MODE_CHANGED'],
  },
  updateRetentionPolicyAction: {
    allowed: ['ADMIN'],
    stepUp: true,
    call: async (action) => {
      const policy = await db().retentionPolicy.findUnique({ where: { one: 1 } });
      return (action as (input: unknown) => Promise<unknown>)({
        afterAcknowledgementDays: 21,
        withoutAcknowledgementDays: 60,
        seenChangedAt: (policy?.changedAt ?? new Date(0)).toISOString(),
      });
    },
    effect: async () => (await db().retentionPolicy.findUnique({ where: { one: 1 } }))?.afterAcknowledgementDays ?? 30,
    audit: ['RETENTION_POLICY_CHANGED'],
  },
  // Public: the one-time link is the proof (tests/integration/users/password-link.test.ts); each call uses a
  // new account's valid link, so that it succeeds and leaves what a real use of the link leaves.
  setPasswordWithLinkAction: {
    allowed: 'PUBLIC',
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        token: await passwordLinkToken(),
        newPassword: 'Ein langer Satz als Passwort 42',
        confirmation: 'Ein langer Satz als Passwort 42',
      }),
    effect: async () => 0,
    audit: ['PASSWORD_SET'],
  },
  openPasswordLinkAction: {
    allowed: 'PUBLIC',
    call: async (action) => (action as (input: unknown) => Promise<unknown>)({ token: await passwordLinkToken() }),
    effect: async () => 0,
    audit: {
      none: 'shows the holder of a one-time link the address of their own account (for the password manager); changes nothing',
    },
  },
  setLocaleAction: {
    allowed: 'PUBLIC',
    call: (action) => (action as (form: FormData) => Promise<unknown>)(localeForm('en')),
    effect: async () => 0,
    audit: { none: 'the interface language, a preference cookie of the caller' },
  },
  // The auditor's workspace (lib/audit-log/actions.ts): each use is itself an event.
  findReferralsToTraceAction: {
    allowed: ['AUDITOR'],
    readOnly: true,
    call: async (action) => {
      await referralToReview({ caseNumber: '2026/777001' });
      return (action as (input: unknown) => Promise<unknown>)({ query: '2026 777001' });
    },
    // A look-up changes nothing; what it leaves is its audit event.
    effect: async () => 0,
    audit: ['AUDIT_SEARCHED'],
  },
  openReferralContentsAction: {
    allowed: ['AUDITOR'],
    stepUp: true,
    call: async (action) =>
      (action as (input: unknown) => Promise<unknown>)({
        referralId: await referralToReview(),
        reason: 'Prüfung DS-2026-001: Auskunftsersuchen',
      }),
    effect: () => db().auditEvent.count({ where: { action: 'REFERRAL_CONTENTS_OPENED' } }),
    audit: ['REFERRAL_CONTENTS_OPENED'],
  },
  verifyAuditChainAction: {
    allowed: ['AUDITOR'],
    call: (action) => (action as () => Promise<unknown>)(),
    effect: () => db().auditCheckpoint.count(),
    audit: ['AUDIT_CHAIN_VERIFIED'],
  },
};

/** The token of a one-time link to set the password of a new account, as an admin hands it out. */
async function passwordLinkToken(): Promise<string> {
  const created = await createUser({
    actor: await createActor('ADMIN'),
    input: {
      email: `link-${randomUUID()}@polizei.example`,
      displayName: 'PK Link Probe',
      role: 'OFFICER',
      scope: `STATION:${(await db().station.findUniqueOrThrow({ where: { code: 'PK-GARBSEN' } })).id}`,
    },
  });
  if (!created.ok) throw new Error(created.message);
  return created.data.passwordLink.path.split('#').at(-1)!;
}

function localeForm(locale: string): FormData {
  const form = new FormData();
  form.set('locale', locale);
  return form;
}

const SCOPE: Record<Role, Parameters<typeof createActor>[1]> = {
  OFFICER: { stationCode: 'PK-GARBSEN' },
  SUPERVISOR: { inspectionCode: 'PI-GAR' },
  ADMIN: {},
  PARTNER: { partnerCode: 'MB-H' },
  AUDITOR: {},
};

async function deniedCount() {
  return db().auditEvent.count({ where: { action: 'ACCESS_DENIED' } });
}

/**
 * The audit trail read as the auditor reads it (plain SELECTs): the newest event's position, and the actions
 * of the events after it, of one actor (null: of anyone, for public actions, which have no caller to name).
 */
async function lastEventId(): Promise<string> {
  const [row] = await db().$queryRaw<{ id: string }[]>`SELECT coalesce(max(id), 0)::text AS id FROM "AuditEvent"`;
  return row!.id;
}

async function actionsAfter(eventId: string, actorId: string | null): Promise<string[]> {
  const rows = await db().$queryRaw<{ action: string }[]>`
    SELECT action FROM "AuditEvent"
     WHERE id > ${eventId}::bigint AND (${actorId}::uuid IS NULL OR "actorId" = ${actorId}::uuid)`;
  return rows.map((r) => r.action).sort();
}

/** A refusal is never what an allowed call leaves: the denial tests expect ACCESS_DENIED. */
const LEFT_BY_ALLOWED_CALLS: readonly string[] = AUDIT_ACTIONS.filter((a) => a !== 'ACCESS_DENIED');

/** The actions a row declares, in the order `actionsAfter` returns them. */
function declaredActions(audit: AuditDeclaration): string[] {
  return 'none' in audit ? [] : [...audit].sort();
}

/**
 * Calls the row's action and reads what the action itself left in the audit trail: the row's preparation
 * (filing the referral it acts on, a new account's link) runs before the action is called and is not counted.
 */
async function callAudited(row: Pick<Row, 'call'>, action: Action, actorId: string | null) {
  let before: string | undefined;
  const result = await row.call((async (...args: never[]) => {
    before = await lastEventId();
    return action(...args);
  }) as Action);
  if (before === undefined) throw new Error('the row never called its action');
  return { result, audited: await actionsAfter(before, actorId) };
}

async function expectDenied(row: Pick<Row, 'call' | 'effect'>, action: Action) {
  const [effectBefore, deniedBefore] = [await row.effect(), await deniedCount()];
  const result = await row.call(action);
  expect(result).toMatchObject({ ok: false });
  expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain((result as { code: string }).code);
  expect(await row.effect()).toEqual(effectBefore);
  expect(await deniedCount()).toBe(deniedBefore + 1);
}

beforeEach(freshWorld);

describe('authorisation matrix of server actions', () => {
  it('has a row for every server action, and no row without an action', () => {
    expect(Object.keys(actions).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('declares for every action what an allowed call leaves in the audit trail', () => {
    for (const [name, row] of Object.entries(MATRIX)) {
      // Read as unknown: vitest does not type-check, and a row may come without a declaration at run time.
      const audit: unknown = (row as { audit?: unknown }).audit;
      if (Array.isArray(audit)) {
        expect(audit.length, `${name}: an empty list; say why with { none }`).toBeGreaterThan(0);
        for (const action of audit) expect(LEFT_BY_ALLOWED_CALLS, name).toContain(action);
      } else {
        expect(audit, `${name}: no audit declaration`).toMatchObject({ none: expect.stringMatching(/\S/) });
      }
    }
  });

  it('finds every action built by the action client, declaring what its row says', () => {
    for (const [name, row] of Object.entries(MATRIX)) {
      const access = declaredAccess(actions[name]);
      expect(access, `${name} is not built with action() from lib/actions.ts`).toBeDefined();
      const declared =
        access && 'permission' in access
          ? ROLES.filter((role) => can(role, access.permission))
          : access && 'secondFactorStep' in access
            ? 'SECOND_FACTOR'
            : 'PUBLIC';
      expect(declared, name).toEqual(row.allowed);
      expect(access && 'permission' in access && access.stepUp, `${name}: step-up`).toBe(row.stepUp ?? false);
    }
  });

  for (const [name, row] of Object.entries(MATRIX)) {
    // Public actions (the language switch) change nothing but the caller's own preference cookie.
    if (row.allowed === 'PUBLIC' || row.allowed === 'SECOND_FACTOR') continue;
    const allowed = row.allowed;

    describe(name, () => {
      it('denies an anonymous caller', async () => {
        await expectDenied(row, actions[name]!);
      });

      for (const role of ROLES) {
        it(`${allowed.includes(role) ? 'allows' : 'denies'} ${role}`, async () => {
          const actor = await createActor(role, SCOPE[role]);
          await signInAs(actor);
          if (allowed.includes(role)) {
            const before = await row.effect();
            const { result, audited } = await callAudited(row, actions[name]!, actor.id);
            expect(result).toMatchObject({ ok: true });
            if (row.readOnly) expect(await row.effect()).toEqual(before);
            else expect(await row.effect()).not.toEqual(before);
            expect(audited, `audit trail after ${name}`).toEqual(declaredActions(row.audit));
          } else {
            await expectDenied(row, actions[name]!);
          }
        });
      }

      it('denies a disabled account whose session cookie is still valid', async () => {
        const actor = await createActor(allowed[0]!, SCOPE[allowed[0]!]);
        await signInAs(actor);
        await db().user.update({ where: { id: actor.id }, data: { active: false } });
        await expectDenied(row, actions[name]!);
      });

      it('denies a user demoted after signing in', async () => {
        const demotedTo = ROLES.find((r) => !allowed.includes(r));
        if (!demotedTo) return; // every role may: there is nothing to demote to
        const actor = await createActor(allowed[0]!, SCOPE[allowed[0]!]);
        await signInAs(actor);
        await db().user.update({ where: { id: actor.id }, data: { role: demotedTo } });
        await expectDenied(row, actions[name]!);
      });

      it('denies a session still waiting for its second factor', async () => {
        const actor = await createActor(allowed[0]!, SCOPE[allowed[0]!]);
        await enrolSecondFactor(actor.id);
        await signInAs(actor, { secondFactorPending: true });
        await expectDenied(row, actions[name]!);
      });

      it('denies a request without an Origin header (CSRF)', async () => {
        await signInAs(await createActor(allowed[0]!, SCOPE[allowed[0]!]));
        currentHeaders.value = { host: 'localhost:3000' };
        await expectDenied(row, actions[name]!);
      });
    });
  }
});

describe('public server actions', () => {
  // No sign-in needed (the language switch, the one-time password link): callable by anyone,
  // so each must answer anonymous callers and every role without an unexpected error.
  const publicRows = Object.entries(MATRIX).filter(([, row]) => row.allowed === 'PUBLIC');

  it('are the ones the matrix says', () => {
    expect(publicRows.map(([name]) => name).sort()).toEqual([
      'openPasswordLinkAction',
      'setLocaleAction',
      'setPasswordWithLinkAction',
    ]);
  });

  for (const [name, row] of publicRows) {
    it(`${name} answers anonymous callers and every role, leaving what its row declares`, async () => {
      const callers: (Role | null)[] = [null, ...ROLES];
      for (const role of callers) {
        currentSession.value = null;
        if (role) await signInAs(await createActor(role, SCOPE[role]));
        const { result: outcome, audited } = await callAudited(
          { call: (action) => row.call(action).catch((error: unknown) => error) },
          actions[name]!,
          null,
        );
        // An action may end in Next's redirect, and a form's action resolves to nothing (lib/actions.ts);
        // anything else thrown, or a refusal of its valid input, is a failure.
        if (outcome instanceof Error) expect(outcome.message).toBe('NEXT_REDIRECT');
        else if (outcome !== undefined)
          expect(outcome, `${name} for ${role ?? 'anonymous'}`).toMatchObject({ ok: true });
        expect(audited, `audit trail after ${name} for ${role ?? 'anonymous'}`).toEqual(declaredActions(row.audit));
      }
    });
  }
});

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

async function enrolSecondFactor(userId: string) {
  await db().user.update({
    where: { id: userId },
    data: { mfaSecret: sealTotpSecret(userId, SECRET), mfaEnabledAt: new Date() },
  });
}

type CodeAction = (input: unknown) => Promise<unknown>;
const secondFactorVerifications = async () =>
  (await db().session.findMany({ select: { mfaVerifiedAt: true }, orderBy: { id: 'asc' } })).map((s) =>
    s.mfaVerifiedAt?.getTime(),
  );

/**
 * The second-factor actions act on the session's state, not on a permission: enrolment only while
 * enrolment is owed, the sign-in code only while it is owed, step-up only for a complete session with
 * an enrolled app. Every other state is denied like an unknown caller, and audited.
 */
describe('authorisation of the second-factor steps', () => {
  const STEPS = {
    confirmEnrolmentAction: { enrolled: false, pending: true },
    verifySecondFactorAction: { enrolled: true, pending: true },
    stepUpAction: { enrolled: true, pending: false },
  } as const;

  for (const [name, state] of Object.entries(STEPS)) {
    const action = () => actions[name] as CodeAction;
    const effect = async () => [
      await secondFactorVerifications(),
      await db().user.count({ where: { mfaEnabledAt: { not: null } } }),
    ];

    async function actorInState(enrolled: boolean, pending: boolean) {
      const actor = await createActor('SUPERVISOR', SCOPE.SUPERVISOR);
      if (enrolled) await enrolSecondFactor(actor.id);
      await signInAs(actor, { secondFactorPending: pending });
      return actor;
    }
    const deniedRow: Pick<Row, 'call' | 'effect'> = {
      call: async (a) => (a as CodeAction)({ code: '000000' }),
      effect,
    };

    describe(name, () => {
      it('allows the session state it belongs to', async () => {
        const actor = await actorInState(state.enrolled, state.pending);
        // Enrolment confirms the secret the enrolment page created.
        const session = { sessionId: currentSession.value!.sid, user: actor };
        const secret = state.enrolled ? SECRET : (await pendingEnrolment(session))!.secret;
        const before = await effect();
        const { result, audited } = await callAudited(
          { call: (a) => (a as CodeAction)({ code: currentTotpCode(secret) }) },
          action(),
          actor.id,
        );
        expect(result).toMatchObject({ ok: true });
        expect(await effect()).not.toEqual(before);
        expect(audited, `audit trail after ${name}`).toEqual(declaredActions(MATRIX[name]!.audit));
      });

      it('denies an anonymous caller', async () => {
        await expectDenied(deniedRow, action());
      });

      it('denies every other session state', async () => {
        for (const [enrolled, pending] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ] as const) {
          if (enrolled === state.enrolled && pending === state.pending) continue;
          await actorInState(enrolled, pending);
          await expectDenied(deniedRow, action());
        }
      });

      it('denies a request without an Origin header (CSRF)', async () => {
        await actorInState(state.enrolled, state.pending);
        currentHeaders.value = { host: 'localhost:3000' };
        await expectDenied(deniedRow, action());
      });
    });
  }
});
