import { defineConfig } from "prisma/config";

// The CLI is used here only for `prisma generate`: migrations are applied by lib/db/migrate.ts
// (offline machines cannot download Prisma's schema engine).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
