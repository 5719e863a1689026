import type pg from "pg";
import { sqlTargetOf, type Db } from "./client.ts";
import { toMicros } from "../money/units.ts";

/**
 * The request path's few statements (hold, settle + usage row) in hand-written SQL on the same
 * pool Prisma uses: the profile showed Prisma's per-query work (query plan, result mapping, its
 * async hops) costing more CPU than the statements themselves. Everything else stays Prisma.
 *
 * On PostgreSQL each statement is prepared once per connection (`name`), so the server parses and
 * plans it once. Not on the embedded database: PGlite is one session behind a socket that several
 * connections share, where a second PREPARE of the same name would fail.
 */
export async function sqlRows<R extends pg.QueryResultRow>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const { pool, prepare } = sqlTargetOf(db);
  const result = await pool.query<R>(prepare ? { name, text, values } : { text, values });
  return result.rows;
}

/** An int8 column as pg returns it (a string), as a safe integer: money and counts. */
export function int8(value: string | number | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : toMicros(BigInt(value));
}
