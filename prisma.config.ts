import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Offline machines cannot download Prisma's native schema engine. `prisma generate` only checks that
// the file exists (it never executes it), so point it at a file that is always there. Migrations run
// through the WebAssembly engine instead: see lib/db/migrate and docs/decisions/0001.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('package.json');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
