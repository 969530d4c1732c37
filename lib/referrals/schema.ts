import { z } from 'zod/mini';

import { isHighRisk } from '@/lib/referrals/risk';
import {
  AGE_BANDS,
  CHILD_AGE_BANDS,
  CONSENT_ANSWERS,
  CONSENT_METHODS,
  CONTACT_CHANNELS,
  GENDERS,
  MAX_CHILDREN,
  MAX_LENGTH,
  MAX_WEGWEISUNG_DAYS,
  RISK_INDICATORS,
  SAFE_TIMES,
  YES_NO,
  type AgeBand,
  type ChildAgeBand,
  type ConsentMethod,
  type ContactChannel,
  type GenderValue,
  type RiskIndicator,
  type SafeTime,
} from '@/lib/referrals/values';
import { OVERRIDE_REASONS, type OverrideReasonValue } from '@/lib/routing/values';
import { berlinDateOf, berlinLocalToInstant, instantOf, type Fold } from '@/lib/time/berlin';
import { toE164 } from '@/lib/validation/phone';
import { cleanText, personName } from '@/lib/validation/text';
import { LANGUAGE_CODES, type LanguageCode } from '@/lib/partners/languages';

/**
 * The referral form (DESIGN.md section 4): one schema for react-hook-form in the browser and the server
 * action; the server is the authority. Messages are keys of the `errors` namespace.
 *
 * The input is one flat, strict object (every field the form can send, and nothing else: an unknown key is
 * refused, never dropped), so that an empty form reports every problem at once. The output is the
 * structured draft the service stores: the case, the victim's track and, with that person's own consent,
 * the perpetrator's track. Without consent nothing personal may arrive at all.
 */

/** What the directorate configures (README, "Configuration"): the Vorgangsnummer format, statutory bases. */
export type ReferralFormConfig = {
  /** Regular expression (source) a Vorgangsnummer must match as a whole. */
  caseNumberPattern: string;
  /** References of the statutory bases an officer may select instead of consent; empty: consent only. */
  legalBases: readonly string[];
};

/** Earliest callout a referral may still be filed for, and tolerance for clocks running ahead. */
export const MAX_INCIDENT_AGE_DAYS = 30;
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** A plausible date of birth: the person is at least 14 and at most 110 years old. */
const AGE_RANGE = { min: 14, max: 110 } as const;

const FOLDS = ['earlier', 'later'] as const;

const localDateTime = z.string({ error: 'errors.required' }).check(
  z.minLength(1, { error: 'errors.required', abort: true }),
  z.superRefine((value: string, ctx) => {
    const result = berlinLocalToInstant(value);
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: result.reason === 'NONEXISTENT' ? 'errors.timeNonexistent' : 'errors.dateTimeFormat',
      });
    }
  }),
);

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(value: string): boolean {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

const calendarDate = z
  .string({ error: 'errors.required' })
  .check(
    z.minLength(1, { error: 'errors.required', abort: true }),
    z.refine(isRealDate, { error: 'errors.dateFormat', abort: true }),
  );

/** Full years between two `YYYY-MM-DD` dates. */
function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

const birthDate = calendarDate.check(
  z.refine(
    (value: string) => {
      const age = yearsBetween(value, berlinDateOf(new Date()));
      return age >= AGE_RANGE.min && age <= AGE_RANGE.max;
    },
    { error: 'errors.birthDateImplausible' },
  ),
);

/**
 * A phone number in German or international notation, stored normalised (E.164, "+495111234567"): the most
 * common failure in practice is a wrong number, so a number that cannot exist is refused where it is typed.
 */
export function phoneNumber(max: number = MAX_LENGTH.phone) {
  return cleanText({ max, format: { test: (s) => toE164(s) !== null, error: 'errors.phoneFormat' } }).check(
    z.overwrite((s: string) => toE164(s) ?? s),
  );
}

const uuid = (error: string) => z.uuid({ error }).check(z.toLowerCase());
const yesNo = (error = 'errors.choiceRequired') => z.enum(YES_NO, { error });

/** A set of values from a list (checkboxes): no duplicates, nothing outside the list. */
function setOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.array(z.enum(values, { error: 'errors.invalid' }), { error: 'errors.invalid' }).check(
    z.maxLength(values.length, { error: 'errors.invalid' }),
    z.refine((list: readonly string[]) => new Set(list).size === list.length, { error: 'errors.invalid' }),
  );
}

