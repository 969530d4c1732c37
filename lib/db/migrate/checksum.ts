import { createHash } from 'node:crypto';

/**
 * Prisma's migration checksum as stored in `_prisma_migrations.checksum`: sha256 of the migration.sql
 * bytes, lower-case hex. Exposed for tests and diagnostics; the engine computes it itself when applying.
 */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}
