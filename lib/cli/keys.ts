/**
 * Encryption keys (README, "Rotating secrets"; plain tsx/node):
 *
 *   npm run keys:rotate    re-seal every stored value under the current key (the first of ENCRYPTION_KEYS)
 *
 * Uses DATABASE_URL, or the development embedded PostgreSQL when it is unset. Exit codes: 0 every value is
 * under the current key (older keys may now be removed), 1 some values still need a key (named) or the
 * command failed, 2 usage error.
 */
import { createPrismaClient } from '@/lib/db/client';
import { rotateSealedValues } from '@/lib/crypto/rotate';
import { env } from '@/lib/env';
import { runShutdownHooks } from '@/lib/process/shutdown';
import { openConfiguredDatabase } from './database';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'rotate' || argv.length !== 1) {
    console.error('Usage: tsx lib/cli/keys.ts rotate');
    return 2;
  }
  const { currentId } = env().ENCRYPTION_KEYS;
  const database = await openConfiguredDatabase();
  const db = createPrismaClient(database.url);
  try {
    const reports = await rotateSealedValues(db);
    let unreadable = 0;
    for (const report of reports) {
      const left = Object.entries(report.unreadable).map(([id, count]) => `${count} need key "${id}"`);
      unreadable += Object.values(report.unreadable).reduce((sum, count) => sum + count, 0);
      out(
        `${report.column}: ${report.resealed} re-sealed with key "${currentId}"${left.length ? `; ${left.join(', ')}` : ''}`,
      );
    }
    if (unreadable > 0) {
      console.error(
        `${unreadable} value(s) could not be opened with ENCRYPTION_KEYS: add the key(s) named above again and ` +
          'run this once more. Do not remove any key yet.',
      );
      return 1;
    }
    out(`Every sealed value uses key "${currentId}": older keys may now be removed from ENCRYPTION_KEYS.`);
    return 0;
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

void main(process.argv.slice(2))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  })
  .then(async (code) => {
    await runShutdownHooks();
    process.exit(code);
  });
