// The operator CLI (`npm run cli -- ...`) run for real, as a child process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCaller } from "../../lib/auth/caller.ts";
import { createDb, type Db } from "../../lib/db/client.ts";
import { MIGRATIONS_DIR } from "../../lib/db/bootstrap.ts";
import { findRunningEmbedded, startEmbedded } from "../../lib/db/embedded.ts";
import { readMigrations } from "../../lib/db/migrate.ts";
import { verifyCredentials } from "../../lib/users/users.ts";
import { cleanEnv, runTsx, type RunResult } from "../helpers/run.ts";
import { createTestDatabase, dbKind, type TestDatabase } from "../setup/test-db.ts";

const PASSWORD = "correct horse battery";
const cli = (args: string[], env: Record<string, string>) => runTsx("scripts/cli.ts", args, cleanEnv(env));
const lastLine = (r: RunResult) => r.stdout.trim().split("\n").pop() ?? "";
const explain = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe("cli with DATABASE_URL", () => {
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    env = { DATABASE_URL: database.url };
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("user create makes a user with the given role that can sign in; a duplicate email is refused", async () => {
    const created = await cli(
      ["user", "create", "--email", "Carol@Example.com", "--password", PASSWORD, "--role", "admin"],
      env,
    );
    expect(created.code, explain(created)).toBe(0);
    const user = await db.user.findUnique({ where: { email: "carol@example.com" } });
    expect(user).toMatchObject({ role: "ADMIN", disabled: false });
    expect(created.stdout).toContain(`created ADMIN carol@example.com (${user!.id})`);
    expect(await verifyCredentials(db, "carol@example.com", PASSWORD)).toMatchObject({ id: user!.id });

    const [plain, duplicate] = await Promise.all([
      cli(["user", "create", "--email", "dave@example.com", "--password", PASSWORD], env),
      cli(["user", "create", "--email", "CAROL@example.com", "--password", "another password"], env),
    ]);
    expect(plain.code, explain(plain)).toBe(0);
    expect((await db.user.findUnique({ where: { email: "dave@example.com" } }))!.role).toBe("USER");
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toMatch(/already exists/);
    // The existing account is untouched.
    expect(await verifyCredentials(db, "carol@example.com", PASSWORD)).toMatchObject({ role: "ADMIN" });
  });

  it("bad input exits non-zero with a message and creates nothing", async () => {
    const before = await db.user.count();
    // Each run costs a Node start-up; run them side by side.
    const [badRole, badEmail, shortPassword, usage] = await Promise.all([
      cli(["user", "create", "--email", "erin@example.com", "--password", PASSWORD, "--role", "superuser"], env),
      cli(["user", "create", "--email", "not-an-email", "--password", PASSWORD], env),
      cli(["user", "create", "--email", "frank@example.com", "--password", "short"], env),
      cli(["user", "create", "--password", PASSWORD], env),
    ]);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/--role must be USER, ADMIN or FINANCE \(got superuser\)/);
    expect(badEmail.code).not.toBe(0);
    expect(badEmail.stderr).toMatch(/valid email/);
    expect(shortPassword.code).not.toBe(0);
    expect(shortPassword.stderr).toMatch(/at least 8 characters/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--email is required[\s\S]*usage:/);
    expect(await db.user.count()).toBe(before);
  });

  it("key create prints a working gateway key as the last line", async () => {
    const result = await cli(["key", "create", "--email", "Dave@Example.com", "--name", "ci runner"], env);
    expect(result.code, explain(result)).toBe(0);
    const key = lastLine(result);
    expect(key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    const dave = (await db.user.findUnique({ where: { email: "dave@example.com" } }))!;
    expect(await resolveCaller(db, new Headers({ authorization: `Bearer ${key}` }), "unused-secret")).toMatchObject({
      userId: dave.id,
      email: "dave@example.com",
      role: "USER",
    });
    expect(await db.apiKey.findMany({ where: { userId: dave.id }, select: { name: true } })).toEqual([
      { name: "ci runner" },
    ]);

    await db.user.update({ where: { id: dave.id }, data: { disabled: true } });
    const [unknown, disabled] = await Promise.all([
      cli(["key", "create", "--email", "nobody@example.com"], env),
      cli(["key", "create", "--email", "dave@example.com"], env),
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no user with email nobody@example.com/);
    expect(disabled.code).not.toBe(0);
    expect(disabled.stderr).toMatch(/disabled/);
    expect(await db.apiKey.count({ where: { userId: dave.id } })).toBe(1);
  });
});

// Without DATABASE_URL the CLI uses DATA_DIR's embedded database: opening it itself when no
// server runs, or going through the running server's socket (PGlite allows one process only).
describe.runIf(dbKind() === "pglite")("cli with the embedded database of DATA_DIR", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sy-cli-")); // short: the socket path must fit in ~100 bytes
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens (and migrates) the database itself when no server runs, and goes through the server when one does", async () => {
    const env = { DATA_DIR: dir };
    const offline = await cli(
      ["user", "create", "--email", "owner@example.com", "--password", PASSWORD, "--role", "ADMIN"],
      env,
    );
    expect(offline.code, explain(offline)).toBe(0);
    expect(offline.stdout).toMatch(/created ADMIN owner@example\.com/);
    expect(findRunningEmbedded(dir)).toBeUndefined(); // it closed the database again

    const server = await startEmbedded(dir);
    const db = createDb(server.url, 2);
    try {
      // The first user persisted, and the CLI's own bootstrap migrated and seeded the database.
      expect(await db.user.findUnique({ where: { email: "owner@example.com" } })).toMatchObject({ role: "ADMIN" });
      const applied = await db.$queryRawUnsafe<{ migration_name: string }[]>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      );
      expect(applied.map((r) => r.migration_name)).toEqual(readMigrations(MIGRATIONS_DIR).map((m) => m.name));
      expect(await db.provider.count()).toBeGreaterThan(0);

      // While the server holds the database, the CLI must go through its socket (opening the
      // database itself would fail: one process only).
      const [online, keyed] = await Promise.all([
        cli(["user", "create", "--email", "second@example.com", "--password", PASSWORD], env),
        cli(["key", "create", "--email", "owner@example.com"], env),
      ]);
      expect(online.code, explain(online)).toBe(0);
      expect(keyed.code, explain(keyed)).toBe(0);

      expect(await db.user.findUnique({ where: { email: "second@example.com" } })).toMatchObject({ role: "USER" });
      const owner = await db.user.findUnique({ where: { email: "owner@example.com" } });
      expect(
        await resolveCaller(db, new Headers({ authorization: `Bearer ${lastLine(keyed)}` }), "unused"),
      ).toMatchObject({ userId: owner!.id, role: "ADMIN" });
    } finally {
      await db.$disconnect();
      await server.stop();
    }
  }, 120_000);
});
