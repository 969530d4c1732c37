import { describe, expect, it } from 'vitest';

import nextConfig from '@/next.config';

describe('next.config', () => {
  it('never logs server action arguments (they carry personal data)', () => {
    expect(nextConfig.logging).toMatchObject({ serverFunctions: false });
  });

  it('fails a production build on a type error (only `npm test`, having type-checked first, skips it)', () => {
    expect(process.env.TYPES_CHECKED_BY_VALIDATE).toBeUndefined();
    expect(nextConfig.typescript?.ignoreBuildErrors).toBe(false);
  });

  it('limits the body of a server action', () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe('64kb');
  });
});
