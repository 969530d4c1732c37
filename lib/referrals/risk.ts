import type { RiskIndicator } from '@/lib/referrals/values';

/**
 * The high-risk flag (DESIGN.md section 4): the officer's own judgement, or the checklist. Each of
 * strangulation, threats to kill and weapons is on its own among the strongest predictors of a lethal
 * escalation in the risk-assessment literature (e.g. Campbell's Danger Assessment, ODARA, DASH); any three
 * markers together count as well. The form shows the flag as it is computed, so nothing is hidden.
 */
const SEVERE: readonly RiskIndicator[] = ['STRANGULATION', 'THREATS_TO_KILL', 'WEAPONS'];
const MARKERS_FOR_HIGH_RISK = 3;

export function isHighRisk(indicators: readonly RiskIndicator[], officerJudgesHighRisk: boolean): boolean {
  return (
    officerJudgesHighRisk ||
    indicators.some((indicator) => SEVERE.includes(indicator)) ||
    indicators.length >= MARKERS_FOR_HIGH_RISK
  );
}
