import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { isEmbeddedUrl } from "./embedded-url.ts";
import { env } from "../config/env.ts";

export type Db = PrismaClient;
export type { Prisma } from "../generated/prisma/client.ts";

/**
 * Every process talks to the database over the PostgreSQL wire protocol: a real server, or the
 * embedded PGlite served on loopback by lib/db/embedded.ts. One code path for both.
 */
export function createDb(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({
    connectionString,
    // PGlite runs one statement at a time: more connections per process would only queue behind
    // each other (lib/db/wire-batch-guard.ts keeps the processes' exchanges apart).
    max: isEmbeddedUrl(connectionString) ? 1 : poolSize,
    idleTimeoutMillis: 30_000,
    // Timestamps are stored without zone: sessions in UTC keep them the real time on any server.
    options: "-c TimeZone=UTC",
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Prisma's defaults (2 s to start a transaction, 5 s to finish) are too tight for the embedded
  // database, which runs one transaction at a time: under load a short transaction can queue
  // behind others for longer than 2 s. Every transaction here is short; these are ceilings.
  const client = new PrismaClient({ adapter, transactionOptions: { maxWait: 20_000, timeout: 30_000 } });
  // Statements are prepared per connection on PostgreSQL, never on the embedded database (lib/db/sql.ts).
  Object.defineProperty(client, POOL, {
    value: { pool, prepare: !isEmbeddedUrl(connectionString) } satisfies SqlTarget,
  });
  return client;
}

// On the client itself under a global symbol, not in a module-level map: the fast path
// (scripts/serve.ts) and Next's bundles load separate copies of this module but share one client.
const POOL = Symbol.for("switchyard.pool");

/**
 * The connection pool under a client, for the few hot-path statements written in SQL
 * (lib/db/sql.ts): same connections, no Prisma per-query cost. Ended by the client's $disconnect.
 */
export type SqlTarget = { pool: pg.Pool; prepare: boolean };

export function sqlTargetOf(db: Db): SqlTarget {
  const target = (db as unknown as Record<symbol, SqlTarget | undefined>)[POOL];
  if (!target) throw new Error("this client was not made by createDb");
  return target;
}

const globalForDb = globalThis as unknown as { switchyardDb?: Db };

/** The process-wide client for the app server, created on first use from DATABASE_URL. */
export function db(): Db {
  if (!globalForDb.switchyardDb) {
    const url = env("DATABASE_URL");
    if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it");
    globalForDb.switchyardDb = createDb(url);
  }
  return globalForDb.switchyardDb;
}
