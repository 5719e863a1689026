import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

// The lock id `prisma migrate deploy` takes, so our runner and Prisma's never run at once.
const PRISMA_MIGRATE_LOCK = 72707369;

export class MigrationError extends Error {}

export type MigrationFile = { name: string; sql: string; checksum: string };
export type AppliedMigration = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
};

export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Decides what to apply, or refuses. Refusals mirror Prisma's: a migration that failed, one
 * edited after it was applied, or one the database has but this build does not know.
 */
export function planMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationFile[] {
  const failed = applied.find((a) => a.finished_at === null && a.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed on an earlier start and the database may be half-migrated. ` +
        `Fix the database by hand, then mark it rolled back (UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}') ` +
        `or use \`prisma migrate resolve\`. Error was: ${failed.logs ?? "unknown"}`,
    );
  }
  const done = new Map(
    applied.filter((a) => a.finished_at !== null && a.rolled_back_at === null).map((a) => [a.migration_name, a]),
  );
  const known = new Set(files.map((f) => f.name));
  for (const name of done.keys()) {
    if (!known.has(name)) {
      throw new MigrationError(
        `the database has migration ${name}, which this build does not know: is it running an older version of Switchyard?`,
      );
    }
  }
  for (const file of files) {
    const row = done.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration ${file.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). ` +
          `Restore the original file; schema changes belong in a new migration.`,
      );
    }
  }
  return files.filter((f) => !done.has(f.name));
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type MigrateResult = { applied: string[] };

/**
 * Applies pending migrations with the same bookkeeping as `prisma migrate deploy`
 * (`_prisma_migrations`), each in its own transaction, under Prisma's advisory lock so that
 * several app processes starting at once migrate exactly once.
 */
export async function migrate(
  connectionString: string,
  migrationsDir: string,
  log: (msg: string) => void = () => {},
): Promise<MigrateResult> {
  const files = readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString, options: "-c TimeZone=UTC" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<AppliedMigration>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at`,
      );
      const pending = planMigrations(files, rows);
      for (const file of pending) {
        const id = randomUUID();
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)`, [
          id,
          file.checksum,
          file.name,
        ]);
        try {
          await client.query("BEGIN");
          await client.query(file.sql);
          await client.query(
            `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
            [id],
          );
          await client.query("COMMIT");
          log(`applied migration ${file.name}`);
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          const message = err instanceof Error ? err.message : String(err);
          await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
          throw new MigrationError(`migration ${file.name} failed: ${message}`);
        }
      }
      return { applied: pending.map((f) => f.name) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}
