import { describe, expect, it } from 'vitest';

import { queueAfterDecision, queueQuery, withQuery } from '@/lib/review/queue-url';

const PARTNER = '01a215be-3e60-7728-91ec-38f3ed5e1e21';

describe('the queue view in a URL', () => {
  it('is empty for the default view, so the plain links stay plain', () => {
    expect(queueQuery({ status: 'SUBMITTED' })).toBe('');
    expect(withQuery('/pruefung/abc', '')).toBe('/pruefung/abc');
  });

  it('names every filter and the page, as the queue reads them', () => {
    const query = queueQuery({ status: 'CLOSED', partner: PARTNER, highRisk: '1', overdue: '1', cursor: 'MXx4' });
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      status: 'CLOSED',
      partner: PARTNER,
      highRisk: '1',
      overdue: '1',
      nach: 'MXx4',
    });
    expect(withQuery('/pruefung', query)).toBe(`/pruefung?${query}`);
  });

  it('keeps the view after a decision and adds what was done', () => {
    const after = new URL(
      queueAfterDecision(queueQuery({ status: 'SUBMITTED', partner: PARTNER }), 'RETURNED'),
      'http://x',
    );
    expect(after.pathname).toBe('/pruefung');
    expect(after.searchParams.get('partner')).toBe(PARTNER);
    expect(after.searchParams.get('erledigt')).toBe('RETURNED');
    expect(queueAfterDecision('', 'APPROVED')).toBe('/pruefung?erledigt=APPROVED');
  });
});
