import { describe, expect, it } from 'vitest';

import { GET } from '@/app/api/health/route';

describe('GET /api/health', () => {
  it('answers 200 with {"status":"ok"} and nothing else when the database answers', async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"status":"ok"}');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
