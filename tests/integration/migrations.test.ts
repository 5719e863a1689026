import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../lib/db/bootstrap.ts";
import { migrate } from "../../lib/db/migrate.ts";
import { createTestDatabase, sql, type TestDatabase } from "../setup/test-db.ts";

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};

// Computed here, independently of lib/db/migrate.ts.
const onDisk = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
  .map((name) => {
    const text = readFileSync(join(MIGRATIONS_DIR, name, "migration.sql"));
    return { name, checksum: createHash("sha256").update(text).digest("hex") };
  });

const rows = (url: string) =>
  sql<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`);

const tempDirs: string[] = [];
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-migrations-"));
  tempDirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}
function addMigration(dir: string, name: string, text: string): void {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "migration.sql"), text);
}

// One database that ends up fully migrated, shared by the tests that only need that state
// (a PGlite boot costs seconds); tests that break a database get their own.
let shared: TestDatabase | undefined;
async function migratedDb(): Promise<TestDatabase> {
  if (!shared) {
    shared = await createTestDatabase({ bare: true });
    await migrate(shared.url, MIGRATIONS_DIR);
  }
  return shared;
}
afterAll(async () => {
  await shared?.drop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("migrations", () => {
  it("applies every migration to a fresh database with Prisma's bookkeeping, and nothing on the next start", async () => {
    expect(shared, "this test needs the shared database fresh: keep it first").toBeUndefined();
    shared = await createTestDatabase({ bare: true });
    const { url } = shared;
    expect(onDisk.length).toBeGreaterThan(0);

    const first = await migrate(url, MIGRATIONS_DIR);
    expect(first.applied).toEqual(onDisk.map((m) => m.name));

    // The table is the one `prisma migrate deploy` creates, column for column.
    const columns = await sql<{
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: string;
    }>(
      url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", character_maximum_length: 36, is_nullable: "NO" },
      { column_name: "checksum", data_type: "character varying", character_maximum_length: 64, is_nullable: "NO" },
      {
        column_name: "finished_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
      },
      {
        column_name: "migration_name",
        data_type: "character varying",
        character_maximum_length: 255,
        is_nullable: "NO",
      },
      { column_name: "logs", data_type: "text", character_maximum_length: null, is_nullable: "YES" },
      {
        column_name: "rolled_back_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "YES",
      },
      {
        column_name: "started_at",
        data_type: "timestamp with time zone",
        character_maximum_length: null,
        is_nullable: "NO",
      },
      { column_name: "applied_steps_count", data_type: "integer", character_maximum_length: null, is_nullable: "NO" },
    ]);

    const applied = await rows(url);
    expect(applied.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(onDisk);
    for (const row of applied) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // The schema itself is there.
    const tables = await sql<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["users", "api_keys", "providers", "models", "ledger_entries", "rate_limits"]),
    );

    const second = await migrate(url, MIGRATIONS_DIR);
    expect(second.applied).toEqual([]);
    expect(await rows(url)).toEqual(applied);
  });

  it("refuses to start when an applied migration was edited afterwards, naming it", async () => {
    const { url } = await migratedDb();
    const dir = copyOfMigrations();
    expect((await migrate(url, dir)).applied).toEqual([]);
    const edited = onDisk[onDisk.length - 1]!.name;
    // Change one byte, keeping the length: even a cosmetic edit changes what a fresh database gets.
    const file = join(dir, edited, "migration.sql");
    const bytes = readFileSync(file);
    bytes[0] = bytes[0] === 0x2d ? 0x20 : 0x2d;
    writeFileSync(file, bytes);

    const attempt = migrate(url, dir);
    await expect(attempt).rejects.toThrow(new RegExp(`migration ${edited} was edited after it was applied`));
    // Nothing was recorded or changed by the refused start.
    expect((await rows(url)).map((r) => r.checksum)).toEqual(onDisk.map((m) => m.checksum));
  });

  it("records a failed migration (finished_at NULL, logs), rolls its changes back, and refuses the next start until resolved", async () => {
    const database = await createTestDatabase({ bare: true });
    const { url } = database;
    try {
      const dir = copyOfMigrations();
      const broken = "29990101000000_broken";
      addMigration(dir, broken, `CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n`);

      await expect(migrate(url, dir)).rejects.toThrow(new RegExp(`migration ${broken} failed: .*no_such_table`));

      const failedRow = (await rows(url)).find((r) => r.migration_name === broken);
      expect(failedRow).toBeDefined();
      expect(failedRow!.finished_at).toBeNull();
      expect(failedRow!.rolled_back_at).toBeNull();
      expect(failedRow!.logs).toMatch(/no_such_table/);
      // The earlier migrations stay applied; the failed one left nothing half-done behind.
      expect((await rows(url)).filter((r) => r.finished_at !== null).map((r) => r.migration_name)).toEqual(
        onDisk.map((m) => m.name),
      );
      const halfDone = await sql(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
      expect(halfDone).toHaveLength(0);

      // The next start refuses with a message that says what happened and how to resolve it.
      const next = migrate(url, dir);
      await expect(next).rejects.toThrow(new RegExp(`migration ${broken} failed on an earlier start`));
      await expect(migrate(url, dir)).rejects.toThrow(/rolled_back_at/);
      // ... also when the build no longer ships the broken migration.
      await expect(migrate(url, MIGRATIONS_DIR)).rejects.toThrow(
        new RegExp(`migration ${broken} failed on an earlier start`),
      );

      // Following the advice in the message (mark it rolled back, fix the file) lets the next start apply it.
      await sql(url, `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1`, [broken]);
      writeFileSync(join(dir, broken, "migration.sql"), `CREATE TABLE "half_done" ("id" INTEGER);\n`);
      expect((await migrate(url, dir)).applied).toEqual([broken]);
      const brokenRows = (await rows(url)).filter((r) => r.migration_name === broken);
      expect(brokenRows).toHaveLength(2);
      expect(brokenRows.filter((r) => r.finished_at !== null && r.rolled_back_at === null)).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });

  // Last: it leaves the shared database ahead of this build.
  it("refuses a database that has a migration this build does not know", async () => {
    const { url } = await migratedDb();
    const newer = copyOfMigrations();
    const extra = "29990101000000_from_a_newer_version";
    addMigration(newer, extra, `CREATE TABLE "newer_feature" ("id" INTEGER);\n`);
    expect((await migrate(url, newer)).applied).toContain(extra);

    await expect(migrate(url, MIGRATIONS_DIR)).rejects.toThrow(
      new RegExp(`the database has migration ${extra}, which this build does not know`),
    );
  });
});
