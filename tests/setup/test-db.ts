// One fresh database per caller, on whichever kind the vitest project runs against:
// TEST_DB=pglite → the embedded database (in-memory PGlite behind its wire-protocol server),
// TEST_DB=postgres → a new database in the cluster started by tests/setup/postgres-cluster.ts.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { bootstrapDatabase } from "../../lib/db/bootstrap.ts";
import { createDb, type Db } from "../../lib/db/client.ts";
import { startEmbedded } from "../../lib/db/embedded.ts";

export type DbKind = "pglite" | "postgres";

export function dbKind(): DbKind {
  const kind = process.env.TEST_DB;
  if (kind !== "pglite" && kind !== "postgres") {
    throw new Error(
      `TEST_DB must be "pglite" or "postgres" (got ${JSON.stringify(kind)}): run through a vitest project`,
    );
  }
  return kind;
}

export type TestDatabase = { url: string; db: Db; drop(): Promise<void> };

/** Runs one statement on a short-lived connection (test assertions and set-up, outside Prisma). */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function createEmptyDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  if (dbKind() === "pglite") {
    throw new Error("pglite databases come from templates: see createTestDatabase");
  }
  const adminUrl = inject("pgAdminUrl");
  if (!adminUrl) throw new Error("pgAdminUrl was not provided: the postgres project's globalSetup did not run");
  const name = `t_${randomBytes(6).toString("hex")}`;
  await sql(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dispose: async () => {
      await sql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * A fresh database with migrations applied and the catalog seeded (what `npm start` leaves behind),
 * or with nothing applied at all when `bare` (for migration tests).
 */
export async function createTestDatabase(opts: { bare?: boolean } = {}): Promise<TestDatabase> {
  if (dbKind() === "pglite") return fromPgliteTemplate(opts.bare ? "pgliteEmptyTemplate" : "pgliteSeededTemplate");
  const { url, dispose } = await createEmptyDatabase();
  let db: Db;
  try {
    db = opts.bare ? createDb(url, 4) : await bootstrapDatabase({ url });
  } catch (err) {
    await dispose();
    throw err;
  }
  let dropped = false;
  return {
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect().catch(() => {});
      await dispose();
    },
  };
}

/** An in-memory PGlite loaded from a dump made once per run (tests/setup/pglite-templates.ts). */
async function fromPgliteTemplate(which: "pgliteEmptyTemplate" | "pgliteSeededTemplate"): Promise<TestDatabase> {
  const path = inject(which);
  if (!path) throw new Error(`${which} was not provided: the pglite project's globalSetup did not run`);
  const server = await startEmbedded(null, { loadDataDir: new Blob([readFileSync(path)]) });
  const db = createDb(server.url, 4);
  let dropped = false;
  return {
    url: server.url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect().catch(() => {});
      await server.stop();
    },
  };
}
