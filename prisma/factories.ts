import { randomUUID } from 'node:crypto';

import { normaliseRecoveryCode } from '@/lib/auth/mfa/recovery-codes';
import { openTotpSecret, sealTotpSecret } from '@/lib/auth/mfa/secret-box';
import { hashPassword } from '@/lib/auth/password';
import type { PartnerKind, PrismaClient, Role, Track } from '@/lib/generated/prisma/client';
import type { ReferralFormInput } from '@/lib/referrals/schema';
import { inOrderOf } from '@/lib/enum-list';
import { LANGUAGE_CODES, type LanguageCode } from '@/lib/partners/languages';
import { RULE_GENDERS, TRACKS, type RuleGender } from '@/lib/routing/values';
import { berlinDateOf, instantToBerlinLocal } from '@/lib/time/berlin';
import { addDays } from '@/lib/time/days';

import region from './data/region-hannover.json' with { type: 'json' };

/**
 * The one set of builders for reference data and accounts, used by the demo seed, the integration tests
 * and the end-to-end set-up (CONVENTIONS.md). All of them are idempotent.
 */

/** Responsibilities from the cooperation agreements take effect from this date in the demo. */
export const DEFAULT_RULES_VALID_FROM = new Date('2024-01-01T00:00:00+01:00');

/** Municipalities, police inspections and stations, partners and the default routing rules of both tracks. */
export async function seedReferenceData(db: PrismaClient): Promise<void> {
  const { policeDirectorate, municipalities, partners } = region;

  for (const inspection of policeDirectorate.inspections) {
    await db.inspection.upsert({
      where: { code: inspection.code },
      update: { name: inspection.name },
      create: { code: inspection.code, name: inspection.name },
    });
  }
  const inspectionIds = new Map(
    (await db.inspection.findMany({ select: { id: true, code: true } })).map((i) => [i.code, i.id]),
  );
  const inspectionOf = (municipality: string) =>
    policeDirectorate.inspections.find((i) => i.municipalities.includes(municipality))?.code;

  for (const station of policeDirectorate.stations) {
    const inspectionId = inspectionIds.get(station.inspection)!;
    await db.station.upsert({
      where: { code: station.code },
      update: { name: station.name, inspectionId },
      create: { code: station.code, name: station.name, inspectionId },
    });
  }
  for (const m of municipalities) {
    const code = inspectionOf(m.name);
    const inspectionId = code ? inspectionIds.get(code) : undefined;
    await db.municipality.upsert({
      where: { name: m.name },
      update: { kind: m.kind, inspectionId: inspectionId ?? null },
      create: { name: m.name, kind: m.kind, inspectionId: inspectionId ?? null },
    });
  }
  for (const p of partners) {
    const details = PARTNER_DETAILS[p.code as PartnerCode];
    const data = {
      name: p.name,
      kind: p.kind as PartnerKind,
      notificationEmail: p.notificationEmail,
      tracks: inOrderOf(TRACKS, details.tracks),
      genders: inOrderOf(RULE_GENDERS, details.genders),
      phone: details.phone,
      address: details.address,
      languages: inOrderOf(LANGUAGE_CODES, details.languages),
      description: details.description,
    };
    // An admin's later changes are never overwritten; a partner the migration carried over without its
    // details (no description yet) gets them.
    await db.partner.upsert({
      where: { code: p.code },
      update: {},
      create: { code: p.code, ...data, activeFrom: DEFAULT_RULES_VALID_FROM },
    });
    await db.partner.updateMany({
      where: { code: p.code, description: '' },
      data: { ...data, activeFrom: DEFAULT_RULES_VALID_FROM },
    });
  }
  await seedDefaultRoutingRules(db);
}

type PartnerCode = 'BISS-REGION' | 'BISS-LHH' | 'MB-H' | 'GRUPPE' | 'BTZ-TAEBEA';

/**
 * What the shared data set does not hold: what each partner serves, contact details for the police
 * (placeholders, like the data set's e-mail addresses), languages and the public description officers read
 * out. Demo values; the directorate maintains the real ones in the partner administration.
 */
const PARTNER_DETAILS: Record<
  PartnerCode,
  {
    tracks: Track[];
    genders: RuleGender[];
    phone: string;
    address: string;
    languages: LanguageCode[];
    description: string;
  }
