/**
 * Database commands behind the npm scripts (plain tsx/node):
 *
 *   npm run db:migrate              apply pending migrations (under an advisory lock)
 *   npm run db:migration -- <name>  write a new migration from schema.prisma changes (not applied)
 *   npm run db:check                exit 1 and print the SQL when schema.prisma and the migrations disagree
 *   npm run db:seed [-- --demo]     reference data (idempotent); --demo adds the demo accounts (never in production)
 *
 * migrate and create use MIGRATION_DATABASE_URL (a role that may change the schema), else DATABASE_URL; seed
 * uses DATABASE_URL; all of them the development embedded PostgreSQL when none is set. After migrating with
 * a role other than DATABASE_URL's, migrate grants DATABASE_URL's role row access to every table (never DDL). `check`
 * never touches a configured database: it replays the migrations in a throwaway PostgreSQL, so it works on a
 * fresh clone with nothing running (CI).
 *
 * Exit codes: 0 success, 1 check found differences or a command failed, 2 usage error.
 */
import path from 'node:path';
import { startThrowawayPostgres } from '@/lib/db/embedded-postgres';
import { applyMigrations, createMigration, diffSchemaAgainstMigrations } from '@/lib/db/migrate';
import { createEmbeddedRuntimeRole, roleOf } from '@/lib/db/runtime-role';
import { env } from '@/lib/env';
import { elapsed, openConfiguredDatabase } from './database';
import { runCommand } from './run-command';

const USAGE = 'Usage: tsx lib/cli/db.ts <migrate | create <name> | check | seed [--demo]>';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'migrate':
      return withConfiguredDatabase('migration', async (url, embedded) => {
        const start = Date.now();
        // The app's own role gets rows, not the schema: the embedded server's app role, or DATABASE_URL's
        // when it differs from the migrating one.
        const runtimeUrl = embedded ? await createEmbeddedRuntimeRole(url) : env().DATABASE_URL;
        const runtimeRole = runtimeUrl && roleOf(runtimeUrl) !== roleOf(url) ? roleOf(runtimeUrl) : undefined;
        const applied = await applyMigrations(url, { runtimeRole });
        out(applied.length ? `Applied ${applied.join(', ')} (${elapsed(start)}).` : 'Database is up to date.');
        if (runtimeRole) out(`"${runtimeRole}" may read and write the tables' rows, not change the schema.`);
        return 0;
      });
    case 'create': {
      const name = rest.join(' ').trim();
      if (!name) {
        console.error('Name the migration: npm run db:migration -- add_referral_notes');
        return 2;
      }
      return withConfiguredDatabase('migration', async (url) => {
        const folder = await createMigration(url, name, {
          onWarning: (message) => console.error(`Warning: ${message}`),
        });
        if (!folder) {
          out('schema.prisma matches the migrations: nothing to create.');
          return 0;
        }
        out(`Created ${path.relative(process.cwd(), folder)}/migration.sql — review it, then npm run db:migrate.`);
        return 0;
      });
    }
    case 'check':
      return check();
    case 'seed':
      return withConfiguredDatabase('runtime', async (url) => {
        const start = Date.now();
        // Imported on demand: only this command needs the generated Prisma client.
        const { seed } = await import('@/prisma/seed');
        const demoAccounts = rest.includes('--demo');
        await seed(url, { demoAccounts });
        out(`Seeded reference data${demoAccounts ? ' and demo accounts' : ''} (${elapsed(start)}).`);
        return 0;
      });
    default:
      console.error(USAGE);
      return 2;
  }
}

async function withConfiguredDatabase(
  purpose: 'runtime' | 'migration',
  work: (url: string, embedded: boolean) => Promise<number>,
): Promise<number> {
  const database = await openConfiguredDatabase(purpose);
  try {
    return await work(database.url, database.embedded);
  } finally {
    await database.stop();
  }
}

async function check(): Promise<number> {
  const start = Date.now();
  const server = await startThrowawayPostgres();
  try {
    const sql = await diffSchemaAgainstMigrations(server.url);
    if (!sql) {
      out(`schema.prisma matches prisma/migrations (${elapsed(start)}).`);
      return 0;
    }
    console.error('schema.prisma differs from prisma/migrations. Missing migration SQL:\n');
    out(sql.trimEnd());
    console.error('\nCreate a migration: npm run db:migration -- <name>');
    return 1;
  } finally {
    await server.stop();
  }
}

runCommand(main);
