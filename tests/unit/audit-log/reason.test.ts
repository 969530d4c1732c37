import { describe, expect, it } from 'vitest';

import { reasonNamesThePerson } from '@/lib/audit-log/reason';

const known = { names: ['Mareike', 'Sonnenfeld-Öztürk'], phones: ['0171 5550123'], caseNumber: '2026/381927' };

describe('a break-glass reason', () => {
  it.each([
    'Auskunftsersuchen Mareike S.',
    'Beschwerde von Frau sonnenfeld-öztürk',
    'Beschwerde von Frau Öztürk',
    'Rückruf unter +49 171 555 0123',
    'Rückruf 0171/5550123',
    'Vorgang 2026 381927',
    'Vorgang 2026-381927',
  ])('is refused when it names the person, a phone or the case: %j', (reason) => {
    expect(reasonNamesThePerson(reason, known)).toBe(true);
  });

  it.each([
    'Prüfung DS-2026-117: Beschwerde der Betroffenen über eine Weitergabe',
    'Auskunftsersuchen nach Art. 14 RL 2016/680, Az. DS-44/2026',
    // Parts of words and short parts are no match: "Mare" is not "Mareike", "Sonne" not the surname.
    'Mare Nostrum, Sonne und Feld: Stichprobe Q4',
  ])('passes when it does not: %j', (reason) => {
    expect(reasonNamesThePerson(reason, known)).toBe(false);
  });

  it('has nothing to compare with once the data is erased', () => {
    expect(reasonNamesThePerson('Mareike Sonnenfeld', { names: [], phones: [], caseNumber: null })).toBe(false);
  });
});