function inputSchema(config: ReferralFormConfig) {
  const casePattern = new RegExp(`^(?:${config.caseNumberPattern})$`);
  return z.strictObject({
    idempotencyKey: uuid('errors.reload'),
    // Incident
    caseNumber: z.optional(
      cleanText({
        max: MAX_LENGTH.caseNumber,
        format: { test: (s) => casePattern.test(s), error: 'errors.caseNumberFormat' },
      }),
    ),
    incidentAt: localDateTime,
    incidentAtFold: z.optional(z.enum(FOLDS, { error: 'errors.foldRequired' })),
    municipalityId: uuid('errors.municipalityRequired'),
    // Affected person
    gender: z.enum(GENDERS, { error: 'errors.genderRequired' }),
    firstName: z.optional(personName(MAX_LENGTH.name)),
    lastName: z.optional(personName(MAX_LENGTH.name)),
    birthDate: z.optional(birthDate),
    ageBand: z.optional(z.enum(AGE_BANDS, { error: 'errors.invalid' })),
    language: z.optional(z.enum(LANGUAGE_CODES, { error: 'errors.invalid' })),
    interpreter: z.optional(z.boolean({ error: 'errors.invalid' })),
    // Safe contact
    phone: z.optional(phoneNumber()),
    safeTimes: z.optional(setOf(SAFE_TIMES)),
    channels: z.optional(setOf(CONTACT_CHANNELS)),
    otherPartyMayAnswer: z.optional(yesNo()),
    street: z.optional(cleanText({ max: MAX_LENGTH.street })),
    postalCode: z.optional(
      cleanText({ max: 5, format: { test: (s) => /^[0-9]{5}$/.test(s), error: 'errors.postalCodeFormat' } }),
    ),
    city: z.optional(personName(MAX_LENGTH.city)),
    // Where the referral goes (routing)
    preferredPartnerId: z.optional(uuid('errors.preferenceRequired')),
    overridePartnerId: z.optional(uuid('errors.overridePartnerRequired')),
    overrideReason: z.optional(z.enum(OVERRIDE_REASONS, { error: 'errors.overrideReasonRequired' })),
    // Household
    childrenCount: z.optional(
      z
        .string({ error: 'errors.invalid' })
        .check(z.refine((s: string) => /^(?:0|[1-9][0-9]?)$/.test(s) && +s <= MAX_CHILDREN, 'errors.invalid')),
    ),
    childAgeBands: z.optional(setOf(CHILD_AGE_BANDS)),
    youthOfficeInformed: z.optional(yesNo()),
    // Police measures
    wegweisung: z.optional(z.boolean({ error: 'errors.invalid' })),
    wegweisungUntil: z.optional(calendarDate),
    contactBan: z.optional(z.boolean({ error: 'errors.invalid' })),
    protectionActInformed: z.optional(z.boolean({ error: 'errors.invalid' })),
    // Risk
    riskIndicators: z.optional(setOf(RISK_INDICATORS)),
    officerJudgesHighRisk: z.optional(z.boolean({ error: 'errors.invalid' })),
    // Consent and legal basis
    consent: z.enum(CONSENT_ANSWERS, { error: 'errors.consentRequired' }),
    consentMethod: z.optional(z.enum(CONSENT_METHODS, { error: 'errors.consentMethodRequired' })),
    consentAt: z.optional(localDateTime),
    consentAtFold: z.optional(z.enum(FOLDS, { error: 'errors.foldRequired' })),
    legalBasis: z.optional(
      z
        .string({ error: 'errors.legalBasisRequired' })
        .check(z.refine((s: string) => config.legalBases.includes(s), { error: 'errors.legalBasisRequired' })),
    ),
    // Note
    note: z.optional(cleanText({ max: MAX_LENGTH.note, multiline: true, allowEmpty: true })),
    // Perpetrator (optional, own consent)
    perpetrator: z.optional(z.boolean({ error: 'errors.invalid' })),
    perpetratorFirstName: z.optional(personName(MAX_LENGTH.name)),
    perpetratorLastName: z.optional(personName(MAX_LENGTH.name)),
    perpetratorGender: z.optional(z.enum(GENDERS, { error: 'errors.genderRequired' })),
    perpetratorPhone: z.optional(phoneNumber()),
    perpetratorConsentMethod: z.optional(z.enum(CONSENT_METHODS, { error: 'errors.consentMethodRequired' })),
    perpetratorConsentAt: z.optional(localDateTime),
    perpetratorConsentAtFold: z.optional(z.enum(FOLDS, { error: 'errors.foldRequired' })),
    perpetratorPreferredPartnerId: z.optional(uuid('errors.preferenceRequired')),
    perpetratorOverridePartnerId: z.optional(uuid('errors.overridePartnerRequired')),
    perpetratorOverrideReason: z.optional(z.enum(OVERRIDE_REASONS, { error: 'errors.overrideReasonRequired' })),
    // The officer saw the warning about a likely duplicate (same Vorgangsnummer and person) and sends anyway.
    confirmDuplicate: z.optional(z.boolean({ error: 'errors.invalid' })),
    // A correction of an own referral names it and the version it was made on (`mode: 'correction'` only).
    referralId: z.optional(uuid('errors.reload')),
    referralVersion: z.optional(
      z
        .number({ error: 'errors.reload' })
        .check(z.int({ error: 'errors.reload' }), z.positive({ error: 'errors.reload' })),
    ),
  });
}

