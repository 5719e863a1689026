import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import type { PowerLevel } from "../router/types.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { StoredReceipt } from "./receipt.ts";

export type AttemptRecord = {
  provider: string;
  model: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  /** A failed attempt the provider had started billing: what it cost the platform. */
  provider_cost_micros?: number;
};

/** The public API a request came through (the usage row's `api` column). */
export type GatewayApi = "chat.completions" | "messages" | "responses" | "embeddings";

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
  /** Parts of promptTokens (which counts every prompt token, OpenAI's meaning); absent: 0. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Part of completionTokens, billed as output; absent: 0. */
  reasoningTokens?: number;
  chargedMicros: number;
  /**
   * What the platform owes the provider (0 for BYOK); the gateway always gives the four parts
   * below, which sum to it exactly (absent, for rows made up by tests: 0).
   */
  providerCostMicros: number;
  inputCostMicros?: number;
  cacheReadCostMicros?: number;
  cacheWriteCostMicros?: number;
  outputCostMicros?: number;
  precisionCostMicros: number | null;
  latencyMs: number;
  ttftMs: number | null;
  status: "success" | "error" | "cancelled";
  errorMessage: string | null;
  fallbackCount: number;
  byok: boolean;
  stream: boolean;
  attempts: AttemptRecord[];
  receipt?: StoredReceipt | null;
  /** The API shape the client spoke (lib/gateway/reply-dialect.ts); absent: chat.completions. */
  api?: GatewayApi;
  /** The ledger's settle time when the request was charged; now otherwise. */
  createdAt?: Date;
};

// A usage row's columns other than charged_micros and created_at (the ledger's settle fills those
// in from the charge), with the SQL type each parameter is cast to.
const COLUMNS: readonly (readonly [string, string])[] = [
  ["id", "text"],
  ["user_id", "text"],
  ["api_key_id", "text"],
  ["provider_id", "text"],
  ["model_id", "text"],
  ["provider_slug", "text"],
  ["model_name", "text"],
  ["power_level", '"PowerLevel"'],
  ["task_type", "text"],
  ["prompt_tokens", "int4"],
  ["completion_tokens", "int4"],
  ["provider_cost_micros", "int8"],
  ["precision_cost_micros", "int8"],
  ["latency_ms", "int4"],
  ["ttft_ms", "int4"],
  ["status", "text"],
  ["error_message", "text"],
  ["fallback_count", "int4"],
  ["byok", "bool"],
  ["stream", "bool"],
  ["attempts", "jsonb"],
  ["receipt", "jsonb"],
  // Added later: always appended, so a journal line from an older version is a prefix (see padUsageValues).
  ["cache_read_tokens", "int4"],
  ["cache_write_tokens", "int4"],
  ["reasoning_tokens", "int4"],
  ["input_cost_micros", "int8"],
  ["cache_read_cost_micros", "int8"],
  ["cache_write_cost_micros", "int8"],
  ["output_cost_micros", "int8"],
  ["api", "text"],
];

/** The value a column appended later takes in a row journaled before it existed (its DB default). */
const APPENDED_DEFAULTS: Readonly<Record<string, string | number | boolean | null>> = {
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  input_cost_micros: 0,
  cache_read_cost_micros: 0,
  cache_write_cost_micros: 0,
  output_cost_micros: 0,
  api: "chat.completions",
};

/** A usage row as the parameters of the INSERT below, in COLUMNS order; plain JSON values (journaled as such). */
export type UsageValues = (string | number | boolean | null)[];

/**
 * One row per request, whatever happened to it, as parameters for a hand-written INSERT (this is
 * on every request's path). Error texts are scrubbed here again: they quote upstreams, and this
 * row outlives the request and is shown to the user.
 */
export function usageValues(r: Omit<UsageRecord, "createdAt">): UsageValues {
  return [
    r.id,
    r.userId,
    r.apiKeyId,
    r.providerId,
    r.modelId,
    r.providerSlug,
    r.modelName,
    r.powerLevel,
    r.taskType,
    r.promptTokens,
    r.completionTokens,
    r.providerCostMicros,
    r.precisionCostMicros,
    r.latencyMs,
    r.ttftMs,
    r.status,
    r.errorMessage === null ? null : scrubSecrets(r.errorMessage).slice(0, 1000),
    r.fallbackCount,
    r.byok,
    r.stream,
    JSON.stringify(r.attempts.map((a) => (a.error === null ? a : { ...a, error: scrubSecrets(a.error) }))),
    r.receipt ? JSON.stringify(r.receipt) : null,
    r.cacheReadTokens ?? 0,
    r.cacheWriteTokens ?? 0,
    r.reasoningTokens ?? 0,
    r.inputCostMicros ?? 0,
    r.cacheReadCostMicros ?? 0,
    r.cacheWriteCostMicros ?? 0,
    r.outputCostMicros ?? 0,
    r.api ?? "chat.completions",
  ];
}

/**
 * A usage row journaled by an older version (lib/ledger/settlements.ts) has fewer values: the
 * columns added since take their defaults, so the row still replays. An old row's costs were not
 * split by class; its parts stay 0 and only provider_cost_micros holds the total.
 */
export function padUsageValues(values: UsageValues): UsageValues {
  if (values.length >= COLUMNS.length) return values;
  return [
    ...values,
    ...COLUMNS.slice(values.length).map(([name]) => {
      if (!(name in APPENDED_DEFAULTS)) throw new Error(`a journaled usage row lacks ${name}, which has no default`);
      return APPENDED_DEFAULTS[name]!;
    }),
  ];
}

/** The INSERT's column list and SELECT list, its parameters numbered from `first`. */
export function usageInsertSql(first: number): { columns: string; select: string } {
  return {
    columns: COLUMNS.map((c) => c[0]).join(", "),
    select: COLUMNS.map(([, cast], i) => `$${first + i}::${cast}`).join(", "),
  };
}

/** The usage row of a request that moved no money (no hold, nothing charged): one statement, idempotent. */
export async function insertUsage(db: Db, values: UsageValues, chargedMicros: number, createdAt?: Date): Promise<void> {
  const { columns, select } = usageInsertSql(3);
  await sqlRows(
    db,
    "sy_usage",
    `INSERT INTO usage_logs (${columns}, charged_micros, created_at) SELECT ${select}, $1::int8, COALESCE($2::timestamptz::timestamp, now()) ON CONFLICT (id) DO NOTHING`,
    [chargedMicros, createdAt?.toISOString() ?? null, ...values],
  );
}
