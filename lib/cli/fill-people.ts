/**
 * Made-up personal data for `npm run db:fill`: what an officer types into the form, in the shapes the app
 * seals (lib/referrals/schema.ts). Invented names and numbers from small lists, nothing real.
 */
import type { Gender } from '@/lib/generated/prisma/enums';
import type { LanguageCode } from '@/lib/partners/languages';
import { isHighRisk } from '@/lib/referrals/risk';
import type { PerpetratorPerson, ReferralDetails, VictimPerson } from '@/lib/referrals/schema';
import {
  AGE_BANDS,
  CHILD_AGE_BANDS,
  RISK_INDICATORS,
  SAFE_TIMES,
  type ChildAgeBand,
  type RiskIndicator,
  type SafeTime,
} from '@/lib/referrals/values';

const random = Math.random;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const some = <T>(items: readonly T[], p: number): T[] => items.filter(() => chance(p));
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

const FEMALE = [
  'Anna',
  'Marie',
  'Sophie',
  'Laura',
  'Julia',
  'Sarah',
  'Lea',
  'Katharina',
  'Aylin',
  'Elif',
  'Fatma',
  'Olena',
  'Natalia',
  'Agnieszka',
  'Maria',
  'Sandra',
  'Nicole',
  'Jana',
  'Sabine',
  'Amira',
  'Yasmin',
  'Ioana',
  'Ewa',
];
const MALE = [
  'Lukas',
  'Jonas',
  'Felix',
  'Paul',
  'Thomas',
  'Michael',
  'Stefan',
  'Mehmet',
  'Ali',
  'Murat',
  'Dmytro',
  'Sergej',
  'Piotr',
  'Marco',
  'Daniel',
  'Andreas',
  'Omar',
  'Ahmad',
  'Florin',
  'Tobias',
  'Kevin',
  'Dennis',
];
const LAST = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Schwarz',
  'Yılmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Kowalski',
  'Nowak',
  'Popescu',
  'Kovalenko',
  'Ivanova',
  'Haddad',
  'Rahimi',
  'Lange',
  'Krüger',
  'Brandt',
  'Ahrens',
  'Behrens',
];
const STREETS = [
  'Lindenallee',
  'Hauptstraße',
  'Bahnhofstraße',
  'Schulstraße',
  'Am Markt',
  'Gartenweg',
  'Mühlenstraße',
  'Kirchstraße',
  'Birkenweg',
  'Ahornstraße',
  'Lister Meile',
  'Podbielskistraße',
  'Vahrenwalder Straße',
];
const LANGUAGES: readonly LanguageCode[] = ['tr', 'ar', 'ru', 'pl', 'uk', 'en', 'fa', 'ro', 'bg', 'ku'];
const NOTES = [
  'Bitte nur vormittags anrufen, der Partner arbeitet dann.',
  'Person spricht etwas Deutsch, Dolmetschung trotzdem empfohlen.',
  'Schlüssel liegt bei der Nachbarin.',
  'Telefon wird möglicherweise vom Partner kontrolliert.',
  'Wohnt vorübergehend bei der Schwester.',
  'Hat ausdrücklich um schnellen Rückruf gebeten.',
];
/** The return comments supervisors write (sealed like the rest of the case). */
export const RETURN_COMMENTS = [
  'Bitte die Telefonnummer prüfen.',
  'Einwilligung: Uhrzeit fehlt bzw. liegt vor dem Einsatz.',
  'Gefährdungseinschätzung bitte ergänzen.',
  'Gemeinde passt nicht zum Einsatzort.',
  'Angaben zu Kindern im Haushalt fehlen.',
];

const SEVERE: readonly RiskIndicator[] = ['STRANGULATION', 'THREATS_TO_KILL', 'WEAPONS'];
const OTHER_MARKERS = RISK_INDICATORS.filter((i) => !SEVERE.includes(i));