/** What the officer's form sends (every field of every section; hidden sections send nothing). */
export type ReferralFormInput = z.input<ReturnType<typeof inputSchema>>;
type Parsed = z.output<ReturnType<typeof inputSchema>>;
type FieldName = keyof Parsed;

/** The person's own data on the victim track, sealed in ReferralTrack.person. */
export type VictimPerson = {
  firstName: string;
  lastName: string;
  birthDate: string | null;
  ageBand: AgeBand | null;
  language: LanguageCode;
  interpreter: boolean;
  phone: string;
  safeTimes: SafeTime[];
  otherPartyMayAnswer: boolean;
  address: { street: string; postalCode: string; city: string } | null;
};

/** The perpetrator's own data, sealed in their ReferralTrack.person. */
export type PerpetratorPerson = { firstName: string; lastName: string; phone: string };

/** The case's sections, sealed in Referral.details. */
export type ReferralDetails = {
  caseNumber: string;
  household: { children: number; childAgeBands: ChildAgeBand[]; youthOfficeInformed: boolean | null };
  measures: { wegweisungUntil: string | null; contactBan: boolean; protectionActInformed: boolean };
  risk: { indicators: RiskIndicator[]; officerJudgesHighRisk: boolean };
  note: string | null;
};

export type LawfulBasisDraft =
  { kind: 'CONSENT'; method: ConsentMethod; givenAt: string; fold?: Fold } | { kind: 'LEGAL_BASIS'; reference: string };

export type RoutingWish = {
  preferredPartnerId?: string;
  /** The officer's override (DESIGN.md section 5): another active partner of the track, with a reason code. */
  override?: { partnerId: string; reason: OverrideReasonValue };
};

export type TrackDraft<P> = {
  gender: GenderValue;
  lawfulBasis: LawfulBasisDraft;
  channels: ContactChannel[];
  routing: RoutingWish;
  person: P;
};

/** A referral with consent (or a statutory basis), as the service stores it. */
export type ReferralDraft = {
  consent: 'yes';
  idempotencyKey: string;
  incidentAt: string;
  incidentAtFold?: Fold;
  municipalityId: string;
  highRisk: boolean;
  details: ReferralDetails;
  victim: TrackDraft<VictimPerson>;
  perpetrator: TrackDraft<PerpetratorPerson> | null;
  /** Sent although the form warned of a likely duplicate. */
  confirmDuplicate: boolean;
  /** For a correction: the referral and the version the officer corrected. */
  correction?: { referralId: string; version: number };
};

