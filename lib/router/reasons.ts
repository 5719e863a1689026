/**
 * Why a candidate was excluded, as a small number while deciding and as short human text only
 * when someone reads it (a decision excludes hundreds of models in a big catalog; formatting
 * all those strings would cost more than the decision itself).
 */
import { formatMicros } from "./cost.ts";
import type { ExclusionStep, LatencySlo, QualityTier } from "./types.ts";

/**
 * Codes are ordered by step: 1-16 are rules and hard filters (15: the gateway key's fence), 17-18
 * money, 19 latency, 20 quality, so "got past the filters" is `code === OK || code >= BUDGET_EXHAUSTED`.
 */
export const REASON = {
  OK: 0,
  RULE_EXCLUDED: 1,
  PROVIDER_DISABLED: 2,
  PRIVACY_CLOUD: 3,
  CIRCUIT_OPEN: 4,
  NO_KEY: 5,
  REGION: 6,
  MODEL_DISABLED: 7,
  INVALID_ENTRY: 8,
  CONTEXT: 9,
  NO_VISION: 10,
  NO_TOOLS: 11,
  NO_JSON: 12,
  /** An embeddings model asked for a chat completion. */
  EMBEDDINGS_ONLY: 13,
  /** A chat model asked for embeddings. */
  NOT_EMBEDDINGS: 14,
  KEY_FENCE: 15,
  MAX_COST: 16,
  BUDGET_EXHAUSTED: 17,
  CREDITS: 18,
  LATENCY: 19,
  QUALITY: 20,
} as const;

export type ReasonCode = (typeof REASON)[keyof typeof REASON];

export function stepOf(code: ReasonCode): ExclusionStep {
  if (code === REASON.RULE_EXCLUDED) return "rule";
  if (code === REASON.BUDGET_EXHAUSTED || code === REASON.CREDITS) return "money";
  if (code === REASON.LATENCY) return "latency";
  if (code === REASON.QUALITY) return "quality";
  return "filter";
}

/** Everything a reason may mention. */
export interface ReasonDetails {
  providerSlug: string;
  providerRegion: string;
  /** Name of the rule that excluded the provider. */
  ruleName?: string;
  contextTokens: number;
  neededTokens: number;
  /** The request's region (lower-cased). */
  region: string | null;
  /** The estimate the money or max-cost check compared. */
  costMicros: number;
  maxCostMicros: number | null;
  availableMicros: number;
  latencyMs: number;
  latencySlo: LatencySlo | null;
  latencyLimitMs: number | null;
  quality: number;
  qualityTier: QualityTier | null;
  qualityFloor: number;
}

/** The exclusion text of a model the caller's API key does not allow (the gateway looks for it). */
export const KEY_FENCE_TEXT = "not allowed by this API key";

export function describeReason(code: ReasonCode, d: ReasonDetails): string {
  switch (code) {
    case REASON.OK:
      return "";
    case REASON.RULE_EXCLUDED:
      return `provider ${d.providerSlug} excluded by rule "${d.ruleName ?? "?"}"`;
    case REASON.PROVIDER_DISABLED:
      return `provider ${d.providerSlug} disabled`;
    case REASON.PRIVACY_CLOUD:
      return `privacy required: ${d.providerSlug} is a cloud provider`;
    case REASON.CIRCUIT_OPEN:
      return `provider ${d.providerSlug} unhealthy (circuit open)`;
    case REASON.NO_KEY:
      return `no key for ${d.providerSlug} (needs a platform key or your own BYOK key)`;
    case REASON.REGION:
      return `region ${d.providerRegion}, request needs ${d.region}`;
    case REASON.MODEL_DISABLED:
      return "model disabled";
    case REASON.INVALID_ENTRY:
      return "catalog entry invalid (prices must be integer micro-USD per 1M tokens)";
    case REASON.CONTEXT:
      return `context window ${d.contextTokens} < ${d.neededTokens} needed`;
    case REASON.NO_VISION:
      return "no vision support (request has images)";
    case REASON.NO_TOOLS:
      return "no tools support (request uses tools)";
    case REASON.NO_JSON:
      return "no JSON output support (request sets response_format)";
    case REASON.EMBEDDINGS_ONLY:
      return "an embeddings model (not for chat)";
    case REASON.NOT_EMBEDDINGS:
      return "not an embeddings model";
    case REASON.KEY_FENCE:
      return KEY_FENCE_TEXT;
    case REASON.MAX_COST:
      return `estimated cost ${formatMicros(d.costMicros)} > max_cost_usd ${formatMicros(d.maxCostMicros ?? 0)}`;
    case REASON.BUDGET_EXHAUSTED:
      return "monthly budget exhausted (only free or BYOK models)";
    case REASON.CREDITS:
      return `estimated cost ${formatMicros(d.costMicros)} > available credits ${formatMicros(Math.max(0, d.availableMicros))}`;
    case REASON.LATENCY:
      return `first token ~${d.latencyMs} ms, ${d.latencySlo} needs < ${d.latencyLimitMs} ms`;
    case REASON.QUALITY:
      return `quality ${d.quality} < ${d.qualityFloor.toFixed(1)} (${d.qualityTier})`;
  }
}

export function emptyDetails(): ReasonDetails {
  return {
    providerSlug: "",
    providerRegion: "",
    contextTokens: 0,
    neededTokens: 0,
    region: null,
    costMicros: 0,
    maxCostMicros: null,
    availableMicros: 0,
    latencyMs: 0,
    latencySlo: null,
    latencyLimitMs: null,
    quality: 0,
    qualityTier: null,
    qualityFloor: 0,
  };
}
