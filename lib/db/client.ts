import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '@/lib/generated/prisma/client';

/**
 * A transaction left idle this long is ended by PostgreSQL: one that holds the audit chain's head (ADR 0012)
 * or a row lock would otherwise hold up every other writer for as long as its connection lives.
 */
const IDLE_IN_TRANSACTION_MS = 60_000;

/** A Prisma client over node-postgres (Prisma 7's Rust-free client). Also used by CLI scripts and tests. */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    }),
  });
}