/** Consent refused: only what the anonymous statistic needs (date, municipality, gender; station from the officer). */
export type DeclinedOfferInput = {
  consent: 'no';
  idempotencyKey: string;
  incidentAt: string;
  incidentAtFold?: Fold;
  municipalityId: string;
  gender: GenderValue;
};

export type ReferralSubmission = ReferralDraft | DeclinedOfferInput;

/** Fields a declined offer may carry; every other field is personal or only meaningful with consent. */
const CORRECTION_FIELDS: readonly FieldName[] = ['referralId', 'referralVersion'];
const DECLINED_FIELDS: readonly FieldName[] = [
  'idempotencyKey',
  'incidentAt',
  'incidentAtFold',
  'municipalityId',
  'gender',
  'consent',
];
const REQUIRED_WITH_CONSENT: readonly FieldName[] = [
  'caseNumber',
  'firstName',
  'lastName',
  'language',
  'phone',
  'otherPartyMayAnswer',
];
const PERPETRATOR_FIELDS: readonly FieldName[] = [
  'perpetratorFirstName',
  'perpetratorLastName',
  'perpetratorGender',
  'perpetratorPhone',
  'perpetratorConsentMethod',
  'perpetratorConsentAt',
  'perpetratorConsentAtFold',
  'perpetratorPreferredPartnerId',
  'perpetratorOverridePartnerId',
  'perpetratorOverrideReason',
];
const REQUIRED_FOR_PERPETRATOR: readonly FieldName[] = [
  'perpetratorFirstName',
  'perpetratorLastName',
  'perpetratorGender',
  'perpetratorPhone',
  'perpetratorConsentMethod',
  'perpetratorConsentAt',
];

type Ctx = { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void };
type Values = Partial<Record<FieldName, unknown>>;

/** Whether a field was answered: a radio group nobody answered sends null from the browser. */
const isGiven = (values: Values, field: FieldName) => values[field] !== undefined && values[field] !== null;

/** What a missing answer is told: a choice is chosen, a text is filled in. */
const MISSING: Partial<Record<FieldName, string>> = {
  language: 'errors.choiceRequired',
  otherPartyMayAnswer: 'errors.choiceRequired',
  youthOfficeInformed: 'errors.choiceRequired',
  perpetratorGender: 'errors.genderRequired',
  perpetratorConsentMethod: 'errors.consentMethodRequired',
};
const missing = (field: FieldName) => MISSING[field] ?? 'errors.required';

const issue = (ctx: Ctx, field: FieldName, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });

/** An ambiguous or out-of-range time; `notBefore` / `notAfter` bound it. */
function checkTime(
  ctx: Ctx,
  values: Values,
  field: 'incidentAt' | 'consentAt' | 'perpetratorConsentAt',
  bounds: { notBefore?: Date | null; notAfter: Date; tooEarly: string; tooLate: string },
): Date | null {
  const local = values[field];
  if (typeof local !== 'string') return null;
  const result = berlinLocalToInstant(local);
  if (!result.ok) return null;
  const foldField = `${field}Fold` as FieldName;
  const fold = values[foldField];
  if (result.ambiguous && fold == null) issue(ctx, foldField, 'errors.foldRequired');
  if (!result.ambiguous && fold != null) issue(ctx, foldField, 'errors.foldNotAmbiguous');
  const instant = instantOf(local, fold === 'later' ? 'later' : 'earlier')!;
  if (instant > bounds.notAfter) issue(ctx, field, bounds.tooLate);
  if (bounds.notBefore && instant < bounds.notBefore) issue(ctx, field, bounds.tooEarly);
  return instant;
}

