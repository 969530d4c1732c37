import { describe, expect, it } from 'vitest';

import { sameOrigin } from '@/lib/security/origin';

describe('the Origin of a state-changing request', () => {
  it('must be APP_URL exactly: scheme, host and port', () => {
    const app = 'https://vermittlung.polizei.example';
    expect(sameOrigin('https://vermittlung.polizei.example', app)).toBe(true);
    expect(sameOrigin('http://vermittlung.polizei.example', app)).toBe(false);
    expect(sameOrigin('https://vermittlung.polizei.example:8443', app)).toBe(false);
    expect(sameOrigin('https://evil.example', app)).toBe(false);
    expect(sameOrigin('null', app)).toBe(false);
    expect(sameOrigin(null, app)).toBe(false);
    // A public app never accepts a loopback Origin.
    expect(sameOrigin('https://localhost', app)).toBe(false);
  });

  it('on this machine accepts every loopback name for it (next dev announces 127.0.0.1), nothing else', () => {
    const app = 'http://localhost:3000';
    expect(sameOrigin('http://127.0.0.1:3000', app)).toBe(true);
    expect(sameOrigin('http://[::1]:3000', app)).toBe(true);
    expect(sameOrigin('http://127.0.0.1:3001', app)).toBe(false);
    expect(sameOrigin('https://127.0.0.1:3000', app)).toBe(false);
    expect(sameOrigin('http://evil.example:3000', app)).toBe(false);
  });
});
