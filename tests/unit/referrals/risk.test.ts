import { describe, expect, it } from 'vitest';

import { isHighRisk } from '@/lib/referrals/risk';
import { RISK_INDICATORS, type RiskIndicator } from '@/lib/referrals/values';

const SEVERE = ['STRANGULATION', 'THREATS_TO_KILL', 'WEAPONS'] as const;
const MILD = RISK_INDICATORS.filter((i) => !(SEVERE as readonly string[]).includes(i));

describe('high-risk flag', () => {
  it('is off without markers and without the officer’s judgement', () => {
    expect(isHighRisk([], false)).toBe(false);
  });

  it('follows the officer’s judgement alone', () => {
    expect(isHighRisk([], true)).toBe(true);
    expect(isHighRisk(['STALKING'], true)).toBe(true);
  });

  it.each(SEVERE)('is on for %s on its own', (indicator) => {
    expect(isHighRisk([indicator], false)).toBe(true);
  });

  it('knows the five milder markers', () => {
    expect(MILD).toEqual(['RECENT_SEPARATION', 'ESCALATION', 'STALKING', 'PREGNANCY', 'CHILDREN_THREATENED']);
  });

  it.each(MILD)('is off for %s on its own', (indicator) => {
    expect(isHighRisk([indicator], false)).toBe(false);
  });

  it('is off for any two milder markers', () => {
    for (const a of MILD) {
      for (const b of MILD) {
        if (a !== b) expect([a, b, isHighRisk([a, b], false)]).toEqual([a, b, false]);
      }
    }
  });

  it('is on for three milder markers together', () => {
    expect(isHighRisk(['RECENT_SEPARATION', 'STALKING', 'PREGNANCY'], false)).toBe(true);
    expect(isHighRisk(['ESCALATION', 'STALKING', 'CHILDREN_THREATENED'], false)).toBe(true);
  });

  it('agrees with the rule over every combination of the checklist', () => {
    for (let mask = 0; mask < 1 << RISK_INDICATORS.length; mask++) {
      const indicators: RiskIndicator[] = RISK_INDICATORS.filter((_, i) => mask & (1 << i));
      const expected = indicators.length >= 3 || indicators.some((i) => (SEVERE as readonly string[]).includes(i));
      expect([indicators, isHighRisk(indicators, false)]).toEqual([indicators, expected]);
      expect(isHighRisk(indicators, true)).toBe(true);
    }
  });
});
