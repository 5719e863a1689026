import { z } from "zod";
import { badRequest } from "../http/errors.ts";
import { ceilDay, DAY_MS, floorDay } from "./rollup.ts";

const instant = z.iso.date().or(z.iso.datetime({ offset: true }));

/** from/to as the usage API takes them: UTC dates (a bare `to` includes that day) or ISO instants. */
export const financeRangeSchema = z.object({ from: instant.optional(), to: instant.optional() });
export type FinanceRangeQuery = z.infer<typeof financeRangeSchema>;

export type Range = { from: Date; to: Date };

/**
 * [from, to) in UTC, for finance and each user's usage: a bare date for `to` includes that whole
 * day; default the last 30 days; at most 366 days (400 otherwise).
 */
export function financeRange(q: { from?: string; to?: string }, now = new Date()): Range {
  const endOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
  const to = q.to ? (q.to.length === 10 ? new Date(Date.parse(q.to) + DAY_MS) : new Date(q.to)) : endOfToday;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (!(from < to)) throw badRequest("from must be before to", "from");
  if (to.getTime() - from.getTime() > 366 * DAY_MS) throw badRequest("the range may span at most 366 days", "from");
  return { from, to };
}

/**
 * The range cut into the whole days the rollups hold and the edges read from raw rows: raw rows
 * before the first whole day, and from the rollups' horizon (or a partial last day) to `to`.
 */
export function splitRange(r: Range, rolledUntil: Date | null): { rolled: Range | null; raw: Range[] } {
  const start = ceilDay(r.from);
  const end = rolledUntil ? new Date(Math.min(floorDay(r.to).getTime(), rolledUntil.getTime())) : start;
  if (!(start < end)) return { rolled: null, raw: [r] };
  const raw: Range[] = [];
  if (r.from < start) raw.push({ from: r.from, to: start });
  if (end < r.to) raw.push({ from: end, to: r.to });
  return { rolled: { from: start, to: end }, raw };
}
