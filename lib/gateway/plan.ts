import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import { decideRoute } from "../router/decide.ts";
import { estimatePromptTokens } from "../router/tokens.ts";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "../router/catalog-defaults.ts";
import { computeCostMicros } from "../router/cost.ts";
import type { HealthMap, RouteCandidate, RouteDecision, RouteInput } from "../router/types.ts";
import { ApiError } from "../http/errors.ts";
import type { CircuitBreakers } from "../health/circuit-breaker.ts";
import type { Billing } from "./billing.ts";
import type { CatalogStore, GatewayCatalog } from "./catalog-store.ts";
import { loadCallerState, type LoadedCaller } from "./caller-state.ts";
import { requestedMaxTokens, routingRequest, type ChatCompletionBody } from "./chat-request.ts";

export type GatewayDeps = {
  db: Db;
  catalog: CatalogStore;
  breakers: CircuitBreakers;
  billing: Billing;
};

export type Plan = {
  decision: RouteDecision;
  catalog: GatewayCatalog;
  caller: LoadedCaller;
  promptTokens: number;
  maxOutputTokens: number;
  /** max_tokens sent upstream: the client's own, lowered to what the caller can afford, or null. */
  upstreamMaxTokens: number | null;
  /** Set when credits forced a lower max_tokens than the request asked for (or the default). */
  cappedMaxTokens: number | null;
};

/** The smallest reply worth serving when credits are short. */
export const MIN_REPLY_TOKENS = 16;

const FAILURE_CODES: Record<string, string> = {
  privacy_no_local_model: "privacy_no_local_model",
  insufficient_credits: "insufficient_credits",
  budget_exhausted: "budget_exhausted",
  no_candidate: "no_provider_available",
  unknown_model: "model_not_found",
};

function healthMap(catalog: GatewayCatalog, breakers: CircuitBreakers): HealthMap {
  const map: Record<string, { circuitOpen: boolean; successRate?: number; p50LatencyMs?: number }> = {};
  for (const id of catalog.providers.keys()) {
    const { successRate, p50LatencyMs } = breakers.stats(id);
    map[id] = { circuitOpen: breakers.isOpen(id), successRate, p50LatencyMs };
  }
  return map;
}

/** Loads what routing needs and decides; a request nothing can serve becomes the matching ApiError. */
export async function planRoute(deps: GatewayDeps, caller: Caller, body: ChatCompletionBody): Promise<Plan> {
  const [catalog, loaded] = await Promise.all([deps.catalog.get(), loadCallerState(deps.db, deps.billing, caller)]);
  const promptTokens = estimatePromptTokens(body.messages as never, body.tools ?? undefined);
  const clientMaxTokens = requestedMaxTokens(body);
  const maxOutputTokens = clientMaxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const input: RouteInput = {
    request: routingRequest(body),
    promptTokens,
    maxOutputTokens,
    catalog: catalog.prepared,
    health: healthMap(catalog, deps.breakers),
    caller: loaded.state,
    rules: catalog.rules,
  };
  const result = decideRoute(input);
  if (result.ok) return { decision: result, catalog, caller: loaded, promptTokens, maxOutputTokens, upstreamMaxTokens: clientMaxTokens, cappedMaxTokens: null };

  // Short of credits for the full reply: rather than refuse, serve a shorter one if even a
  // minimal reply is affordable, with max_tokens capped to what the credits cover.
  if (result.code === "insufficient_credits" && maxOutputTokens > MIN_REPLY_TOKENS) {
    const minimal = decideRoute({ ...input, maxOutputTokens: MIN_REPLY_TOKENS });
    if (minimal.ok) {
      const capped = capToCredits(minimal, catalog, promptTokens, maxOutputTokens, loaded.state.availableCreditsMicros);
      return { decision: capped.decision, catalog, caller: loaded, promptTokens, maxOutputTokens: capped.maxTokens, upstreamMaxTokens: capped.maxTokens, cappedMaxTokens: capped.maxTokens };
    }
  }
  throw new ApiError(result.status, FAILURE_CODES[result.code] ?? result.code, result.message, result.code === "unknown_model" ? "model" : null);
}

/**
 * The largest max_tokens the credits cover on the primary (never more than asked), with the
 * fallbacks that are affordable at that size and every estimate recomputed for it.
 */
function capToCredits(d: RouteDecision, catalog: GatewayCatalog, promptTokens: number, wanted: number, availableMicros: number) {
  const prices = (c: RouteCandidate) => catalog.models.find((m) => m.id === c.modelId)!;
  const affordable = (c: RouteCandidate) => {
    if (c.byok || c.free) return wanted;
    const m = prices(c);
    const left = availableMicros * 1_000_000 - promptTokens * m.inputPricePer1M;
    return m.outputPricePer1M === 0 ? wanted : Math.min(wanted, Math.floor(left / m.outputPricePer1M));
  };
  const maxTokens = Math.max(MIN_REPLY_TOKENS, affordable(d.primary));
  const resize = (c: RouteCandidate): RouteCandidate => {
    const m = prices(c);
    const cost = computeCostMicros(promptTokens, maxTokens, m.inputPricePer1M, m.outputPricePer1M);
    return { ...c, providerCostMicros: cost, estimatedCostMicros: c.byok ? 0 : cost };
  };
  const decision: RouteDecision = {
    ...d,
    primary: resize(d.primary),
    fallbacks: d.fallbacks.filter((f) => affordable(f) >= maxTokens).map(resize),
    reason: `${d.reason}; max_tokens capped to ${maxTokens} by available credits`,
  };
  return { decision, maxTokens };
}
