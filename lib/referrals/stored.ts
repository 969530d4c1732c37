import 'server-only';

import type { Prisma } from '@/lib/generated/prisma/client';
import type {
  LawfulBasisDraft,
  PerpetratorPerson,
  ReferralDetails,
  ReferralDraft,
  ReferralFormInput,
  RoutingWish,
  TrackDraft,
  VictimPerson,
} from '@/lib/referrals/schema';
import { openReferral } from '@/lib/referrals/sealed';
import { berlinLocalToInstant, instantToBerlinLocal, type Fold } from '@/lib/time/berlin';
import { displayPhone } from '@/lib/validation/phone';

/**
 * A stored referral read back (ADR 0009): opened with its data key into the structure the form produced,
 * for the officer's own view, the correction form and the comparison a correction is audited with.
 */
export const STORED_REFERRAL_SELECT = {
  id: true,
  status: true,
  version: true,
  dataKey: true,
  details: true,
  incidentAt: true,
  municipalityId: true,
  highRisk: true,
  idempotencyKey: true,
  tracks: {
    orderBy: { track: 'asc' },
    select: {
      track: true,
      status: true,
      gender: true,
      partnerId: true,
      partner: { select: { name: true } },
      routingReason: true,
      overrideReason: true,
      lawfulBasis: true,
      consentMethod: true,
      consentGivenAt: true,
      legalBasis: true,
      channels: true,
      person: true,
      deliveryTroubleAt: true,
    },
  },
} satisfies Prisma.ReferralSelect;

export type StoredRow = Prisma.ReferralGetPayload<{ select: typeof STORED_REFERRAL_SELECT }>;
type StoredTrack = StoredRow['tracks'][number];

/** A stored referral opened: the draft it was made from (null parts where its data can no longer be opened). */
export type StoredReferral = Omit<ReferralDraft, 'details' | 'victim' | 'perpetrator' | 'consent'> & {
  details: ReferralDetails | null;
  victim: TrackDraft<VictimPerson | null> | null;
  perpetrator: TrackDraft<PerpetratorPerson | null> | null;
};

/** A stored instant as the wall-clock time the officer typed, with the fold where that time happened twice. */
export function localTimeOf(instant: Date): { local: string; fold?: Fold } {
  const local = instantToBerlinLocal(instant);
  const read = berlinLocalToInstant(local);
  if (!read.ok || !read.ambiguous) return { local };
  return { local, fold: read.instant.getTime() === instant.getTime() ? 'earlier' : 'later' };
}

function lawfulBasisOf(track: StoredTrack): LawfulBasisDraft {
  if (track.lawfulBasis === 'LEGAL_BASIS') return { kind: 'LEGAL_BASIS', reference: track.legalBasis ?? '' };
  const { local, fold } = localTimeOf(track.consentGivenAt ?? new Date(0));
  return { kind: 'CONSENT', method: track.consentMethod ?? 'VERBAL', givenAt: local, ...(fold && { fold }) };
}

function routingOf(track: StoredTrack): RoutingWish {
  if (track.routingReason === 'OVERRIDE' && track.overrideReason) {
    return { override: { partnerId: track.partnerId, reason: track.overrideReason } };
  }
  return track.routingReason === 'PERSON_PREFERENCE' ? { preferredPartnerId: track.partnerId } : {};
}

export function storedDraft(row: StoredRow): StoredReferral {
  const opened = openReferral(row);
  const trackOf = <P>(track: StoredTrack | undefined): TrackDraft<P | null> | null =>
    track
      ? {
          gender: track.gender,
          lawfulBasis: lawfulBasisOf(track),
          channels: track.channels,
          routing: routingOf(track),
          person: opened.person<P>(track.track, track.person),
        }
      : null;
  const { local, fold } = localTimeOf(row.incidentAt);
  return {
    idempotencyKey: row.idempotencyKey,
    incidentAt: local,
    ...(fold && { incidentAtFold: fold }),
    municipalityId: row.municipalityId,
    highRisk: row.highRisk,
    confirmDuplicate: false,
    details: opened.details,
    victim: trackOf<VictimPerson>(row.tracks.find((t) => t.track === 'VICTIM')),
    // A delivery whose consent was withdrawn is over: its person is erased, and a correction leaves it alone.
    perpetrator: trackOf<PerpetratorPerson>(
      row.tracks.find((t) => t.track === 'PERPETRATOR' && t.status !== 'WITHDRAWN'),
    ),
  };
}

/** What a referral holds, section by section: what a correction compares (and audits by section name). */
export type Content = Record<string, unknown>;

export function contentOf(draft: StoredReferral | ReferralDraft): Content {
  const { details } = draft;
  const track = (part: TrackDraft<unknown> | null) =>
    part && {
      gender: part.gender,
      lawfulBasis: part.lawfulBasis,
      channels: part.channels,
      routing: part.routing,
      person: part.person,
    };
  return {
    incident: {
      incidentAt: draft.incidentAt,
      fold: draft.incidentAtFold ?? null,
      municipalityId: draft.municipalityId,
      caseNumber: details?.caseNumber ?? null,
    },
    victim: track(draft.victim),
    perpetrator: track(draft.perpetrator),
    household: details?.household ?? null,
    measures: details?.measures ?? null,
    risk: details?.risk ?? null,
    note: details?.note ?? null,
  };
}

