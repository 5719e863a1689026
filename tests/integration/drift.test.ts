// schema.prisma and prisma/migrations must describe the same database: a change to one without
// the other ships an app whose queries fail against the schema it migrated.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, PROJECT_ROOT } from "../../lib/db/bootstrap.ts";
import { migrate } from "../../lib/db/migrate.ts";
import { runNode } from "../helpers/run.ts";
import { diffDatabaseAgainstSchema } from "../helpers/schema-engine.ts";
import { createTestDatabase, dbKind, sql, type TestDatabase } from "../setup/test-db.ts";

const SCHEMA = join(PROJECT_ROOT, "prisma", "schema.prisma");
const tempDir = mkdtempSync(join(tmpdir(), "switchyard-drift-"));

/** A copy of schema.prisma with one extra column on User. */
function schemaWithExtraColumn(): string {
  const path = join(tempDir, "schema.prisma");
  const text = readFileSync(SCHEMA, "utf8");
  const changed = text.replace(/model User \{\n/, (m) => `${m}  nickname     String?\n`);
  if (changed === text) throw new Error("could not find `model User {` in schema.prisma");
  writeFileSync(path, changed);
  return path;
}

/**
 * What `npm run db:migration` would write (prisma-pglite replays prisma/migrations with Prisma's
 * own engine in a throwaway PGlite and diffs against the schema), for the committed schema and for
 * the changed copy. A child process: see tests/helpers/generated-migration.ts.
 */
function startGenerator(): Promise<(string | null)[]> {
  const args = [
    "--require",
    "./scripts/node20-polyfills.cjs",
    "--import",
    "tsx",
    "tests/helpers/generated-migration.ts",
    SCHEMA,
    schemaWithExtraColumn(),
  ];
  const result = runNode(args).then((r) => {
    if (r.code !== 0) throw new Error(`generated-migration.ts exited ${r.code}: ${r.stderr}`);
    return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { sql: (string | null)[] }).sql;
  });
  result.catch(() => {}); // reported by the tests that await it
  return result;
}

let database: TestDatabase;
let generated: Promise<(string | null)[]> | undefined;

beforeAll(async () => {
  // The generator does not depend on the database under test: run it once (pglite project),
  // overlapping with the database boot.
  if (dbKind() === "pglite") generated = startGenerator();
  database = await createTestDatabase({ bare: true });
  await migrate(database.url, MIGRATIONS_DIR);
});
afterAll(async () => {
  await database?.drop();
  rmSync(tempDir, { recursive: true, force: true });
});

describe("schema drift (the database lib/db/migrate.ts builds vs schema.prisma)", () => {
  it("the migrated database is exactly what schema.prisma describes", async () => {
    expect(await diffDatabaseAgainstSchema(database.url, SCHEMA)).toBe("");
  });

  it("the check fails when schema.prisma gains a column no migration adds", async () => {
    const diff = await diffDatabaseAgainstSchema(database.url, schemaWithExtraColumn());
    expect(diff).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT/);
  });

  it("the check fails when the database has something schema.prisma does not", async () => {
    await sql(database.url, `ALTER TABLE "users" ADD COLUMN "stray" INTEGER`);
    try {
      expect(await diffDatabaseAgainstSchema(database.url, SCHEMA)).toMatch(/DROP COLUMN "stray"/);
    } finally {
      await sql(database.url, `ALTER TABLE "users" DROP COLUMN "stray"`);
    }
    expect(await diffDatabaseAgainstSchema(database.url, SCHEMA)).toBe("");
  });
});

describe.runIf(dbKind() === "pglite")("migration generator (prisma-pglite, what `npm run db:migration` writes)", () => {
  it("finds nothing to write for the committed schema and migrations", async () => {
    expect((await generated!)[0]).toBeNull();
  });

  it("would write a migration for a schema change", async () => {
    expect((await generated!)[1]).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT/);
  });
});