> = {
  'BISS-REGION': {
    tracks: ['VICTIM'],
    genders: ['FEMALE', 'DIVERSE'],
    phone: '0511 0000 101',
    address: 'Beispielstraße 1, 30159 Hannover (Demo)',
    languages: ['de', 'en', 'tr', 'ar', 'ru'],
    description:
      'Die BISS meldet sich in den nächsten Tagen telefonisch bei Ihnen. Sie berät kostenlos und vertraulich: zu Ihrer Sicherheit, zum Gewaltschutzgesetz und zu weiteren Hilfen. Sie entscheiden, ob und wie es weitergeht.',
  },
  'BISS-LHH': {
    tracks: ['VICTIM'],
    genders: ['FEMALE', 'DIVERSE'],
    phone: '0511 0000 102',
    address: 'Beispielstraße 2, 30161 Hannover (Demo)',
    languages: ['de', 'en', 'fa', 'ar', 'ku', 'tr', 'ru'],
    description:
      'Die BISS der Landeshauptstadt meldet sich in den nächsten Tagen telefonisch bei Ihnen, auf Wunsch mit Dolmetschung. Die Beratung ist kostenlos und vertraulich: Sicherheit, Schutz nach dem Gewaltschutzgesetz, weitere Hilfen.',
  },
  'MB-H': {
    tracks: ['VICTIM', 'PERPETRATOR'],
    genders: ['MALE'],
    phone: '0511 0000 103',
    address: 'Beispielstraße 3, 30169 Hannover (Demo)',
    languages: ['de', 'en'],
    description:
      'Das Männerbüro Hannover meldet sich in den nächsten Tagen telefonisch bei Ihnen. Es berät Männer kostenlos und vertraulich: Sicherheitsplanung, rechtliche Wege nach dem Gewaltschutzgesetz, Bewältigung des Erlebten, und Trainings für Männer, die Gewalt ausgeübt haben.',
  },
  GRUPPE: {
    tracks: ['PERPETRATOR'],
    genders: ['MALE'],
    phone: '0511 0000 104',
    address: 'Beispielstraße 4, 30165 Hannover (Demo)',
    languages: ['de'],
    description:
      'Die Gruppe meldet sich bei Ihnen und bietet Beratung und ein Trainingsprogramm für Männer an, die in der Partnerschaft Gewalt ausgeübt haben. Ziel ist, dass es nicht wieder passiert.',
  },
  'BTZ-TAEBEA': {
    tracks: ['PERPETRATOR'],
    genders: ['FEMALE', 'DIVERSE'],
    phone: '0511 0000 105',
    address: 'Beispielstraße 5, 30175 Hannover (Demo)',
    languages: ['de', 'en'],
    description:
      'TäBea im Beratungs- und Therapiezentrum meldet sich bei Ihnen und bietet Beratung für Frauen an, die in der Partnerschaft Gewalt ausgeübt haben.',
  },
};

/**
 * The responsibilities a fresh database starts with, from the cooperation agreements and as a directorate
 * would configure the perpetrator programmes (docs/decisions/0008-perpetrator-programme-routing.md):
 * victims: female and diverse -> the BISS of the place (the city's own BISS for Hannover, BISS Region
 * Hannover elsewhere), male -> Männerbüro; perpetrators: male -> Männerbüro in the city of Hannover, Die
 * Gruppe elsewhere; female and diverse -> TäBea.
 */
export function defaultPartnerCode(track: Track, gender: RuleGender, municipality: string): PartnerCode {
  const city = municipality === 'Hannover';
  if (track === 'VICTIM') return gender === 'MALE' ? 'MB-H' : city ? 'BISS-LHH' : 'BISS-REGION';
  return gender === 'MALE' ? (city ? 'MB-H' : 'GRUPPE') : 'BTZ-TAEBEA';
}

/**
 * One rule for every (track, gender, municipality) from `DEFAULT_RULES_VALID_FROM`, each with its first
 * history entry (by the seed: no actor). Only keys without any rule get one, so rules an admin changed are
 * never overwritten.
 */
async function seedDefaultRoutingRules(db: PrismaClient): Promise<void> {
  const partnerIds = new Map(
    (await db.partner.findMany({ select: { id: true, code: true } })).map((p) => [p.code, p.id]),
  );
  const municipalities = await db.municipality.findMany({ select: { id: true, name: true } });
  const existing = await db.routingRule.findMany({ select: { track: true, gender: true, municipalityId: true } });
  const has = new Set(existing.map((r) => `${r.track}|${r.gender}|${r.municipalityId}`));
  const missing = TRACKS.flatMap((track) =>
    municipalities.flatMap((m) =>
      RULE_GENDERS.filter((gender) => !has.has(`${track}|${gender}|${m.id}`)).map((gender) => ({
        track,
        gender,
        municipalityId: m.id,
        partnerId: partnerIds.get(defaultPartnerCode(track, gender, m.name))!,
        validFrom: DEFAULT_RULES_VALID_FROM,
      })),
    ),
  );
  if (missing.length === 0) return;
  const changeSetId = randomUUID();
  await db.$transaction(async (tx) => {
    const created = await tx.routingRule.createManyAndReturn({ data: missing, select: { id: true, validFrom: true } });
    await tx.routingRuleChange.createMany({
      data: created.map((r) => ({
        changeSetId,
        ruleId: r.id,
        version: 1,
        kind: 'CREATED' as const,
        validFrom: r.validFrom,
      })),
    });
  });
}

