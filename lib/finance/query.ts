import type pg from "pg";
import { sqlTargetOf, type Db } from "../db/client.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/**
 * A composed Prisma.Sql run on Prisma's own pg pool, rows as pg returns them (int8 and numeric as
 * strings). Finance reads aggregates of thousands of rows; Prisma's per-value result mapping cost
 * more than the queries themselves. Dates go as UTC ISO strings: the timestamp columns hold UTC.
 */
export async function queryRows<R extends pg.QueryResultRow>(db: Db, q: Prisma.Sql): Promise<R[]> {
  const values = q.values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v));
  return (await sqlTargetOf(db).pool.query<R>({ text: q.text, values })).rows;
}

/** An int8/numeric aggregate as pg returns it (string or null), as a number. */
export const num = (v: string | number | bigint | null | undefined): number => (v == null ? 0 : Number(v));
