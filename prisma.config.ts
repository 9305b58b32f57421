import { defineConfig } from 'prisma/config';

// The CLI is used only to generate the client. DATABASE_URL is optional here
// because the server applies migrations itself (src/db/migrator.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