/** The routing part of one track: a preference only for "not stated", an override complete or absent. */
function checkRouting(
  ctx: Ctx,
  values: Values,
  fields: { gender: FieldName; preferred: FieldName; partner: FieldName; reason: FieldName },
) {
  const given = (field: FieldName) => isGiven(values, field);
  const override = given(fields.partner) || given(fields.reason);
  if (override && !given(fields.partner)) issue(ctx, fields.partner, 'errors.overridePartnerRequired');
  if (override && !given(fields.reason)) issue(ctx, fields.reason, 'errors.overrideReasonRequired');
  // An override replaces the person's choice among the responsible services: one or the other.
  const notStated = values[fields.gender] === 'NOT_STATED';
  if (notStated && !given(fields.preferred) && !override) {
    issue(ctx, fields.preferred, 'errors.preferenceRequired');
  }
  if ((!notStated || override) && given(fields.preferred)) {
    issue(ctx, fields.preferred, 'errors.preferenceOnlyWhenNotStated');
  }
}

/**
 * The rules between fields. They also run over raw form values (`referralCrossFieldRules`), so they read
 * only what they check and never trust a value's type.
 */
function crossFieldRules(config: ReferralFormConfig, mode: Mode) {
  return (values: Values, ctx: Ctx) => {
    const present = (field: FieldName) => isGiven(values, field);
    // A correction names its referral; a new referral names none.
    for (const field of CORRECTION_FIELDS) {
      if (mode === 'correction' && !present(field)) issue(ctx, field, 'errors.reload');
      if (mode === 'create' && present(field)) issue(ctx, field, 'errors.unknownField');
    }
    if (mode === 'correction' && values.consent === 'no') issue(ctx, 'consent', 'errors.correctionCannotDecline');
    const now = Date.now();
    const incident = checkTime(ctx, values, 'incidentAt', {
      notBefore: new Date(now - MAX_INCIDENT_AGE_DAYS * DAY_MS),
      notAfter: new Date(now + CLOCK_SKEW_MS),
      tooEarly: 'errors.incidentTooOld',
      tooLate: 'errors.incidentInFuture',
    });
    if (values.consent === 'no') {
      // Without consent nothing personal may arrive: rejected, never silently dropped.
      for (const field of Object.keys(values) as FieldName[]) {
        if (!DECLINED_FIELDS.includes(field) && present(field)) issue(ctx, field, 'errors.notWithoutConsent');
      }
      return;
    }
    if (values.consent !== 'yes' && values.consent !== 'legalBasis') return;
    for (const field of REQUIRED_WITH_CONSENT) if (!present(field)) issue(ctx, field, missing(field));

    // Consent with its method and stated time, or a configured statutory basis.
    if (values.consent === 'yes') {
      if (!present('consentMethod')) issue(ctx, 'consentMethod', 'errors.consentMethodRequired');
      if (!present('consentAt')) issue(ctx, 'consentAt', 'errors.required');
      if (present('legalBasis')) issue(ctx, 'legalBasis', 'errors.notWithConsent');
      checkTime(ctx, values, 'consentAt', {
        notBefore: incident,
        notAfter: new Date(now + CLOCK_SKEW_MS),
        tooEarly: 'errors.consentBeforeIncident',
        tooLate: 'errors.consentInFuture',
      });
    } else if (values.consent === 'legalBasis') {
      if (config.legalBases.length === 0) issue(ctx, 'consent', 'errors.legalBasisDisabled');
      if (!present('legalBasis')) issue(ctx, 'legalBasis', 'errors.legalBasisRequired');
      for (const field of ['consentMethod', 'consentAt', 'consentAtFold'] as const) {
        if (present(field)) issue(ctx, field, 'errors.notWithLegalBasis');
      }
    }

    // Date of birth or age band: one of them.
    if (!present('birthDate') && !present('ageBand')) issue(ctx, 'birthDate', 'errors.birthDateOrAgeBand');
    if (present('birthDate') && present('ageBand')) issue(ctx, 'ageBand', 'errors.birthDateOrAgeBandNotBoth');

    // Safe contact: at least one safe time, ANYTIME alone; an address only where letters are allowed.
    const safeTimes = Array.isArray(values.safeTimes) ? values.safeTimes : [];
    if (safeTimes.length === 0) issue(ctx, 'safeTimes', 'errors.safeTimesRequired');
    if (safeTimes.includes('ANYTIME') && safeTimes.length > 1) issue(ctx, 'safeTimes', 'errors.anytimeAlone');
    const letters = Array.isArray(values.channels) && values.channels.includes('LETTER');
    for (const field of ['street', 'postalCode', 'city'] as const) {
      if (letters && !present(field)) issue(ctx, field, 'errors.required');
      if (!letters && present(field)) issue(ctx, field, 'errors.addressOnlyForLetters');
    }

    checkRouting(ctx, values, {
      gender: 'gender',
      preferred: 'preferredPartnerId',
      partner: 'overridePartnerId',
      reason: 'overrideReason',
    });

    // Household: age bands and the youth welfare office only with children.
    const children = typeof values.childrenCount === 'string' ? Number(values.childrenCount) : 0;
    if (children > 0) {
      if (!Array.isArray(values.childAgeBands) || values.childAgeBands.length === 0) {
        issue(ctx, 'childAgeBands', 'errors.childAgeBandsRequired');
      }
      if (!present('youthOfficeInformed')) issue(ctx, 'youthOfficeInformed', missing('youthOfficeInformed'));
    } else {
      if (Array.isArray(values.childAgeBands) && values.childAgeBands.length > 0) {
        issue(ctx, 'childAgeBands', 'errors.onlyWithChildren');
      }
      if (present('youthOfficeInformed')) issue(ctx, 'youthOfficeInformed', 'errors.onlyWithChildren');
    }

    // Wegweisung: its end not before the callout's day and at most 14 days after it.
    if (values.wegweisung === true) {
      if (!present('wegweisungUntil')) issue(ctx, 'wegweisungUntil', 'errors.required');
      else if (incident && typeof values.wegweisungUntil === 'string' && isRealDate(values.wegweisungUntil)) {
        const start = berlinDateOf(incident);
        const days = (Date.parse(values.wegweisungUntil) - Date.parse(start)) / DAY_MS;
        if (days < 0) issue(ctx, 'wegweisungUntil', 'errors.wegweisungBeforeIncident');
        if (days > MAX_WEGWEISUNG_DAYS) issue(ctx, 'wegweisungUntil', 'errors.wegweisungTooLong');
      }
    } else if (present('wegweisungUntil')) {
      issue(ctx, 'wegweisungUntil', 'errors.onlyWithWegweisung');
    }

    // The perpetrator part: complete with that person's own consent, or absent.
    if (values.perpetrator === true) {
      for (const field of REQUIRED_FOR_PERPETRATOR) if (!present(field)) issue(ctx, field, missing(field));
      checkTime(ctx, values, 'perpetratorConsentAt', {
        notBefore: incident,
        notAfter: new Date(now + CLOCK_SKEW_MS),
        tooEarly: 'errors.consentBeforeIncident',
        tooLate: 'errors.consentInFuture',
      });
      checkRouting(ctx, values, {
        gender: 'perpetratorGender',
        preferred: 'perpetratorPreferredPartnerId',
        partner: 'perpetratorOverridePartnerId',
        reason: 'perpetratorOverrideReason',
      });
    } else {
      for (const field of PERPETRATOR_FIELDS) if (present(field)) issue(ctx, field, 'errors.onlyWithPerpetrator');
    }
  };
}

