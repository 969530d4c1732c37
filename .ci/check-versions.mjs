/**
 * Version gate: fails (exit 1) when an INSTALLED next / react / react-dom / next-auth (node_modules/<pkg>/package.json,
 * not the package.json ranges) is missing or below the minimum in ./minimum-versions.mjs, or when the Prisma
 * packages are not on one release line.
 * Node built-ins only; run with `npm run check:versions`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { MINIMUM_VERSIONS } from './minimum-versions.mjs';

export { MINIMUM_VERSIONS };

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Parses a strict SemVer 2.0.0 version (optional leading "v", build metadata ignored); null if invalid. */
export function parseVersion(version) {
  if (typeof version !== 'string') return null;
  const match = SEMVER.exec(version.trim());
  if (!match) return null;
  const [, major, minor, patch, prerelease] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: prerelease ? prerelease.split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
  };
}

function compareIdentifiers(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'number') return -1; // numeric identifiers sort before alphanumeric ones
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer precedence: -1 if a < b, 0 if equal, 1 if a > b. A prerelease sorts below its release. Throws if invalid. */
export function compareVersions(a, b) {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left) throw new TypeError(`Invalid version: ${String(a)}`);
  if (!right) throw new TypeError(`Invalid version: ${String(b)}`);
  for (const key of ['major', 'minor', 'patch']) {
    if (left[key] !== right[key]) return left[key] < right[key] ? -1 : 1;
  }
  const lp = left.prerelease;
  const rp = right.prerelease;
  if (lp.length === 0 || rp.length === 0) return lp.length === rp.length ? 0 : lp.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(lp.length, rp.length); i++) {
    if (i >= lp.length) return -1;
    if (i >= rp.length) return 1;
    const order = compareIdentifiers(lp[i], rp[i]);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Pure check of one package. `installed` is the installed version string, or null/undefined when not installed.
 * `advisories` in the result are the ids not fixed by the installed version (all of them when missing or invalid).
 */
export function checkPackage(name, installed, requirement) {
  const { minimum } = requirement;
  const allIds = requirement.advisories.flatMap((advisory) => advisory.ids);
  if (installed == null)
    return { name, installed: null, minimum, ok: false, reason: 'not installed', advisories: allIds };
  if (!parseVersion(installed))
    return { name, installed, minimum, ok: false, reason: 'unparseable version', advisories: allIds };
  if (compareVersions(installed, minimum) >= 0)
    return { name, installed, minimum, ok: true, reason: null, advisories: [] };
  const unfixed = requirement.advisories
    .filter((advisory) => compareVersions(installed, advisory.fixed) < 0)
    .flatMap((advisory) => advisory.ids);
  return {
    name,
    installed,
    minimum,
    ok: false,
    reason: 'below minimum',
    advisories: unfixed.length > 0 ? unfixed : allIds,
  };
}

/** Checks every package of `minimums` against `installedVersions` (name -> version string or null). */
export function checkAll(installedVersions, minimums = MINIMUM_VERSIONS) {
  return Object.entries(minimums).map(([name, requirement]) =>
    checkPackage(name, installedVersions[name] ?? null, requirement),
  );
}

/** One report line per package. */
export function formatResult(result) {
  const installed = result.installed ?? '(not installed)';
  const status = result.ok ? 'ok' : `FAIL ${result.reason}: ${result.advisories.join(', ')}`;
  return `${result.name.padEnd(10)} installed ${installed.padEnd(16)} minimum ${result.minimum.padEnd(9)} ${status}`;
}

/**
 * Packages released together that must stay on one release line (same major.minor): Prisma's CLI, client and
 * driver adapter share the query engine's protocol. `@prisma/client` is not published for every patch of the
 * CLI (7.10.1 exists for `prisma`, not for the client), so patches may differ; minors may not.
 */
export const LOCKSTEP_GROUPS = [
  { name: 'Prisma', packages: ['prisma', '@prisma/client', '@prisma/adapter-pg', '@prisma/driver-adapter-utils'] },
];

/** One result per group: ok when every package is installed and all share major.minor. */
export function checkLockstep(installedVersions, groups = LOCKSTEP_GROUPS) {
  return groups.map(({ name, packages }) => {
    const versions = Object.fromEntries(packages.map((pkg) => [pkg, installedVersions[pkg] ?? null]));
    const lines = new Set(
      Object.values(versions).map((version) => {
        const parsed = parseVersion(version);
        return parsed ? `${parsed.major}.${parsed.minor}` : 'missing';
      }),
    );
    const ok = lines.size === 1 && !lines.has('missing');
    return { name, versions, ok };
  });
}

/** One report line per lockstep group. */
export function formatLockstep(result) {
  const versions = Object.entries(result.versions)
    .map(([pkg, version]) => `${pkg} ${version ?? '(not installed)'}`)
    .join(', ');
  return `${result.name.padEnd(10)} ${versions} ${result.ok ? 'ok' : 'FAIL not on one release line (major.minor)'}`;
}

/** Reads node_modules/<name>/package.json under `root`; null when the package is not installed. */
export async function readInstalledVersion(root, name) {
  try {
    const manifest = JSON.parse(await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR'))
      return null;
    throw error;
  }
}

async function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const installed = {};
  const names = [...Object.keys(MINIMUM_VERSIONS), ...LOCKSTEP_GROUPS.flatMap((group) => group.packages)];
  for (const name of names) installed[name] = await readInstalledVersion(root, name);
  const results = checkAll(installed);
  for (const result of results) console.log(formatResult(result));
  const lockstep = checkLockstep(installed);
  for (const result of lockstep) console.log(formatLockstep(result));
  if (results.some((result) => !result.ok)) {
    console.error('Version gate failed: upgrade the packages marked FAIL (advisories in .ci/minimum-versions.mjs).');
    process.exitCode = 1;
  }
  if (lockstep.some((result) => !result.ok)) {
    console.error('Version gate failed: keep the packages of each group on one release line (package.json).');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
