import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';

import { DEMO_USERS, ensureUser, seedReferenceData } from './factories';

/**
 * Demo seed, idempotent: reference data of the Region Hannover (copied from the shared data set into
 * prisma/data, so the app never reads outside its repository) and one demo account per role. Demo
 * accounts have a published password and are refused when NODE_ENV=production (also when asked for).
 */
export async function seed(databaseUrl: string, options: { demoAccounts?: boolean } = {}): Promise<void> {
  const db = createPrismaClient(databaseUrl);
  try {
    await seedReferenceData(db);
    if (env().NODE_ENV !== 'production' && options.demoAccounts !== false) {
      for (const user of DEMO_USERS) await ensureUser(db, user);
    }
  } finally {
    await db.$disconnect();
  }
}
