/**
 * Ports of the e2e run: the app, the test identity provider and the throwaway PostgreSQL. Overridable so
 * that two checkouts (e.g. a git worktree beside the main one) can run the suite on one machine at once;
 * the defaults are what CI uses.
 */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number`);
  return value;
}

export const E2E_APP_PORT = port('E2E_APP_PORT', 3100);
export const E2E_OIDC_PORT = port('E2E_OIDC_PORT', 3101);
export const E2E_PG_PORT = port('E2E_PG_PORT', 54329);
