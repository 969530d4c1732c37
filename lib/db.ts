import 'server-only';

import { createPrismaClient } from '@/lib/db/client';
import { env } from '@/lib/env';
import type { PrismaClient } from '@/lib/generated/prisma/client';

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const globalForDb = globalThis as unknown as { prisma?: PrismaClient };

/**
 * The one Prisma client, created on first use so that `next build` needs no database. Kept on
 * globalThis so that hot reloads in development do not open a new pool each time.
 */
export function db(): PrismaClient {
  if (!globalForDb.prisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set (start the app with `npm run dev` or `npm start`).');
    globalForDb.prisma = createPrismaClient(url);
  }
  return globalForDb.prisma;
}
