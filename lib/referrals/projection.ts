import type { ContactChannel, ConsentMethod, Track } from '@/lib/generated/prisma/enums';
import type { PerpetratorPerson, ReferralDetails, TrackDraft, VictimPerson } from '@/lib/referrals/schema';
import { instantOf, type Fold } from '@/lib/time/berlin';
import type { AgeBand, ChildAgeBand, GenderValue, SafeTime } from '@/lib/referrals/values';

/**
 * What a partner receives of a referral (DESIGN.md section 4, "goes to partner"): one projection per track,
 * and so per kind of partner (victim support gets the victim track, a perpetrator programme the perpetrator
 * track). The only place that decides it: the officer's transmission preview, the partner's inbox and the
 * webhook all call `projectTrack`, and each list below is the whole of what that partner may ever see.
 * Client-safe (the preview runs in the browser).
 *
 * Victim support: the case's identifiers, the person and the safe contact, the household as counts, the
 * protection window, the high-risk flag, the fact and scope of consent, the note. A perpetrator programme:
 * the Vorgangsnummer and the day of the callout (its own case with the police), that person and their phone,
 * the protection window (so as not to undermine it), the fact of their own consent; never anything of the
 * victim: not where she lives (the municipality), the children, the risk checklist or the note.
 */
export const PROJECTION_FIELDS = {
  VICTIM: [
    'caseNumber',
    'incidentAt',
    'municipality',
    'firstName',
    'lastName',
    'birthDate',
    'ageBand',
    'gender',
    'language',
    'interpreter',
    'phone',
    'safeTimes',
    'otherPartyMayAnswer',
    'channels',
    'address',
    'children',
    'childAgeBands',
    'youthOfficeInformed',
    'wegweisungUntil',
    'contactBan',
    'protectionActInformed',
    'highRisk',
    'lawfulBasis',
    'note',
  ],
  PERPETRATOR: [
    'caseNumber',
    'incidentAt',
    'firstName',
    'lastName',
    'gender',
    'phone',
    'wegweisungUntil',
    'contactBan',
    'lawfulBasis',
  ],
} as const satisfies Record<Track, readonly string[]>;

export type ProjectedLawfulBasis =
  { kind: 'CONSENT'; method: ConsentMethod; givenAt: string } | { kind: 'LEGAL_BASIS'; reference: string };

/** Every field any projection can hold, with its type. */
export type ProjectionValues = {
  caseNumber: string;
  /** ISO 8601 instant. */
  incidentAt: string;
  municipality: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  ageBand: AgeBand | null;
  gender: GenderValue;
  language: string;
  interpreter: boolean;
  phone: string;
  safeTimes: SafeTime[];
  otherPartyMayAnswer: boolean;
  channels: ContactChannel[];
  address: { street: string; postalCode: string; city: string } | null;
  children: number;
  childAgeBands: ChildAgeBand[];
  youthOfficeInformed: boolean | null;
  wegweisungUntil: string | null;
  contactBan: boolean;
  protectionActInformed: boolean;
  highRisk: boolean;
  lawfulBasis: ProjectedLawfulBasis;
  note: string | null;
};

export type ProjectionField<T extends Track> = (typeof PROJECTION_FIELDS)[T][number];
export type Projection<T extends Track> = Pick<ProjectionValues, ProjectionField<T>>;

/** A referral's content as the app holds it once opened: the case, and one track with its person. */
export type ProjectionSource = {
  incidentAt: string;
  municipality: string;
  highRisk: boolean;
  details: ReferralDetails;
  track:
    | {
        track: 'VICTIM';
        gender: GenderValue;
        lawfulBasis: ProjectedLawfulBasis;
        channels: ContactChannel[];
        person: VictimPerson;
      }
    | {
        track: 'PERPETRATOR';
        gender: GenderValue;
        lawfulBasis: ProjectedLawfulBasis;
        channels: ContactChannel[];
        person: PerpetratorPerson;
      };
};

/** The projection of one track: exactly the fields of its list, in the list's order. */
export function projectTrack<T extends Track>(source: ProjectionSource & { track: { track: T } }): Projection<T> {
  const { details, track } = source;
  const victim = track.track === 'VICTIM' ? (track.person as VictimPerson) : null;
  const all: Partial<ProjectionValues> = {
    caseNumber: details.caseNumber,
    incidentAt: source.incidentAt,
    municipality: source.municipality,
    firstName: track.person.firstName,
    lastName: track.person.lastName,
    gender: track.gender,
    phone: track.person.phone,
    wegweisungUntil: details.measures.wegweisungUntil,
    contactBan: details.measures.contactBan,
    lawfulBasis: track.lawfulBasis,
    ...(victim && {
      birthDate: victim.birthDate,
      ageBand: victim.ageBand,
      language: victim.language,
      interpreter: victim.interpreter,
      safeTimes: victim.safeTimes,
      otherPartyMayAnswer: victim.otherPartyMayAnswer,
      channels: track.channels,
      address: victim.address,
      children: details.household.children,
      childAgeBands: details.household.childAgeBands,
      youthOfficeInformed: details.household.youthOfficeInformed,
      protectionActInformed: details.measures.protectionActInformed,
      highRisk: source.highRisk,
      note: details.note,
    }),
  };
  const fields: readonly string[] = PROJECTION_FIELDS[track.track];
  return Object.fromEntries(
    fields.map((field) => [field, all[field as keyof ProjectionValues] ?? null]),
  ) as Projection<T>;
}

/** A track of a submission (or of a stored referral opened) as the source of its projection; null if erased. */
export function projectionSource(
  draft: {
    incidentAt: string;
    incidentAtFold?: Fold;
    highRisk: boolean;
    details: ReferralDetails | null;
    victim: TrackDraft<VictimPerson | null> | null;
    perpetrator: TrackDraft<PerpetratorPerson | null> | null;
  },
  track: Track,
  municipality: string,
): ProjectionSource | null {
  const part = track === 'VICTIM' ? draft.victim : draft.perpetrator;
  if (!part?.person || !draft.details) return null;
  const basis = part.lawfulBasis;
  return {
    incidentAt: instantOf(draft.incidentAt, draft.incidentAtFold)?.toISOString() ?? '',
    municipality,
    highRisk: draft.highRisk,
    details: draft.details,
    track: {
      track,
      gender: part.gender,
      lawfulBasis:
        basis.kind === 'CONSENT'
          ? {
              kind: 'CONSENT',
              method: basis.method,
              givenAt: instantOf(basis.givenAt, basis.fold)?.toISOString() ?? '',
            }
          : basis,
      channels: part.channels,
      person: part.person,
    } as ProjectionSource['track'],
  };
}

/** The projection of a track of a submission or of a stored referral opened; null where it is erased. */
export function projectionOf(
  draft: Parameters<typeof projectionSource>[0],
  track: Track,
  municipality: string,
): Partial<ProjectionValues> | null {
  const source = projectionSource(draft, track, municipality);
  return source ? projectTrack(source) : null;
}