/** Sections whose parts a correction names one by one. */
const SPLIT_SECTIONS = ['incident', 'victim', 'perpetrator'];

/**
 * The parts a correction changed, for the timeline and the audit trail (names only, never values): a
 * section (`risk`), or a part of the incident or of a person's track (`incident.caseNumber`,
 * `victim.person`, `victim.channels`); a track added or dropped as a whole is its section.
 */
export function changedParts(before: Content, after: Content): string[] {
  const differs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  const parts = Object.keys(after).flatMap((section) => {
    const [was, is] = [
      before[section] as Record<string, unknown> | null,
      after[section] as Record<string, unknown> | null,
    ];
    if (!differs(was, is)) return [];
    if (!SPLIT_SECTIONS.includes(section) || !was || !is) return [section];
    // The fold (which of a repeated hour) belongs to the time.
    return Object.keys(is)
      .filter((part) => differs(was[part], is[part]))
      .map((part) => `${section}.${part === 'fold' ? 'incidentAt' : part}`);
  });
  return [...new Set(parts)];
}

/**
 * The form's values for a stored referral (the inverse of the schema's output), for the correction form.
 * Null when its personal data can no longer be opened.
 */
export function formValuesOf(
  draft: StoredReferral,
  referral: { id: string; version: number },
): ReferralFormInput | null {
  const { details, victim, perpetrator } = draft;
  if (!details || !victim?.person || (perpetrator && !perpetrator.person)) return null;
  const person = victim.person;
  const basis = victim.lawfulBasis;
  const yesNo = (value: boolean): 'yes' | 'no' => (value ? 'yes' : 'no');
  return {
    referralId: referral.id,
    referralVersion: referral.version,
    idempotencyKey: draft.idempotencyKey,
    incidentAt: draft.incidentAt,
    ...(draft.incidentAtFold && { incidentAtFold: draft.incidentAtFold }),
    municipalityId: draft.municipalityId,
    caseNumber: details.caseNumber,
    gender: victim.gender,
    firstName: person.firstName,
    lastName: person.lastName,
    ...(person.birthDate ? { birthDate: person.birthDate } : { ageBand: person.ageBand ?? undefined }),
    language: person.language,
    interpreter: person.interpreter,
    phone: displayPhone(person.phone),
    safeTimes: person.safeTimes,
    otherPartyMayAnswer: yesNo(person.otherPartyMayAnswer),
    channels: victim.channels,
    ...(person.address && { ...person.address }),
    ...routingFields(victim.routing, ''),
    childrenCount: String(details.household.children),
    ...(details.household.children > 0 && {
      childAgeBands: details.household.childAgeBands,
      youthOfficeInformed: yesNo(details.household.youthOfficeInformed === true),
    }),
    wegweisung: details.measures.wegweisungUntil !== null,
    ...(details.measures.wegweisungUntil && { wegweisungUntil: details.measures.wegweisungUntil }),
    contactBan: details.measures.contactBan,
    protectionActInformed: details.measures.protectionActInformed,
    riskIndicators: details.risk.indicators,
    officerJudgesHighRisk: details.risk.officerJudgesHighRisk,
    ...(basis.kind === 'CONSENT'
      ? {
          consent: 'yes' as const,
          consentMethod: basis.method,
          consentAt: basis.givenAt,
          ...(basis.fold && { consentAtFold: basis.fold }),
        }
      : { consent: 'legalBasis' as const, legalBasis: basis.reference }),
    note: details.note ?? '',
    perpetrator: perpetrator !== null,
    ...(perpetrator?.person && perpetrator.lawfulBasis.kind === 'CONSENT'
      ? {
          perpetratorFirstName: perpetrator.person.firstName,
          perpetratorLastName: perpetrator.person.lastName,
          perpetratorGender: perpetrator.gender,
          perpetratorPhone: displayPhone(perpetrator.person.phone),
          perpetratorConsentMethod: perpetrator.lawfulBasis.method,
          perpetratorConsentAt: perpetrator.lawfulBasis.givenAt,
          ...(perpetrator.lawfulBasis.fold && { perpetratorConsentAtFold: perpetrator.lawfulBasis.fold }),
          ...routingFields(perpetrator.routing, 'perpetrator'),
        }
      : {}),
  };
}

function routingFields(routing: RoutingWish, prefix: '' | 'perpetrator') {
  const name = (field: string) => (prefix ? `${prefix}${field[0]!.toUpperCase()}${field.slice(1)}` : field);
  return {
    ...(routing.preferredPartnerId && { [name('preferredPartnerId')]: routing.preferredPartnerId }),
    ...(routing.override && {
      [name('overridePartnerId')]: routing.override.partnerId,
      [name('overrideReason')]: routing.override.reason,
    }),
  };
}
