import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';

import { DEMO_USERS, ensureUser, seedReferenceData } from './factories';

/**
 * Seed, idempotent: reference data of the Region Hannover (copied from the shared data set into
 * prisma/data, so the app never reads outside its repository) and, only when asked for (the development
 * launcher and the tests ask; `npm run db:seed -- --demo`), one demo account per role. Demo accounts have a
 * published password and second-factor secret: never a default, and refused when NODE_ENV=production.
 */
export async function seed(databaseUrl: string, options: { demoAccounts?: boolean } = {}): Promise<void> {
  const db = createPrismaClient(databaseUrl);
  try {
    await seedReferenceData(db);
    if (options.demoAccounts === true && env().NODE_ENV !== 'production') {
      for (const user of DEMO_USERS) await ensureUser(db, user);
    }
  } finally {
    await db.$disconnect();
  }
}
