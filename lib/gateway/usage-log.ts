import type { Db } from "../db/client.ts";
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

/**
 * One row per request, whatever happened to it. Error texts are scrubbed here again: they quote
 * upstreams, and this row outlives the request and is shown to the user.
 */
export async function writeUsage(db: Db, r: UsageRecord): Promise<void> {
  await db.usageLog.create({
    data: {
      ...r,
      chargedMicros: BigInt(r.chargedMicros),
      providerCostMicros: BigInt(r.providerCostMicros),
      precisionCostMicros: r.precisionCostMicros === null ? null : BigInt(r.precisionCostMicros),
      errorMessage: r.errorMessage === null ? null : scrubSecrets(r.errorMessage).slice(0, 1000),
      attempts: r.attempts.map((a) => (a.error === null ? a : { ...a, error: scrubSecrets(a.error) })),
      receipt: r.receipt ? (r.receipt as object) : undefined,
    },
  });
}
