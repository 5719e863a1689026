import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import { decideRoute } from "../router/decide.ts";
import { estimatePromptTokens } from "../router/tokens.ts";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "../router/catalog-defaults.ts";
import type { HealthMap, RouteDecision } from "../router/types.ts";
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
  /** The client's own max_tokens, or null (then the upstream's default applies). */
  clientMaxTokens: number | null;
};

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
  const result = decideRoute({
    request: routingRequest(body),
    promptTokens,
    maxOutputTokens,
    catalog: catalog.prepared,
    health: healthMap(catalog, deps.breakers),
    caller: loaded.state,
    rules: catalog.rules,
  });
  if (!result.ok) {
    throw new ApiError(result.status, FAILURE_CODES[result.code] ?? result.code, result.message, result.code === "unknown_model" ? "model" : null);
  }
  return { decision: result, catalog, caller: loaded, promptTokens, maxOutputTokens, clientMaxTokens };
}
