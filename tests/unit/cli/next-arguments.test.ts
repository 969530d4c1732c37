import { describe, expect, it } from 'vitest';

import { DEV_SERVER_ACTIONS_KEY, heapFlags, nextArguments, nextEnvironmentDefaults } from '@/lib/cli/next-arguments';

describe('the command line of Next.js', () => {
  it('keeps the development server on this machine (demo passwords, development secrets)', () => {
    expect(nextArguments('dev', 3000, undefined)).toEqual(['dev', '--port', '3000', '--hostname', '127.0.0.1']);
  });

  it('serves production on every interface, for the reverse proxy in front', () => {
    expect(nextArguments('start', 3000, undefined)).toEqual(['start', '--port', '3000', '--hostname', '0.0.0.0']);
  });

  it('listens where HOST says', () => {
    expect(nextArguments('dev', 3100, '0.0.0.0')).toContain('0.0.0.0');
    expect(nextArguments('start', 3100, '10.0.0.5')).toEqual(['start', '--port', '3100', '--hostname', '10.0.0.5']);
  });

  it('caps the heap of the production server (≤ 300 MB resident under load), not of the development server', () => {
    expect(heapFlags('start')).toEqual(['--max-old-space-size=256', '--max-semi-space-size=8']);
    expect(heapFlags('dev')).toEqual([]);
  });

  it('gives the development server the same Server Actions key on every start (an AES-256 key), production none', () => {
    expect(nextEnvironmentDefaults('dev')).toEqual({ NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: DEV_SERVER_ACTIONS_KEY });
    expect(Buffer.from(DEV_SERVER_ACTIONS_KEY, 'base64')).toHaveLength(32);
    expect(nextEnvironmentDefaults('start')).toEqual({});
  });
});
