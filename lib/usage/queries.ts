import { z } from "zod";
import type { Db } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { microsToUsd, toMicros } from "../money/units.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { receiptView, type StoredReceipt } from "../gateway/receipt.ts";

const DAY_MS = 86_400_000;

export const usageQuerySchema = z.object({
  from: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  to: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  group_by: z.enum(["day", "provider", "model", "power_level"]).default("day"),
});

/** [from, to) in UTC; a bare date for `to` includes that whole day. Default: the last 30 days. */
export function usageRange(q: { from?: string; to?: string }, now = new Date()): { from: Date; to: Date } {
  const endOfToday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
  const to = q.to ? (q.to.length === 10 ? new Date(Date.parse(q.to) + DAY_MS) : new Date(q.to)) : endOfToday;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (!(from < to)) throw badRequest("from must be before to", "from");
  if (to.getTime() - from.getTime() > 366 * DAY_MS) throw badRequest("the range may span at most 366 days", "from");
  return { from, to };
}

const GROUP_SQL = {
  day: Prisma.sql`to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`,
  provider: Prisma.sql`COALESCE(provider_slug, 'none')`,
  model: Prisma.sql`COALESCE(model_name, 'none')`,
  power_level: Prisma.sql`COALESCE(power_level::text, 'none')`,
} as const;

type Row = { key: string; requests: bigint; errors: bigint; prompt: bigint | null; completion: bigint | null; charged: bigint | null; precision: bigint | null };

function shape(r: Omit<Row, "key">) {
  const charged = toMicros(r.charged ?? 0n);
  const precision = toMicros(r.precision ?? 0n);
  return {
    requests: Number(r.requests),
    errors: Number(r.errors),
    prompt_tokens: Number(r.prompt ?? 0n),
    completion_tokens: Number(r.completion ?? 0n),
    spend_usd: microsToUsd(charged),
    spend_micros: charged,
    precision_cost_usd: microsToUsd(precision),
    savings_usd: microsToUsd(Math.max(0, precision - charged)),
  };
}

/** The caller's usage in a range: totals and one series. Spend is the ledger's charges, to the micro-dollar. */
export async function usageReport(db: Db, userId: string, q: z.infer<typeof usageQuerySchema>) {
  const { from, to } = usageRange(q);
  const where = Prisma.sql`user_id = ${userId} AND created_at >= ${from} AND created_at < ${to}`;
  const agg = Prisma.sql`count(*) AS requests, count(*) FILTER (WHERE status = 'error') AS errors, sum(prompt_tokens)::bigint AS prompt,
    sum(completion_tokens)::bigint AS completion, sum(charged_micros)::bigint AS charged, sum(COALESCE(precision_cost_micros, charged_micros))::bigint AS precision`;
  const [totals, series] = await Promise.all([
    db.$queryRaw<Omit<Row, "key">[]>`SELECT ${agg} FROM usage_logs WHERE ${where}`,
    db.$queryRaw<Row[]>`SELECT ${GROUP_SQL[q.group_by]} AS key, ${agg} FROM usage_logs WHERE ${where} GROUP BY 1 ORDER BY 1`,
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    group_by: q.group_by,
    totals: shape(totals[0] ?? { requests: 0n, errors: 0n, prompt: 0n, completion: 0n, charged: 0n, precision: 0n }),
    series: series.map((r) => ({ key: r.key, ...shape(r) })),
  };
}

/** One request's usage row (the caller's own), e.g. for a reply that was stopped mid-stream. */
export async function usageOfRequest(db: Db, userId: string, requestId: string) {
  const r = await db.usageLog.findFirst({ where: { id: requestId, userId } });
  if (!r) throw notFound("No usage recorded for that request");
  return {
    id: r.id, status: r.status, provider: r.providerSlug, model: r.modelName, power_level: r.powerLevel, task_type: r.taskType,
    prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, cost_usd: microsToUsd(toMicros(r.chargedMicros)),
    latency_ms: r.latencyMs, ttft_ms: r.ttftMs, fallback_count: r.fallbackCount, byok: r.byok,
    // Rows written before upstream text was scrubbed on the way in may still carry a key.
    error: r.errorMessage === null ? null : scrubSecrets(r.errorMessage),
    // Null for requests recorded before receipts existed.
    receipt: r.receipt ? receiptView(r.receipt as unknown as StoredReceipt) : null,
    created_at: r.createdAt.toISOString(),
  };
}
