/**
 * Vitest global setup for the integration project (runs once, in the main Vitest process): one throwaway
 * PostgreSQL for the whole run, with the migrations applied into a template database. Each test file
 * then copies the template (tests/integration/setup/test-database.ts), which takes milliseconds instead
 * of replaying migrations per file.
 */
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres, withDatabase } from '@/lib/db/embedded-postgres';
import { applyMigrations } from '@/lib/db/migrate';

export const TEMPLATE_DATABASE = 'app_template';

declare module 'vitest' {
  export interface ProvidedContext {
    integrationDatabase: {
      /** URL of the server's maintenance database `postgres` (for CREATE/DROP DATABASE). */
      serverUrl: string;
      /** Migrated, empty database to copy with CREATE DATABASE … TEMPLATE. */
      templateDatabase: string;
    };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startThrowawayPostgres({ databaseName: TEMPLATE_DATABASE });
  try {
    await applyMigrations(server.url);
    // A template must not be connectable while it is copied; nobody but the setup uses it.
    project.provide('integrationDatabase', {
      serverUrl: withDatabase(server.url, 'postgres'),
      templateDatabase: TEMPLATE_DATABASE,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return () => server.stop();
}