export type UserSpec = {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  stationCode?: string;
  inspectionCode?: string;
  partnerCode?: string;
  /** Base32 TOTP secret: the account starts with this second factor enrolled. */
  totpSecret?: string;
  /** Recovery codes (XXXX-XXXX-XXXX) the account starts with; stored as argon2id hashes like real ones. */
  recoveryCodes?: readonly string[];
};

/** argon2id hashes of recovery codes, computed once per process: the demo accounts share their codes. */
const recoveryCodeHashes = new Map<string, Promise<string>>();
function hashRecoveryCode(code: string): Promise<string> {
  let hash = recoveryCodeHashes.get(code);
  if (!hash) {
    hash = hashPassword(normaliseRecoveryCode(code)!);
    recoveryCodeHashes.set(code, hash);
  }
  return hash;
}

/**
 * Creates the account unless it exists (an existing account, and its password, is left alone). One repair:
 * an existing account whose second-factor secret no longer opens (sealed before the keyring, ADR 0006, or
 * under a key that is gone) gets the spec's secret again, so that the demo accounts keep working.
 */
export async function ensureUser(db: PrismaClient, spec: UserSpec): Promise<{ id: string }> {
  const email = spec.email.toLowerCase();
  const existing = await db.user.findUnique({ where: { email }, select: { id: true, mfaSecret: true } });
  if (existing) {
    if (spec.totpSecret && existing.mfaSecret && openTotpSecret(existing.id, existing.mfaSecret) === null) {
      await db.user.update({
        where: { id: existing.id },
        data: { mfaSecret: sealTotpSecret(existing.id, spec.totpSecret), mfaLastStep: null },
      });
    }
    return { id: existing.id };
  }
  const [station, inspection, partner] = await Promise.all([
    spec.stationCode ? db.station.findUniqueOrThrow({ where: { code: spec.stationCode }, select: { id: true } }) : null,
    spec.inspectionCode
      ? db.inspection.findUniqueOrThrow({ where: { code: spec.inspectionCode }, select: { id: true } })
      : null,
    spec.partnerCode ? db.partner.findUniqueOrThrow({ where: { code: spec.partnerCode }, select: { id: true } }) : null,
  ]);
  // The id is chosen here because the sealed TOTP secret is bound to it.
  const id = randomUUID();
  return db.user.create({
    data: {
      id,
      email,
      displayName: spec.displayName,
      role: spec.role,
      passwordHash: await hashPassword(spec.password),
      stationId: station?.id ?? null,
      inspectionId: inspection?.id ?? null,
      partnerId: partner?.id ?? null,
      ...(spec.totpSecret ? { mfaSecret: sealTotpSecret(id, spec.totpSecret), mfaEnabledAt: new Date() } : {}),
      ...(spec.recoveryCodes?.length
        ? {
            recoveryCodes: {
              create: await Promise.all(
                spec.recoveryCodes.map(async (code) => ({ codeHash: await hashRecoveryCode(code) })),
              ),
            },
          }
        : {}),
    },
    select: { id: true },
  });
}

/** Demo accounts, one per role (README). Never created in production. */
export const DEMO_PASSWORD = 'Demo-Passwort-2026';

/**
 * The TOTP secret the demo accounts that need a second factor start with (README: add it to an
 * authenticator app, or print the current code with `npm run demo:totp`). Public, like the password.
 */
export const DEMO_TOTP_SECRET = 'DEMOTOTPVERMITTLUNGHANNOVERZWEIA';

/**
 * The recovery codes every demo account with a second factor starts with (README), so that trying the demo
 * shows how a lost phone is handled. Each works once per account. Public, like the password.
 */
export const DEMO_RECOVERY_CODES = [
  'DEMA-2345-AAAA',
  'DEMA-2345-BBBB',
  'DEMA-2345-CCCC',
  'DEMA-2345-DDDD',
  'DEMA-2345-EEEE',
  'DEMA-2345-FFFF',
  'DEMA-2345-GGGG',
  'DEMA-2345-HHHH',
  'DEMA-2345-JJJJ',
  'DEMA-2345-KKKK',
] as const;

