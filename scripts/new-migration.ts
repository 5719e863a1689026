// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the difference between schema.prisma
// and the replayed migrations, computed offline in a throwaway PGlite (prisma-pglite).
// Usage: npm run db:migration -- <name>
import { createPgliteMigration } from "prisma-pglite";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const created = await createPgliteMigration({ migrationName: name, enableLogs: true });
console.log(created ? `created ${created.migrationDirPath}` : "schema and migrations agree: nothing to write");
