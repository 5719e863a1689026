// Several app processes starting at once against one PostgreSQL (rolling deploys, replicas) must
// migrate exactly once. The embedded database is opened by one process only, so this is
// PostgreSQL-only.
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { MIGRATIONS_DIR } from "../../lib/db/bootstrap.ts";
import { readMigrations } from "../../lib/db/migrate.ts";
import { cleanEnv, runTsx, type RunResult } from "../helpers/run.ts";
import { createTestDatabase, dbKind, sql, type TestDatabase } from "../setup/test-db.ts";
import { waitUntil } from "../helpers/wait.ts";

const PRISMA_MIGRATE_LOCK = 72707369; // the advisory lock id `prisma migrate deploy` takes

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

const waitFor = (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) => waitUntil(what, check, timeoutMs);

function parseApplied(r: RunResult): string[] {
  expect(r.stderr, "stderr of a migrating process").toBe("");
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { applied: string[] }).applied;
}

describe.runIf(dbKind() === "postgres")("concurrent migrations", () => {
  it("two processes starting at once: one applies every migration, the other none, no errors", async () => {
    database = await createTestDatabase({ bare: true });
    const url = database.url;
    const names = readMigrations(MIGRATIONS_DIR).map((m) => m.name);

    // Hold Prisma's migrate lock ourselves so both processes are queued on it before either
    // proceeds; releasing it makes them race for real instead of by start-up timing.
    const gate = new pg.Client({ connectionString: url });
    await gate.connect();
    let runs: Promise<RunResult>[];
    try {
      await gate.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
      runs = [1, 2].map(() => runTsx("tests/helpers/migrate-once.ts", [url, MIGRATIONS_DIR], cleanEnv({})));
      await waitFor(async () => {
        const [row] = await sql<{ waiting: number }>(
          url,
          `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_database d ON d.oid = l.database
           WHERE l.locktype = 'advisory' AND l.objid = $1 AND NOT l.granted AND d.datname = current_database()`,
          [PRISMA_MIGRATE_LOCK],
        );
        return row!.waiting === 2;
      }, "both migrating processes to wait on the migrate lock");
    } finally {
      await gate.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
      await gate.end();
    }

    const applied = (await Promise.all(runs)).map(parseApplied);
    expect(applied.map((a) => a.length).sort()).toEqual([0, names.length]);
    expect(applied.find((a) => a.length)).toEqual(names);

    const rows = await sql<{ migration_name: string; finished_at: Date | null }>(
      url,
      `SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });
});
