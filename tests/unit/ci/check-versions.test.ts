import { describe, expect, it } from 'vitest';

import {
  checkAll,
  checkLockstep,
  checkPackage,
  compareVersions,
  formatResult,
  MINIMUM_VERSIONS,
  type Requirement,
} from '@/.ci/check-versions.mjs';

const NEXT: Requirement = {
  minimum: '16.3.3',
  advisories: [
    { ids: ['CVE-A'], fixed: '16.0.7' },
    { ids: ['CVE-B', 'GHSA-b'], fixed: '16.3.3' },
  ],
};

describe('compareVersions', () => {
  it('orders by major, minor and patch numerically', () => {
    expect(compareVersions('16.3.3', '16.3.3')).toBe(0);
    expect(compareVersions('16.3.2', '16.3.3')).toBe(-1);
    expect(compareVersions('16.10.0', '16.9.9')).toBe(1);
    expect(compareVersions('15.99.99', '16.0.0')).toBe(-1);
  });

  it('sorts a prerelease below its release and orders prerelease identifiers per SemVer', () => {
    expect(compareVersions('16.3.3-canary.1', '16.3.3')).toBe(-1);
    expect(compareVersions('16.4.0-canary.1', '16.3.3')).toBe(1);
    expect(compareVersions('1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(compareVersions('1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(compareVersions('1.0.0-beta.2', '1.0.0-beta.11')).toBe(-1);
    expect(compareVersions('1.0.0-rc.1', '1.0.0-beta.11')).toBe(1);
  });

  it('ignores build metadata and rejects invalid versions', () => {
    expect(compareVersions('16.3.3+build.5', '16.3.3')).toBe(0);
    expect(() => compareVersions('16.3', '16.3.3')).toThrow(/Invalid version/);
  });
});

describe('checkPackage', () => {
  it('fails below the minimum, naming only the advisories not yet fixed', () => {
    expect(checkPackage('next', '16.3.2', NEXT)).toMatchObject({
      ok: false,
      reason: 'below minimum',
      advisories: ['CVE-B', 'GHSA-b'],
    });
  });

  it('passes at exactly the minimum and above it', () => {
    expect(checkPackage('next', '16.3.3', NEXT)).toMatchObject({ ok: true, advisories: [] });
    expect(checkPackage('next', '16.4.6', NEXT)).toMatchObject({ ok: true, advisories: [] });
    expect(checkPackage('next', '17.0.0', NEXT).ok).toBe(true);
  });

  it('fails on an older major line even where that line had its own backport', () => {
    expect(checkPackage('next', '15.5.24', NEXT)).toMatchObject({
      ok: false,
      advisories: ['CVE-A', 'CVE-B', 'GHSA-b'],
    });
  });

  it('fails on a prerelease of the fixed version', () => {
    expect(checkPackage('next', '16.3.3-canary.12', NEXT)).toMatchObject({ ok: false, reason: 'below minimum' });
  });

  it('fails when the package is missing or its version cannot be read', () => {
    expect(checkPackage('next', null, NEXT)).toMatchObject({
      ok: false,
      reason: 'not installed',
      advisories: ['CVE-A', 'CVE-B', 'GHSA-b'],
    });
    expect(checkPackage('next', undefined, NEXT).ok).toBe(false);
    expect(checkPackage('next', 'latest', NEXT)).toMatchObject({ ok: false, reason: 'unparseable version' });
  });
});

describe('checkAll and formatResult', () => {
  it('checks every gated package and reports a missing one as FAIL', () => {
    const results = checkAll({ next: '16.4.6', react: '19.3.1', 'react-dom': '19.3.1' });
    expect(results.map((result) => [result.name, result.ok])).toEqual([
      ['next', true],
      ['react', true],
      ['react-dom', true],
      ['next-auth', false],
    ]);
    const missing = results.find((result) => result.name === 'next-auth');
    expect(missing && formatResult(missing)).toMatch(
      /^next-auth .*\(not installed\).*FAIL not installed: .*GHSA-5jpx-9hw9-2fx4/,
    );
  });
});

describe('MINIMUM_VERSIONS', () => {
  it('gates next, react, react-dom and next-auth with a minimum no lower than any listed fix', () => {
    expect(Object.keys(MINIMUM_VERSIONS).sort()).toEqual(['next', 'next-auth', 'react', 'react-dom']);
    for (const [name, requirement] of Object.entries(MINIMUM_VERSIONS)) {
      expect(requirement.advisories.length, name).toBeGreaterThan(0);
      for (const advisory of requirement.advisories) {
        expect(advisory.ids.length, name).toBeGreaterThan(0);
        expect(
          compareVersions(requirement.minimum, advisory.fixed),
          `${name} ${advisory.ids.join('/')}`,
        ).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('names the advisories from the issue', () => {
    const ids = Object.values(MINIMUM_VERSIONS).flatMap((requirement) =>
      requirement.advisories.flatMap((advisory) => advisory.ids),
    );
    for (const id of [
      'CVE-2025-29927',
      'CVE-2025-55182',
      'CVE-2025-66478',
      'CVE-2025-55184',
      'CVE-2025-55183',
      'CVE-2025-67779',
      'GHSA-5jpx-9hw9-2fx4',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('checkLockstep', () => {
  const PRISMA = { name: 'Prisma', packages: ['prisma', '@prisma/client', '@prisma/adapter-pg'] };

  it('accepts one release line with different patches (the client is not published for every patch)', () => {
    const [result] = checkLockstep({ prisma: '7.10.1', '@prisma/client': '7.10.0', '@prisma/adapter-pg': '7.10.1' }, [
      PRISMA,
    ]);
    expect(result).toMatchObject({ name: 'Prisma', ok: true });
  });

  it('refuses packages on different minor lines, or one missing', () => {
    expect(
      checkLockstep({ prisma: '7.11.0', '@prisma/client': '7.10.0', '@prisma/adapter-pg': '7.11.0' }, [PRISMA])[0]!.ok,
    ).toBe(false);
    expect(checkLockstep({ prisma: '7.10.1', '@prisma/adapter-pg': '7.10.1' }, [PRISMA])[0]!.ok).toBe(false);
  });

  it('gates the Prisma packages of this project', async () => {
    const { LOCKSTEP_GROUPS } = await import('@/.ci/check-versions.mjs');
    expect(LOCKSTEP_GROUPS.find((group) => group.name === 'Prisma')?.packages).toEqual(
      expect.arrayContaining(['prisma', '@prisma/client', '@prisma/adapter-pg']),
    );
  });
});
