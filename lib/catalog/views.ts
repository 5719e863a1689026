import type { Db } from "../db/client.ts";
import { microsToUsd, toMicros } from "../money/units.ts";

import { KIND_FROM_DB } from "./provider-kinds.ts";
import type { SimulationConfig } from "../providers/types.ts";

/** Providers as the admin API shows them: the platform key is write-only, only its prefix shows. */
export async function listProviderViews(db: Db) {
  const rows = await db.provider.findMany({
    orderBy: [{ priority: "desc" }, { slug: "asc" }],
    include: { _count: { select: { models: true } } },
  });
  return rows.map((p) => ({
    id: p.id,
    slug: p.slug,
    name: p.name,
    kind: KIND_FROM_DB[p.kind],
    base_url: p.baseUrl,
    enabled: p.enabled,
    priority: p.priority,
    is_local: p.isLocal,
    region: p.region,
    compliance: p.compliance,
    requires_key: p.requiresKey,
    has_api_key: p.apiKeyCiphertext !== null,
    api_key_prefix: p.apiKeyPrefix,
    first_token_timeout_ms: p.firstTokenTimeoutMs,
    check_interval_s: p.kind === "SIMULATED" ? null : p.checkIntervalS,
    model_count: p._count.models,
    simulation: p.kind === "SIMULATED" ? ((p.simulation as SimulationConfig | null) ?? {}) : null,
  }));
}

export async function listModelViews(db: Db) {
  const rows = await db.llmModel.findMany({
    include: { provider: { select: { slug: true } } },
    orderBy: [{ powerLevel: "asc" }, { name: "asc" }],
  });
  return rows.map((m) => ({
    id: m.id,
    model_id: `${m.provider.slug}/${m.upstreamId}`,
    provider: m.provider.slug,
    upstream_id: m.upstreamId,
    name: m.name,
    power_level: m.powerLevel,
    input_per_1m: microsToUsd(toMicros(m.inputPricePer1M)),
    output_per_1m: microsToUsd(toMicros(m.outputPricePer1M)),
    /** null: cached tokens are billed at the input price. */
    cache_read_per_1m: m.cacheReadPricePer1M === null ? null : microsToUsd(toMicros(m.cacheReadPricePer1M)),
    cache_write_per_1m: m.cacheWritePricePer1M === null ? null : microsToUsd(toMicros(m.cacheWritePricePer1M)),
    latency_ms: m.latencyMs,
    quality: m.quality,
    context_tokens: m.contextTokens,
    capabilities: m.capabilities,
    enabled: m.enabled,
  }));
}