function firstName(gender: Gender): string {
  if (gender === 'FEMALE') return pick(FEMALE);
  if (gender === 'MALE') return pick(MALE);
  return pick(chance(0.5) ? FEMALE : MALE);
}

/** A mobile number (most people give one) or a Hannover landline, in E.164 as the schema stores it. */
function phone(): string {
  return chance(0.85) ? `+4915${pick(['1', '2', '7', '9'])}${digits(8)}` : `+49511${digits(7)}`;
}

/** The checklist and the officer's judgement, so that lib/referrals/risk.ts comes to `highRisk`. */
function risk(highRisk: boolean): ReferralDetails['risk'] {
  const others = () => [...OTHER_MARKERS].sort(() => random() - 0.5);
  let risk: ReferralDetails['risk'];
  if (!highRisk) {
    risk = { indicators: others().slice(0, Math.floor(random() * 3)), officerJudgesHighRisk: false };
  } else if (chance(0.6)) {
    risk = {
      indicators: [pick(SEVERE), ...others().slice(0, Math.floor(random() * 3))],
      officerJudgesHighRisk: chance(0.3),
    };
  } else if (chance(0.6)) {
    risk = { indicators: others().slice(0, 3), officerJudgesHighRisk: false };
  } else {
    risk = { indicators: others().slice(0, Math.floor(random() * 3)), officerJudgesHighRisk: true };
  }
  // In the form's order, as the schema's checkboxes produce them.
  risk.indicators = RISK_INDICATORS.filter((i) => risk.indicators.includes(i));
  if (isHighRisk(risk.indicators, risk.officerJudgesHighRisk) !== highRisk) throw new Error('inconsistent risk');
  return risk;
}

/** The case's sections (Referral.details). */
export function caseDetails(caseNumber: string, incidentAt: number, highRisk: boolean): ReferralDetails {
  const children = pick([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4]);
  const childAgeBands: ChildAgeBand[] =
    children > 0 ? CHILD_AGE_BANDS.filter(() => chance(0.5)).slice(0, children) : [];
  if (children > 0 && childAgeBands.length === 0) childAgeBands.push(pick(CHILD_AGE_BANDS));
  const wegweisung = chance(0.35);
  const until = new Date(incidentAt + (7 + Math.floor(random() * 8)) * 86_400_000).toISOString().slice(0, 10);
  return {
    caseNumber,
    household: { children, childAgeBands, youthOfficeInformed: children > 0 ? chance(0.7) : null },
    measures: {
      wegweisungUntil: wegweisung ? until : null,
      contactBan: chance(0.3),
      protectionActInformed: chance(0.8),
    },
    risk: risk(highRisk),
    note: chance(0.2) ? pick(NOTES) : null,
  };
}

/** The affected person on the victim track. */
export function victimPerson(gender: Gender, municipality: string, incidentAt: number): VictimPerson {
  const language: LanguageCode = chance(0.75) ? 'de' : pick(LANGUAGES);
  const born = chance(0.4);
  const year = new Date(incidentAt).getUTCFullYear() - 18 - Math.floor(random() * 55);
  const safeTimes: SafeTime[] = chance(0.5) ? ['ANYTIME'] : some(SAFE_TIMES.slice(1), 0.4);
  return {
    firstName: firstName(gender),
    lastName: pick(LAST),
    birthDate: born
      ? `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`
      : null,
    ageBand: born ? null : pick(AGE_BANDS.slice(1)),
    language,
    interpreter: language !== 'de' && chance(0.5),
    phone: phone(),
    safeTimes: safeTimes.length ? safeTimes : ['ANYTIME'],
    otherPartyMayAnswer: chance(0.15),
    address: chance(0.3)
      ? {
          street: `${pick(STREETS)} ${1 + Math.floor(random() * 120)}`,
          postalCode: `30${digits(3)}`,
          city: municipality,
        }
      : null,
  };
}

export function perpetratorPerson(gender: Gender): PerpetratorPerson {
  return { firstName: firstName(gender), lastName: pick(LAST), phone: phone() };
}
