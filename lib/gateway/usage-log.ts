import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import type { PowerLevel } from "../router/types.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { RoutingReceipt } from "./receipt.ts";

export type AttemptRecord = {
  provider: string;
  model: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  latency_ms: number;
  ttft_ms: number | null;
};

export type UsageRecord = {
  id: string;
  userId: string;
  apiKeyId: string | null;
  providerId: string | null;
  modelId: string | null;
  providerSlug: string | null;
  modelName: string | null;
  powerLevel: PowerLevel | null;
  taskType: string;
  promptTokens: number;
  completionTokens: number;
  chargedMicros: number;
  providerCostMicros: number;
  precisionCostMicros: number | null;
  latencyMs: number;
  ttftMs: number | null;
  status: "success" | "error" | "cancelled";
  errorMessage: string | null;
  fallbackCount: number;
  byok: boolean;
  stream: boolean;
  attempts: AttemptRecord[];
  receipt?: RoutingReceipt | null;
  /** The ledger's settle time when the request was charged; now otherwise. */
  createdAt?: Date;
};

/** A usage row's columns other than charged_micros and created_at, which the ledger's settle fills in. */
export type UsageColumns = { columns: string[]; values: unknown[]; casts: string[] };

/**
 * One row per request, whatever happened to it, as columns for a hand-written INSERT (this is on
 * every request's path). Error texts are scrubbed here again: they quote upstreams, and this row
 * outlives the request and is shown to the user.
 */
export function usageColumns(r: UsageRecord): UsageColumns {
  const cols: [string, unknown, string][] = [
    ["id", r.id, "text"],
    ["user_id", r.userId, "text"],
    ["api_key_id", r.apiKeyId, "text"],
    ["provider_id", r.providerId, "text"],
    ["model_id", r.modelId, "text"],
    ["provider_slug", r.providerSlug, "text"],
    ["model_name", r.modelName, "text"],
    ["power_level", r.powerLevel, '"PowerLevel"'],
    ["task_type", r.taskType, "text"],
    ["prompt_tokens", r.promptTokens, "int4"],
    ["completion_tokens", r.completionTokens, "int4"],
    ["provider_cost_micros", r.providerCostMicros, "int8"],
    ["precision_cost_micros", r.precisionCostMicros, "int8"],
    ["latency_ms", r.latencyMs, "int4"],
    ["ttft_ms", r.ttftMs, "int4"],
    ["status", r.status, "text"],
    ["error_message", r.errorMessage === null ? null : scrubSecrets(r.errorMessage).slice(0, 1000), "text"],
    ["fallback_count", r.fallbackCount, "int4"],
    ["byok", r.byok, "bool"],
    ["stream", r.stream, "bool"],
    ["attempts", JSON.stringify(r.attempts.map((a) => (a.error === null ? a : { ...a, error: scrubSecrets(a.error) }))), "jsonb"],
    ["receipt", r.receipt ? JSON.stringify(r.receipt) : null, "jsonb"],
  ];
  return { columns: cols.map((c) => c[0]), values: cols.map((c) => c[1]), casts: cols.map((c) => c[2]) };
}

/** The INSERT's column list and SELECT list for `u`, its parameters numbered from `first`. */
export function usageInsertSql(u: UsageColumns, first: number): { columns: string; select: string } {
  return { columns: u.columns.join(", "), select: u.casts.map((cast, i) => `$${first + i}::${cast}`).join(", ") };
}

/** The usage row of a request that moved no money (no hold, nothing charged): one statement. */
export async function writeUsage(db: Db, r: UsageRecord): Promise<void> {
  const u = usageColumns(r);
  const { columns, select } = usageInsertSql(u, 3);
  await sqlRows(
    db,
    "sy_usage",
    `INSERT INTO usage_logs (${columns}, charged_micros, created_at) SELECT ${select}, $1::int8, COALESCE($2::timestamptz::timestamp, now()) ON CONFLICT (id) DO NOTHING`,
    [r.chargedMicros, r.createdAt?.toISOString() ?? null, ...u.values],
  );
}
