import { describe, expect, it } from 'vitest';

import { heapFlags, nextArguments } from '@/lib/cli/next-arguments';

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
});
