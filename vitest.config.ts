import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Two projects: `unit` (pure logic, no database) and `integration` (a real PostgreSQL: one throwaway
 * embedded server for the whole run, one fresh database per test file, so files run in parallel).
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: root('./') },
      // `server-only` throws unless resolved with the react-server condition, which Node tests do not use.
      { find: /^server-only$/, replacement: root('./tests/support/server-only.ts') },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // The property tests try thousands of inputs each: seconds, more while CI lints beside them
          // (.ci/parallel.mjs). A hung test still fails.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/integration/setup/global-setup.ts'],
          setupFiles: ['tests/integration/setup/test-database.ts', 'tests/integration/setup/request-context.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Vitest's default is one worker fewer than the cores: one file at a time on two cores, while most
          // of a test's time is PostgreSQL's. Three at once: 212 s instead of 362 s for the suite (measured).
          maxWorkers: 3,
        },
      },
    ],
  },
});
