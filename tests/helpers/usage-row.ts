// A usage row from a plain record, for tests that set up or inspect usage directly (the gateway
// writes its rows with the settle, lib/ledger/settlements.ts).
import type { Db } from "../../lib/db/client.ts";
import { insertUsage, usageValues, type UsageRecord } from "../../lib/gateway/usage-log.ts";

export function writeUsage(db: Db, r: UsageRecord): Promise<void> {
  return insertUsage(db, usageValues(r), r.chargedMicros, r.createdAt);
}

/** A minimal usage row for a request settled directly through the ledger, as the gateway always writes one with its charge. */
export function usageFor(userId: string, requestId: string): ReturnType<typeof usageValues> {
  return usageValues({
    id: requestId,
    userId,
    apiKeyId: null,
    providerId: null,
    modelId: null,
    providerSlug: "test",
    modelName: "test-model",
    powerLevel: "BALANCED",
    taskType: "chat",
    promptTokens: 10,
    completionTokens: 10,
    chargedMicros: 0,
    providerCostMicros: 0,
    precisionCostMicros: null,
    latencyMs: 1,
    ttftMs: 1,
    status: "success",
    errorMessage: null,
    fallbackCount: 0,
    byok: false,
    stream: false,
    attempts: [],
  });
}
