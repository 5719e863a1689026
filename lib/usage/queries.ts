import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { microsToUsd, toMicros } from "../money/units.ts";
import { notFound } from "../http/errors.ts";
import { financeRange, splitRange } from "../finance/range.ts";
import { rolledUntil } from "../finance/rollup.ts";
import { userModelSource } from "../finance/sources.ts";
import { num, queryRows } from "../finance/query.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { receiptView, type StoredReceipt } from "../gateway/receipt.ts";

export const usageQuerySchema = z.object({
  from: z.iso
    .date()
    .or(z.iso.datetime({ offset: true }))
    .optional(),
  to: z.iso
    .date()
    .or(z.iso.datetime({ offset: true }))
    .optional(),
  group_by: z.enum(["day", "provider", "model", "power_level"]).default("day"),
});

// Over the per-user daily rollup and the raw rows grouped the same way (lib/finance/sources.ts).
const GROUP_SQL = {
  day: Prisma.sql`to_char(day, 'YYYY-MM-DD')`,
  provider: Prisma.sql`provider_slug`,
  model: Prisma.sql`model_name`,
  power_level: Prisma.sql`power_level`,
} as const;

type Row = {
  key: string;
  requests: string | null;
  errors: string | null;
  prompt: string | null;
  completion: string | null;
  charged: string | null;
  precision: string | null;
};

function shape(r: Omit<Row, "key">) {
  const charged = num(r.charged);
  const precision = num(r.precision);
  return {
    requests: num(r.requests),
    errors: num(r.errors),
    prompt_tokens: num(r.prompt),
    completion_tokens: num(r.completion),
    spend_usd: microsToUsd(charged),
    spend_micros: charged,
    precision_cost_usd: microsToUsd(precision),
    savings_usd: microsToUsd(Math.max(0, precision - charged)),
  };
}

/**
 * The caller's usage in a range: totals and one series. Spend is the ledger's charges, to the
 * micro-dollar. Whole rolled days come from the per-user daily rollup, the rest from the rows.
 */
export async function usageReport(db: Db, userId: string, q: z.infer<typeof usageQuerySchema>) {
  const { from, to } = financeRange(q);
  const { rolled, raw } = splitRange({ from, to }, await rolledUntil(db));
  const source = userModelSource(userId, rolled, raw);
  const agg = Prisma.sql`sum(requests)::int8 AS requests, sum(errors)::int8 AS errors, sum(prompt_tokens)::int8 AS prompt,
    sum(completion_tokens)::int8 AS completion, sum(charged_micros)::int8 AS charged, sum(precision_cost_micros)::int8 AS precision`;
  const [totals, series] = await Promise.all([
    queryRows<Omit<Row, "key">>(db, Prisma.sql`SELECT ${agg} FROM (${source}) s`),
    queryRows<Row>(
      db,
      Prisma.sql`SELECT ${GROUP_SQL[q.group_by]} AS key, ${agg} FROM (${source}) s GROUP BY 1 ORDER BY 1`,
    ),
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    group_by: q.group_by,
    totals: shape(
      totals[0] ?? { requests: "0", errors: "0", prompt: "0", completion: "0", charged: "0", precision: "0" },
    ),
    series: series.map((r) => ({ key: r.key, ...shape(r) })),
  };
}

/** One request's usage row (the caller's own), e.g. for a reply that was stopped mid-stream. */
export async function usageOfRequest(db: Db, userId: string, requestId: string) {
  const r = await db.usageLog.findFirst({ where: { id: requestId, userId } });
  if (!r) throw notFound("No usage recorded for that request");
  return {
    id: r.id,
    status: r.status,
    provider: r.providerSlug,
    model: r.modelName,
    power_level: r.powerLevel,
    task_type: r.taskType,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    cost_usd: microsToUsd(toMicros(r.chargedMicros)),
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    fallback_count: r.fallbackCount,
    byok: r.byok,
    // Rows written before upstream text was scrubbed on the way in may still carry a key.
    error: r.errorMessage === null ? null : scrubSecrets(r.errorMessage),
    // Null for requests recorded before receipts existed.
    receipt: r.receipt ? receiptView(r.receipt as unknown as StoredReceipt) : null,
    created_at: r.createdAt.toISOString(),
  };
}
