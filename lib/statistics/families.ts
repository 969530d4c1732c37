/**
 * What the statistics count (ADR 0014). Client-safe constants: the page, the CSV and the job share them.
 *
 * Populations, each counted on its own so that no published sum links them: VICTIM (the affected persons
 * referred: one per referral), PERPETRATOR (referrals to a perpetrator programme), DECLINED (offers the
 * person declined). A published cell is `<population>.<family>` with a key.
 */
export const POPULATIONS = ['VICTIM', 'PERPETRATOR', 'DECLINED'] as const;
export type StatsPopulation = (typeof POPULATIONS)[number];

/** The population's own count (key ''). */
export const COUNT = 'COUNT';
/** Gender of the person (VICTIM): FEMALE, MALE, DIVERSE, NOT_STATED. */
export const GENDER = 'GENDER';
/** The referral's high-risk flag (VICTIM): HIGH, NORMAL. */
export const RISK = 'RISK';
/** The partner (key: partner id). */
export const PARTNER = 'PARTNER';
/** Reached within 3 days of the callout, per partner (key: `<partner id>:YES` or `:NO`). */
export const REACHED = 'REACHED';
/** How the delivery ended: an outcome code, WITHDRAWN, NO_OUTCOME (erased without one), OPEN. */
export const RESULT = 'RESULT';
/** How the partner was chosen: RULE, PERSON_PREFERENCE, or OVERRIDE:<reason>. */
export const ROUTING = 'ROUTING';

export const RESULTS = [
  'REACHED_SUPPORTED',
  'NOT_REACHABLE',
  'DECLINED',
  'UNSAFE_TO_CONTACT',
  'FORWARDED',
  'WITHDRAWN',
  'NO_OUTCOME',
  'OPEN',
] as const;

export const GENDERS = ['FEMALE', 'MALE', 'DIVERSE', 'NOT_STATED'] as const;
export const RISKS = ['HIGH', 'NORMAL'] as const;
export const ROUTINGS = [
  'RULE',
  'PERSON_PREFERENCE',
  'OVERRIDE:PERSON_WISH',
  'OVERRIDE:ALREADY_IN_CONTACT',
  'OVERRIDE:LANGUAGE',
  'OVERRIDE:SAFETY',
  'OVERRIDE:NO_RESPONSIBLE_PARTNER',
] as const;

/** Durations from the callout (VICTIM): to submission, approval, acknowledgement, first contact attempt. */
export const MEASURES = ['SUBMITTED', 'APPROVED', 'ACKNOWLEDGED', 'FIRST_CONTACT'] as const;
export type Measure = (typeof MEASURES)[number];

/** "Reached within 3 days": the first contact attempt that reached the person, at most this long after the callout. */
export const REACHED_WITHIN_HOURS = 72;

export const cell = (population: StatsPopulation, family: string) => `${population}.${family}`;