export const DEMO_USERS: UserSpec[] = [
  {
    email: 'officer@polizei.example',
    displayName: 'POK Jana Berger (Demo)',
    role: 'OFFICER',
    password: DEMO_PASSWORD,
    stationCode: 'PK-GARBSEN',
  },
  {
    email: 'supervisor@polizei.example',
    displayName: 'PHK Tobias Keller (Demo)',
    role: 'SUPERVISOR',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
    inspectionCode: 'PI-GAR',
  },
  {
    // A second supervisor for the four-eyes journey: scoped to one station of the same inspection.
    email: 'schichtleitung@polizei.example',
    displayName: 'PHKin Nadine Roth (Demo)',
    role: 'SUPERVISOR',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
    stationCode: 'PK-GARBSEN',
  },
  {
    // A supervisor of another inspection: sees none of Garbsen's referrals.
    email: 'supervisor.hannover@polizei.example',
    displayName: 'PHK Stefan Brandes (Demo)',
    role: 'SUPERVISOR',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
    inspectionCode: 'PI-H',
  },
  {
    email: 'admin@polizei.example',
    displayName: 'Sabine Wolff (Demo)',
    role: 'ADMIN',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
  },
  {
    email: 'biss@partner.example',
    displayName: 'Miriam Yilmaz (Demo)',
    role: 'PARTNER',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
    partnerCode: 'BISS-REGION',
  },
  {
    email: 'maennerbuero@partner.example',
    displayName: 'Jonas Brandt (Demo)',
    role: 'PARTNER',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
    partnerCode: 'MB-H',
  },
  {
    email: 'auditor@polizei.example',
    displayName: 'Dr. Petra Lange (Demo)',
    role: 'AUDITOR',
    password: DEMO_PASSWORD,
    totpSecret: DEMO_TOTP_SECRET,
    recoveryCodes: DEMO_RECOVERY_CODES,
  },
];

/**
 * A complete consented referral as the officer's form submits it (the server action's argument): the
 * benchmarks send it over HTTP, tests call the action with it. A callout an hour ago, in Europe/Berlin,
 * consent given verbally half an hour later; everything optional left out.
 */
export function consentedSubmission(
  municipalityId: string,
  overrides: Partial<ReferralFormInput> = {},
): ReferralFormInput {
  return {
    consent: 'yes',
    consentMethod: 'VERBAL',
    consentAt: instantToBerlinLocal(new Date(Date.now() - 1_800_000)),
    idempotencyKey: randomUUID(),
    incidentAt: instantToBerlinLocal(new Date(Date.now() - 3_600_000)),
    municipalityId,
    gender: 'FEMALE',
    caseNumber: '2026/004711',
    firstName: 'Marie',
    lastName: 'Schneider',
    ageBand: 'FROM_27_TO_39',
    language: 'de',
    phone: '0511 9876543',
    safeTimes: ['ANYTIME'],
    otherPartyMayAnswer: 'no',
    ...overrides,
  };
}

/**
 * A referral with every section of the form filled in, the perpetrator's part included (with that person's
 * own consent): date of birth, safe times, letters to an address, children, a Wegweisung, the risk
 * checklist, a note. Built on `consentedSubmission`, so the two stay in step.
 */
export function completeSubmission(
  municipalityId: string,
  overrides: Partial<ReferralFormInput> = {},
): ReferralFormInput {
  const incident = new Date(Date.now() - 3_600_000);
  const { ageBand: _ageBand, ...consented } = consentedSubmission(municipalityId);
  return {
    ...consented,
    incidentAt: instantToBerlinLocal(incident),
    caseNumber: '2026/004711',
    firstName: 'Marlene',
    lastName: 'Quastenberg',
    birthDate: '1987-03-14',
    language: 'tr',
    interpreter: true,
    phone: '0511 9876543',
    safeTimes: ['MORNING', 'EVENING'],
    channels: ['SMS', 'LETTER'],
    otherPartyMayAnswer: 'no',
    street: 'Lindenallee 17',
    postalCode: '30827',
    city: 'Berenbostel',
    childrenCount: '2',
    childAgeBands: ['UNDER_3', 'FROM_6_TO_11'],
    youthOfficeInformed: 'yes',
    wegweisung: true,
    wegweisungUntil: addDays(berlinDateOf(incident), 10),
    contactBan: true,
    protectionActInformed: true,
    riskIndicators: ['STRANGULATION', 'STALKING'],
    officerJudgesHighRisk: false,
    note: 'Schlüssel liegt bei der Nachbarin Okonkwo im Erdgeschoss.',
    perpetrator: true,
    perpetratorFirstName: 'Bogdan',
    perpetratorLastName: 'Wendeborn',
    perpetratorGender: 'MALE',
    perpetratorPhone: '0171 2345678',
    perpetratorConsentMethod: 'SIGNED',
    perpetratorConsentAt: instantToBerlinLocal(new Date(Date.now() - 1_200_000)),
    ...overrides,
  };
}