function routingWish(preferred?: string, partnerId?: string, reason?: OverrideReasonValue): RoutingWish {
  return {
    ...(preferred && { preferredPartnerId: preferred }),
    ...(partnerId && reason && { override: { partnerId, reason } }),
  };
}

/** The validated flat input as the service's structured submission (the rules above have held). */
function toSubmission(v: Parsed): ReferralSubmission {
  const { idempotencyKey, incidentAt, incidentAtFold, municipalityId, gender } = v;
  const incident = { idempotencyKey, incidentAt, ...(incidentAtFold && { incidentAtFold }), municipalityId };
  if (v.consent === 'no') return { consent: 'no', ...incident, gender };
  const indicators = v.riskIndicators ?? [];
  const officerJudgesHighRisk = v.officerJudgesHighRisk ?? false;
  const children = Number(v.childrenCount ?? '0');
  const consentOf = (method?: ConsentMethod, givenAt?: string, fold?: Fold): LawfulBasisDraft => ({
    kind: 'CONSENT',
    method: method!,
    givenAt: givenAt!,
    ...(fold && { fold }),
  });
  return {
    consent: 'yes',
    ...incident,
    confirmDuplicate: v.confirmDuplicate ?? false,
    ...(v.referralId && v.referralVersion && { correction: { referralId: v.referralId, version: v.referralVersion } }),
    highRisk: isHighRisk(indicators, officerJudgesHighRisk),
    details: {
      caseNumber: v.caseNumber!,
      household: {
        children,
        childAgeBands: v.childAgeBands ?? [],
        youthOfficeInformed: children > 0 ? v.youthOfficeInformed === 'yes' : null,
      },
      measures: {
        wegweisungUntil: v.wegweisung ? v.wegweisungUntil! : null,
        contactBan: v.contactBan ?? false,
        protectionActInformed: v.protectionActInformed ?? false,
      },
      risk: { indicators, officerJudgesHighRisk },
      note: v.note ? v.note : null,
    },
    victim: {
      gender,
      lawfulBasis:
        v.consent === 'legalBasis'
          ? { kind: 'LEGAL_BASIS', reference: v.legalBasis! }
          : consentOf(v.consentMethod, v.consentAt, v.consentAtFold),
      channels: v.channels ?? [],
      routing: routingWish(v.preferredPartnerId, v.overridePartnerId, v.overrideReason),
      person: {
        firstName: v.firstName!,
        lastName: v.lastName!,
        birthDate: v.birthDate ?? null,
        ageBand: v.ageBand ?? null,
        language: v.language!,
        interpreter: v.interpreter ?? false,
        phone: v.phone!,
        safeTimes: v.safeTimes ?? [],
        otherPartyMayAnswer: v.otherPartyMayAnswer === 'yes',
        address:
          v.street && v.postalCode && v.city ? { street: v.street, postalCode: v.postalCode, city: v.city } : null,
      },
    },
    perpetrator: v.perpetrator
      ? {
          gender: v.perpetratorGender!,
          lawfulBasis: consentOf(v.perpetratorConsentMethod, v.perpetratorConsentAt, v.perpetratorConsentAtFold),
          channels: [],
          routing: routingWish(
            v.perpetratorPreferredPartnerId,
            v.perpetratorOverridePartnerId,
            v.perpetratorOverrideReason,
          ),
          person: { firstName: v.perpetratorFirstName!, lastName: v.perpetratorLastName!, phone: v.perpetratorPhone! },
        }
      : null,
  };
}

/** The form's schema for a directorate's configuration: flat input in, structured submission out. */
/** A new referral, or the correction of an own one (which names it and cannot become a declined offer). */
export type Mode = 'create' | 'correction';

export function referralSubmission(config: ReferralFormConfig, mode: Mode = 'create') {
  const rules = crossFieldRules(config, mode);
  return z.pipe(
    inputSchema(config).check(z.superRefine((values, ctx) => rules(values as Values, ctx as unknown as Ctx))),
    z.transform(toSubmission),
  );
}

/**
 * The rules between fields on their own, over the raw form values: zod runs an object's own checks only once
 * every field passed, and the form shows every problem at once (components/forms/schema-resolver.ts,
 * `alsoChecking`). The server needs no such thing: it answers with what `referralSubmission` finds.
 */
export function referralCrossFieldRules(config: ReferralFormConfig, mode: Mode = 'create') {
  const rules = crossFieldRules(config, mode);
  return z.unknown().check(
    z.superRefine((values, ctx) => {
      if (typeof values === 'object' && values !== null && !Array.isArray(values)) {
        rules(values as Values, ctx as unknown as Ctx);
      }
    }),
  );
}
