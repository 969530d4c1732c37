/**
 * The supervisor's review for integration tests (issue 11): referrals filed through the real service with a
 * Vorgangsnummer of their own (so that none is refused as a likely duplicate), a referral put into any status
 * directly with SQL, a snapshot of everything a step may touch, and the database as a dump would hold it.
 */
import pg from 'pg';
import { z } from 'zod/mini';

import type { Actor } from '@/lib/auth/guards';
import { db, type Tx } from '@/lib/db';
import type { ReferralStatus, WithdrawalChannel } from '@/lib/generated/prisma/enums';
import { referralFormConfig } from '@/lib/referrals/config';
import { ownReferral } from '@/lib/referrals/queries';
import { referralSubmission, type ReferralDraft, type ReferralFormInput } from '@/lib/referrals/schema';
import { formValuesOf } from '@/lib/referrals/stored';
import { recordWithdrawal } from '@/lib/review/service';
import { berlinDateOf } from '@/lib/time/berlin';
import { consentedSubmission } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { fileReferral } from './referrals';
import { municipalityId } from './world';

let cases = 0;

/** A Vorgangsnummer no other referral of this test file has. */
export function uniqueCaseNumber(): string {
  cases += 1;
  return `2026/${String(500_000 + cases).padStart(6, '0')}`;
}

/** Files a consented referral (or `form`, e.g. completeSubmission) in `place` as `officer`; its id. */
export async function fileIn(
  officer: Actor,
  place = 'Garbsen',
  overrides: Partial<ReferralFormInput> = {},
  form: (municipalityId: string, overrides: Partial<ReferralFormInput>) => ReferralFormInput = consentedSubmission,
): Promise<string> {
  const input = form(await municipalityId(place), { caseNumber: uniqueCaseNumber(), ...overrides });
  return (await fileReferral(officer, input)).referralId;
}

/** Puts the referral and all its tracks into `status` directly, as if its life had got there. */
export async function putInStatus(referralId: string, status: ReferralStatus): Promise<void> {
  await db().$executeRaw`UPDATE "Referral" SET status = ${status}::"ReferralStatus" WHERE id = ${referralId}::uuid`;
  await db().$executeRaw`
    UPDATE "ReferralTrack" SET status = ${status}::"ReferralStatus" WHERE "referralId" = ${referralId}::uuid`;
}

/**
 * Everything a step on the referral may change, as plain values: its row, its tracks, every timeline entry
 * (of all referrals) and the audit trail (how many, and the last one).
 */
export async function snapshot(client: Tx | ReturnType<typeof db>, referralId: string) {
  const [referral] = await client.$queryRaw<{ row: unknown }[]>`
    SELECT to_jsonb(r) AS row FROM "Referral" r WHERE id = ${referralId}::uuid`;
  const tracks = await client.$queryRaw<{ row: unknown }[]>`
    SELECT to_jsonb(t) AS row FROM "ReferralTrack" t WHERE "referralId" = ${referralId}::uuid ORDER BY track`;
  const events = await client.$queryRaw<{ row: unknown }[]>`
    SELECT to_jsonb(e) AS row FROM "ReferralEvent" e ORDER BY id`;
  const [audit] = await client.$queryRaw<{ count: number; last: string | null }[]>`
    SELECT count(*)::int AS count, max(id)::text AS last FROM "AuditEvent"`;
  return {
    referral: referral?.row,
    tracks: tracks.map((t) => t.row),
    events: events.map((e) => e.row),
    audit,
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A bytea value as row text renders it: "\x" and hexadecimal digits. */
const BYTEA = /\\\\?x([0-9a-f]*)/gi;

/**
 * Every row of every table of the app's schema as text, the data section of a dump (pg_dump of PostgreSQL 18
 * is not available offline: tests/integration/referrals/encryption-at-rest.test.ts). Bytea values are added
 * as the bytes they hold and ids are blanked, so that digits of a Vorgangsnummer are not "found" in a UUID.
 * Lower case, for searching in any letter case.
 */
export async function dumpAsText(): Promise<string> {
  const tables = await queryAt<{ name: string }>(
    testDatabaseUrl(),
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await queryAt<{ row: string }>(
      testDatabaseUrl(),
      `SELECT t::text AS row FROM ${pg.escapeIdentifier(name)} t`,
    );
    for (const { row } of rows) {
      const bytes = [...row.matchAll(BYTEA)].map((m) => Buffer.from(m[1]!, 'hex').toString('utf8'));
      parts.push(`-- ${name}`, row.replace(UUID, ' '), ...bytes);
    }
  }
  return parts.join('\n').toLowerCase();
}

/** The officer's correction form as the page fills it from the stored referral, changed by `change`, parsed. */
export async function correctionOf(
  officer: Actor,
  referralId: string,
  change: Partial<ReferralFormInput> = {},
): Promise<ReferralDraft> {
  const view = await ownReferral({ actor: officer, id: referralId });
  const values = view?.draft ? formValuesOf(view.draft, view) : null;
  if (!values) throw new Error('the correction form cannot be filled: the referral is not open to its officer');
  const result = z.safeParse(referralSubmission(referralFormConfig(), 'correction'), { ...values, ...change });
  if (!result.success) throw new Error(JSON.stringify(z.flattenError(result.error).fieldErrors));
  return result.data as ReferralDraft;
}

/** Which of `needles` occur in the dump, in any letter case (an empty list: none). */
export function foundIn(dump: string, needles: readonly string[]): string[] {
  return needles.filter((needle) => dump.includes(needle.toLowerCase()));
}

/** A withdrawal of `track`'s consent as a supervisor records it, received by `receivedVia` today. */
export function withdrawalBy(
  supervisor: Actor,
  referralId: string,
  {
    track = 'VICTIM',
    receivedVia = 'PHONE',
  }: { track?: 'VICTIM' | 'PERPETRATOR'; receivedVia?: WithdrawalChannel } = {},
) {
  return recordWithdrawal({
    actor: supervisor,
    input: { referralId, track, receivedVia, receivedOn: berlinDateOf(new Date()), confirmed: true },
  });
}
