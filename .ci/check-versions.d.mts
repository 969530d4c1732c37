/** Types for check-versions.mjs (tsconfig has allowJs: false), used by tests/unit/ci. */

export interface Advisory {
  /** CVE / GHSA ids of one advisory (or one vendor release fixing several). */
  readonly ids: readonly string[];
  /** First fixed version on the release line we are on. */
  readonly fixed: string;
}

export interface Requirement {
  readonly minimum: string;
  readonly advisories: readonly Advisory[];
}

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

export interface CheckResult {
  name: string;
  installed: string | null;
  minimum: string;
  ok: boolean;
  reason: 'not installed' | 'unparseable version' | 'below minimum' | null;
  /** Advisory ids not fixed by the installed version; empty when ok. */
  advisories: string[];
}

export declare const MINIMUM_VERSIONS: Readonly<Record<string, Requirement>>;

export declare function parseVersion(version: unknown): ParsedVersion | null;
export declare function compareVersions(a: string, b: string): -1 | 0 | 1;
export declare function checkPackage(
  name: string,
  installed: string | null | undefined,
  requirement: Requirement,
): CheckResult;
export declare function checkAll(
  installedVersions: Readonly<Record<string, string | null | undefined>>,
  minimums?: Readonly<Record<string, Requirement>>,
): CheckResult[];
export declare function formatResult(result: CheckResult): string;
export declare function readInstalledVersion(root: string, name: string): Promise<string | null>;

export interface LockstepGroup {
  readonly name: string;
  readonly packages: readonly string[];
}

export interface LockstepResult {
  name: string;
  versions: Record<string, string | null>;
  ok: boolean;
}

export declare const LOCKSTEP_GROUPS: readonly LockstepGroup[];
export declare function checkLockstep(
  installedVersions: Readonly<Record<string, string | null | undefined>>,
  groups?: readonly LockstepGroup[],
): LockstepResult[];
export declare function formatLockstep(result: LockstepResult): string;
