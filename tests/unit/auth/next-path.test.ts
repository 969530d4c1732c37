import { describe, expect, it } from 'vitest';

import { safeNextPath } from '@/lib/auth/next-path';

const ORIGIN = 'https://vermittlung.polizei.example';

describe('safeNextPath', () => {
  it.each([
    ['/vermittlungen/neu', '/vermittlungen/neu'],
    ['/vermittlungen?nach=abc', '/vermittlungen?nach=abc'],
    ['/', '/'],
  ])('follows the same-site path %j', (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r/evil.example',
    'javascript:alert(1)',
    'vermittlungen',
  ])('refuses %j and goes to the start page', (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe('/');
  });
});
