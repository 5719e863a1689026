import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { badRequest } from "../http/errors.ts";
import { POWER_LEVELS } from "../router/types.ts";
import { DAY_MS } from "./rollup.ts";
import { financeRangeSchema, type Range } from "./range.ts";

const cursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor");
// The breakdowns name missing values "none" (requests that failed before any model was chosen).
const dimension = z.string().trim().min(1).max(200);

export const financeRequestsQuerySchema = financeRangeSchema.extend({
  user_id: z.string().trim().min(1).max(100).optional(),
  provider: dimension.optional(),
  model: dimension.optional(),
  power_level: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum([...POWER_LEVELS, "NONE"]))
    .optional(),
  day: z.iso.date().optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FinanceRequestsQuery = z.infer<typeof financeRequestsQuerySchema>;

type Row = {
  id: string;
  created_at: Date;
  user_id: string;
  email: string | null;
  provider_slug: string | null;
  model_name: string | null;
  power_level: string | null;
  status: string;
  byok: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  charged_micros: bigint;
  provider_cost_micros: bigint;
};

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const when = new Date(at ?? "");
  if (!id || Number.isNaN(when.getTime())) throw badRequest("cursor is not a cursor this API handed out", "cursor");
  return { at: when, id };
}
const encodeCursor = (r: Row) => Buffer.from(`${r.created_at.toISOString()}|${r.id}`, "utf8").toString("base64url");

const eqOrNull = (column: Prisma.Sql, value: string) =>
  value.toLowerCase() === "none" ? Prisma.sql`${column} IS NULL` : Prisma.sql`${column} = ${value}`;

/** The usage rows behind a figure, newest first, a page at a time (keyset on created_at, id). */
export async function financeRequests(db: Db, range: Range, q: FinanceRequestsQuery) {
  let { from, to } = range;
  if (q.day) {
    const start = new Date(`${q.day}T00:00:00Z`);
    from = new Date(Math.max(from.getTime(), start.getTime()));
    to = new Date(Math.min(to.getTime(), start.getTime() + DAY_MS));
  }
  const where: Prisma.Sql[] = [Prisma.sql`l.created_at >= ${from}`, Prisma.sql`l.created_at < ${to}`];
  if (q.user_id) where.push(Prisma.sql`l.user_id = ${q.user_id}`);
  if (q.provider) where.push(eqOrNull(Prisma.sql`l.provider_slug`, q.provider));
  if (q.model) where.push(eqOrNull(Prisma.sql`l.model_name`, q.model));
  if (q.power_level)
    where.push(
      q.power_level === "NONE"
        ? Prisma.sql`l.power_level IS NULL`
        : Prisma.sql`l.power_level = ${q.power_level}::"PowerLevel"`,
    );
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(Prisma.sql`(l.created_at, l.id) < (${c.at}, ${c.id})`);
  }
  const rows =
    from < to
      ? await db.$queryRaw<Row[]>`
        SELECT l.id, l.created_at, l.user_id, u.email, l.provider_slug, l.model_name, l.power_level::text AS power_level, l.status, l.byok,
               l.prompt_tokens, l.completion_tokens, l.cache_read_tokens, l.cache_write_tokens, l.reasoning_tokens, l.charged_micros, l.provider_cost_micros
        FROM usage_logs l LEFT JOIN users u ON u.id = l.user_id
        WHERE ${Prisma.join(where, " AND ")}
        ORDER BY l.created_at DESC, l.id DESC LIMIT ${q.limit + 1}`
      : [];
  const page = rows.slice(0, q.limit);
  return {
    data: page.map((r) => ({
      id: r.id,
      created_at: r.created_at.toISOString(),
      user_id: r.user_id,
      email: r.email,
      provider: r.provider_slug,
      model: r.model_name,
      power_level: r.power_level,
      status: r.status,
      byok: r.byok,
      prompt_tokens: r.prompt_tokens,
      completion_tokens: r.completion_tokens,
      cache_read_tokens: r.cache_read_tokens,
      cache_write_tokens: r.cache_write_tokens,
      reasoning_tokens: r.reasoning_tokens,
      charged_micros: Number(r.charged_micros),
      provider_cost_micros: Number(r.provider_cost_micros),
    })),
    next_cursor: rows.length > q.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
