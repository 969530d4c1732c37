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
import { env, holdsDevelopmentKey } from '@/lib/env';
import { openConfiguredDatabase } from './database';
import { runCommand } from './run-command';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'rotate' || argv.length !== 1) {
    console.error('Usage: tsx lib/cli/keys.ts rotate');
    return 2;
  }
  const ring = env().ENCRYPTION_KEYS;
  const { currentId } = ring;
  const database = await openConfiguredDatabase();
  // Against a real database, never with the published development key (the fallback when ENCRYPTION_KEYS
  // is unset outside production): that would re-seal real secrets under a key everybody knows.
  if (!database.embedded && holdsDevelopmentKey(ring)) {
    await database.stop();
    console.error(
      'ENCRYPTION_KEYS is unset or holds the published development key. Run this with the ENCRYPTION_KEYS ' +
        'the app runs with (README, "Rotating secrets").',
    );
    return 1;
  }
  const db = createPrismaClient(database.url);
  try {
    const reports = await rotateSealedValues(db);
    let remaining = 0;
    for (const report of reports) {
      const left = Object.entries(report.remaining).map(([id, count]) => `${count} still need key "${id}"`);
      remaining += Object.values(report.remaining).reduce((sum, count) => sum + count, 0);
      out(
        `${report.column}: ${report.resealed} re-sealed with key "${currentId}"${left.length ? `; ${left.join(', ')}` : ''}`,
      );
    }
    if (remaining > 0) {
      console.error(
        `${remaining} value(s) are not under key "${currentId}" yet. Keep every key named above in ENCRYPTION_KEYS ` +
          '(add it again if it was removed) and run this once more. Do not remove any key yet.',
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

runCommand(main);
