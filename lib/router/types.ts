/**
 * Types of the routing decision. Everything here is plain data: the gateway loads the catalog,
 * health, caller state and rules, and `decideRoute` turns them into a ranked plan without I/O.
 * Money is integer micro-USD; prices are integer micro-USD per 1M tokens.
 */
import type { PreparedCatalog } from "./catalog.ts";
import type { RoutingRule } from "./rules.ts";

export const POWER_LEVELS = ["ECO", "BALANCED", "PRECISION"] as const;
export type PowerLevel = (typeof POWER_LEVELS)[number];

export const TASK_TYPES = ["chat", "code", "rag", "creative", "reasoning", "analysis"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const LATENCY_SLOS = ["instant", "fast", "normal", "slow"] as const;
export type LatencySlo = (typeof LATENCY_SLOS)[number];

export const QUALITY_TIERS = ["basic", "good", "best"] as const;
export type QualityTier = (typeof QUALITY_TIERS)[number];

export const ROLES = ["USER", "ADMIN", "FINANCE"] as const;
export type Role = (typeof ROLES)[number];

/** The routing aliases accepted in `model` (case-insensitive). Anything else is a concrete model id. */
export const MODEL_ALIASES = ["auto", "eco", "balanced", "precision"] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

export interface RouterProvider {
  id: string;
  slug: string;
  name?: string;
  enabled: boolean;
  /** Higher wins ties. */
  priority: number;
  isLocal: boolean;
  /** e.g. "us", "eu", "global", "self-hosted". */
  region: string;
  /** False for keyless endpoints (local vLLM, simulated). */
  requiresKey: boolean;
  /** True when an admin stored a platform key for this provider. */
  hasPlatformKey: boolean;
}

/** One catalog model joined with its provider. */
export interface RouterModel {
  /** Catalog (database) id. */
  id: string;
  upstreamId: string;
  name: string;
  powerLevel: PowerLevel;
  /** Integer micro-USD per 1M prompt tokens. */
  inputPricePer1M: number;
  /** Integer micro-USD per 1M completion tokens. */
  outputPricePer1M: number;
  /** Integer micro-USD per 1M prompt tokens read from the provider's cache; null/absent: the input price. */
  cacheReadPricePer1M?: number | null;
  /** Integer micro-USD per 1M prompt tokens written to the provider's cache; null/absent: the input price. */
  cacheWritePricePer1M?: number | null;
  /** Typical time to first token, ms. */
  latencyMs: number;
  /** 0..10 */
  quality: number;
  contextTokens: number;
  capabilities: readonly string[];
  enabled: boolean;
  provider: RouterProvider;
}

export interface ProviderHealth {
  circuitOpen: boolean;
  /** Recent success rate 0..1; missing means unknown (treated as 1). */
  successRate?: number;
  /** The cluster's recent traffic says degraded (lib/health/degraded.ts): ranked as if it succeeded DEGRADED_SUCCESS_RATE of the time at best. */
  degraded?: boolean;
  /** Observed p50 latency; informational, see latency.ts for why the SLO uses the model's latencyMs. */
  p50LatencyMs?: number;
}

/** Keyed by provider id (a slug key is accepted too). Providers missing here count as healthy. */
export type HealthMap = Readonly<Record<string, ProviderHealth | undefined>>;

export interface RoutingWeights {
  cost: number;
  latency: number;
  quality: number;
}

/** The request's routing fields, already parsed (enums in these exact spellings). */
export interface RoutingRequest {
  /** `auto` | `eco` | `balanced` | `precision` (any case) or a concrete `<provider_slug>/<upstream_id>`. Absent = auto. */
  model?: string | null;
  powerLevel?: PowerLevel | null;
  /** Absent: inferred from `lastUserText` (see infer-task.ts), else chat. */
  taskType?: TaskType | null;
  privacyRequired?: boolean;
  latencySlo?: LatencySlo | null;
  quality?: QualityTier | null;
  /** `max_cost_usd` converted to integer micro-USD at the edge. Compared with the list-price estimate. */
  maxCostMicros?: number | null;
  region?: string | null;
  hasImages?: boolean;
  hasTools?: boolean;
  /** response_format asks for JSON: only models with the "json" capability serve it (a pin that lacks it: 400). */
  hasResponseFormat?: boolean;
  /** Absent: chat. Embeddings requests route among "embeddings" models only, chat requests never to them. */
  operation?: "chat" | "embeddings";
  /** Text of the last user message, only used to infer the task type when `taskType` is absent. */
  lastUserText?: string;
}

export interface CallerBudget {
  monthlyBudgetMicros: number;
  monthSpendMicros: number;
}

/** What a gateway key may use (lib/keys/fences.ts); a null list allows everything. */
export interface KeyFence {
  allowedLevels: ReadonlySet<PowerLevel> | null;
  /** Exact public ids, lower-cased. */
  allowedModels: ReadonlySet<string> | null;
  /** Provider slugs allowed whole, lower-cased (with allowedModels non-null). */
  allowedProviders: ReadonlySet<string> | null;
}

export interface CallerState {
  role: Role;
  apiKeyId?: string | null;
  /** The key's model and level fence; absent/null: none. */
  fence?: KeyFence | null;
  /** Provider ids (or slugs) the caller stored a BYOK key for. */
  byokProviderIds: readonly string[];
  /** Balance minus reservations, integer micro-USD. */
  availableCreditsMicros: number;
  /** The platform's fee on requests served with the caller's own key, basis points of list cost (default 0). */
  byokFeeBasisPoints?: number;
  /** Null/absent: no monthly budget. */
  budget?: CallerBudget | null;
  preferredPowerLevel?: PowerLevel | null;
  /** Null/absent: the power level's weights. Normalised to sum 1. */
  routingWeights?: RoutingWeights | null;
}

export interface RouteInput {
  request: RoutingRequest;
  /** Estimated prompt tokens (see tokens.ts): decides context fit, task inference and scores. */
  promptTokens: number;
  /**
   * A proven upper bound on the prompt tokens any provider can bill for this request
   * (token-bound.ts), or Infinity when only the model's context window bounds it (images).
   * Money — credit checks, max_cost_usd and the hold — prices min(bound, context window), so
   * no input can make a request cost more than was held. Absent: promptTokens.
   */
  promptTokensBound?: number;
  /**
   * Embeddings: how many inputs the prompt spans. A provider holds each input to the model's
   * window on its own (refusing or truncating a longer one), so money prices
   * min(bound, window × promptInputs), and `promptTokens` is then the longest input's count, the
   * one the window must hold. Absent: 1 (a chat prompt).
   */
  promptInputs?: number;
  /** max_tokens / max_completion_tokens, or the gateway's default (DEFAULT_MAX_OUTPUT_TOKENS). */
  maxOutputTokens: number;
  /**
   * Prefer `prepareCatalog(models)` once per catalog version (about 1 ms for 500 models); a plain
   * array is prepared on every call. Treat both as immutable once passed.
   */
  catalog: PreparedCatalog | readonly RouterModel[];
  health?: HealthMap;
  caller: CallerState;
  /** Active and inactive rules; inactive ones are ignored. */
  rules?: readonly RoutingRule[];
  /** Longest fallback chain returned (default 5). */
  maxFallbacks?: number;
}

export interface CandidateScores {
  /** 0..1, the ranking key (weights plus bonuses, scaled into 0..1). */
  composite: number;
  cost: number;
  latency: number;
  quality: number;
}

export interface RouteCandidate {
  /** Public id `<provider_slug>/<upstream_id>`. */
  model: string;
  /** Catalog id. */
  modelId: string;
  modelName: string;
  upstreamId: string;
  provider: string;
  providerId: string;
  powerLevel: PowerLevel;
  /** What the caller's credits are charged (0 for BYOK), integer micro-USD, for prompt + max output. */
  estimatedCostMicros: number;
  /** List-price estimate of the same tokens (what the provider bills). */
  providerCostMicros: number;
  byok: boolean;
  free: boolean;
  latencyMs: number;
  quality: number;
  contextTokens: number;
  scores: CandidateScores;
}

export type ExclusionStep = "rule" | "filter" | "money" | "latency" | "quality";

export interface Exclusion {
  model: string;
  modelId: string;
  provider: string;
  step: ExclusionStep;
  /** Short human text, e.g. "context window 8192 < 12000 needed". */
  reason: string;
}

export interface RouteDecision {
  ok: true;
  primary: RouteCandidate;
  /** Best first; providers not yet in the chain come before a second model of one already in it. */
  fallbacks: RouteCandidate[];
  /**
   * Every model a rule or filter removed, with its reason, in catalog order. Models of power
   * levels that were not routed at are not listed. Built on first read (an own enumerable
   * property, so JSON and spreads include it); routing hot paths that never read it skip the cost.
   */
  excluded: Exclusion[];
  /** Short human text for X-Routing-Reason. */
  reason: string;
  taskType: TaskType;
  taskTypeInferred: boolean;
  /** Level from alias / power_level / preference / BALANCED, before rules and budget. */
  requestedPowerLevel: PowerLevel;
  /** After a rule's force and the budget step-down. */
  effectivePowerLevel: PowerLevel;
  /** The level the candidates came from (differs from effective when it had no usable model). */
  usedPowerLevel: PowerLevel;
  steppedDownToEco: boolean;
  /** The level asked for (after rules and budget) when the caller's credits covered none of its models and a lower level served. */
  creditsShortAt: PowerLevel | null;
  /** The caller named a concrete model. */
  pinned: boolean;
  /** Set when a rule's pin chose the primary. */
  pinnedByRuleId: string | null;
  appliedRuleIds: string[];
  /** Weights actually used, summing to 1. */
  weights: RoutingWeights;
}

export const FAILURE_HTTP_STATUS = {
  context_length_exceeded: 400,
  privacy_no_local_model: 503,
  insufficient_credits: 402,
  budget_exhausted: 402,
  no_candidate: 503,
  unknown_model: 404,
  /** A pinned model that cannot do what the request asks (JSON output; chat vs embeddings). */
  unsupported_by_model: 400,
} as const;

export type RouteFailureCode = keyof typeof FAILURE_HTTP_STATUS;

export interface RouteFailure {
  ok: false;
  code: RouteFailureCode;
  /** HTTP status the gateway answers with. */
  status: (typeof FAILURE_HTTP_STATUS)[RouteFailureCode];
  /** Safe to show the caller; lists the exclusions briefly. */
  message: string;
  excluded: Exclusion[];
  taskType: TaskType;
  requestedPowerLevel: PowerLevel;
  effectivePowerLevel: PowerLevel;
  steppedDownToEco: boolean;
  appliedRuleIds: string[];
}

export type RouteResult = RouteDecision | RouteFailure;

/** A decision's candidates in the order the gateway tries them: the primary, then its fallbacks. */
export function chainOf(d: Pick<RouteDecision, "primary" | "fallbacks">): RouteCandidate[] {
  return [d.primary, ...d.fallbacks];
}
