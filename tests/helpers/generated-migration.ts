// Prints, as JSON {"sql": [string | null, ...]}, the migration `npm run db:migration` would write
// on top of prisma/migrations for each given schema file (default prisma/schema.prisma).
// Runs in its own process: prisma-pglite loads its own copy of Prisma's WASM schema engine, and
// needs scripts/node20-polyfills.cjs on Node 20.
// Usage: node --require ./scripts/node20-polyfills.cjs --import tsx tests/helpers/generated-migration.ts [schema...]
import { dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  diffMigrationSql,
  readMigrationList,
  readSchemaContainers,
} from "prisma-pglite/dist/migrations/schema-engine.js";

const root = join(import.meta.dirname, "..", "..");
const schemas = process.argv.slice(2).map((p) => resolve(p));
if (!schemas.length) schemas.push(join(root, "prisma", "schema.prisma"));

const results: (string | null)[] = [];
for (const schemaPath of schemas) {
  const shadowPglite = new PGlite();
  try {
    const sql = await diffMigrationSql({
      shadowPglite,
      existingMigrations: await readMigrationList(join(root, "prisma", "migrations")),
      schemaContainers: await readSchemaContainers(schemaPath),
      schemaConfigDir: dirname(schemaPath),
    });
    results.push(sql ?? null);
  } finally {
    await shadowPglite.close();
  }
}
process.stdout.write(JSON.stringify({ sql: results }) + "\n");
process.exit(0);
