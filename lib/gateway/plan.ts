import type { Db } from "../db/client.ts";
import type { Caller } from "../auth/caller.ts";
import { estimatePromptTokens } from "../router/tokens.ts";
import { promptTokenBound } from "../router/token-bound.ts";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "../router/catalog-defaults.ts";
import { FLAG_EMBEDDINGS, FLAG_ENABLED, FLAG_INVALID, FLAG_JSON } from "../router/catalog.ts";
import { computeCostMicros, formatMicros } from "../router/cost.ts";
import { chargedCostMicros } from "../router/money.ts";
import {
  chainOf,
  type HealthMap,
  type ProviderHealth,
  type RouteCandidate,
  type RouteDecision,
  type RouteInput,
  type RouteResult,
  type RoutingRequest,
} from "../router/types.ts";
import { ApiError } from "../http/errors.ts";
import type { CircuitBreakers } from "../health/circuit-breaker.ts";
import { NO_CIRCUITS, type CircuitSnapshot, type SharedCircuits } from "../health/shared-circuits.ts";
import type { Billing } from "./billing.ts";
import type { CatalogStore, GatewayCatalog } from "./catalog-store.ts";
import { loadCallerState, type LoadedCaller } from "./caller-state.ts";
import { requestedMaxTokens, routingRequest, type ChatCompletionBody } from "./chat-request.ts";
import { pricedParams } from "./forwarded-params.ts";
import { fencedRequest, fenceFailure, routeFor } from "./key-fence.ts";
import { keyBudgetExhausted, keyRemaining } from "../keys/fences.ts";
import { nextUtcMonth } from "../ledger/ledger.ts";

export type GatewayDeps = {
  db: Db;
  catalog: CatalogStore;
  breakers: CircuitBreakers;
  billing: Billing;
  /** The admin's BYOK fee in basis points of list cost (lib/byok/fee.ts; cached). Absent: none. */
  byokFee?: () => Promise<number>;
  /** Circuit state shared by the cluster's processes (lib/health/shared-circuits.ts; cached). Absent: this process's breakers only. */
  circuits?: Pick<SharedCircuits, "snapshot" | "open" | "close" | "claimTrial" | "reset" | "invalidate">;
};

export type Plan = {
  decision: RouteDecision;
  facts: BodyFacts;
  catalog: GatewayCatalog;
  caller: LoadedCaller;
  promptTokens: number;
  /** Proven upper bound of billable prompt tokens (Infinity: only each model's context window). */
  promptTokensBound: number;
  maxOutputTokens: number;
  /** max_tokens sent upstream, always: the client's own or the default, lowered to what the caller can afford. */
  upstreamMaxTokens: number;
  /** Set when credits forced a lower max_tokens than the request asked for (or the default). */
  cappedMaxTokens: number | null;
  /** The shared circuit state routing saw: a candidate in `trial` must claim the trial before it is tried. */
  circuits: CircuitSnapshot;
  /** The model that would have come first had its provider not been down (the chat says so). */
  skippedPrimary: SkippedPrimary | null;
};

export type SkippedPrimary = { model: string; provider: string; state: "down" | "circuit_open" };

/**
 * Routing again as if no provider were down, only when one is: if that would have put another
 * model first and its provider is the one down, the caller learns their usual model was skipped
 * and why, rather than wondering why the answer came from elsewhere.
 */
function skippedPrimaryOf(
  route: (input: RouteInput) => RouteResult,
  input: RouteInput,
  chosen: RouteDecision,
  circuits: CircuitSnapshot,
): SkippedPrimary | null {
  const health = input.health ?? {};
  let anyOpen = false;
  const allUp: Record<string, ProviderHealth | undefined> = {};
  for (const [id, h] of Object.entries(health)) {
    if (h?.circuitOpen) anyOpen = true;
    allUp[id] = h ? { ...h, circuitOpen: false } : h;
  }
  if (!anyOpen) return null;
  const ideal = route({ ...input, health: allUp });
  if (!ideal.ok || ideal.primary.modelId === chosen.primary.modelId || !health[ideal.primary.providerId]?.circuitOpen)
    return null;
  return {
    model: ideal.primary.model,
    provider: ideal.primary.provider,
    state: circuits.checkDown.has(ideal.primary.providerId) ? "down" : "circuit_open",
  };
}

/** The smallest reply worth serving when credits are short. */
export const MIN_REPLY_TOKENS = 16;

const FAILURE_CODES: Record<string, string> = {
  context_length_exceeded: "context_length_exceeded",
  privacy_no_local_model: "privacy_no_local_model",
  insufficient_credits: "insufficient_credits",
  budget_exhausted: "budget_exhausted",
  no_candidate: "no_provider_available",
  unknown_model: "model_not_found",
  unsupported_by_model: "model_not_supported",
};

/**
 * Circuit state and recent success per provider: open when this process's breaker is, or the
 * cluster's (another process's breaker, a failed active check) — except for the half-open trial.
 */
function healthMap(catalog: GatewayCatalog, breakers: CircuitBreakers, circuits: CircuitSnapshot): HealthMap {
  const map: Record<string, { circuitOpen: boolean; degraded: boolean; successRate?: number; p50LatencyMs?: number }> =
    {};
  for (const id of catalog.providers.keys()) {
    const { successRate, p50LatencyMs } = breakers.stats(id);
    map[id] = {
      circuitOpen: breakers.isOpen(id) || circuits.skip.has(id),
      degraded: circuits.degraded.has(id),
      successRate,
      p50LatencyMs,
    };
  }
  return map;
}

/**
 * Loads what routing needs and decides; a request nothing can serve becomes the matching ApiError.
 * Routing may start from the process's recent view of the caller's money; a decision that money
 * shaped (credits short, max_tokens capped, a 402) is made again on a
 * fresh read, so a stale view never downgrades or refuses anyone. A view that is stale the other
 * way is caught by the hold, which cannot overdraw (holdCredits in lib/gateway/admission.ts re-plans then).
 */
export async function planRoute(
  deps: GatewayDeps,
  caller: Caller,
  body: ChatCompletionBody | EmbeddingsRoute,
  opts: { freshMoney?: boolean; facts?: BodyFacts } = {},
): Promise<Plan> {
  // What the body says is worked out once per request, however often the money is re-read.
  const facts = opts.facts ?? (body instanceof EmbeddingsRoute ? body.facts : bodyFacts(body));
  const [catalog, loaded, circuits] = await Promise.all([
    deps.catalog.get(),
    loadCallerState(deps.db, deps.billing, caller, opts.freshMoney, deps.byokFee),
    deps.circuits?.snapshot() ?? NO_CIRCUITS,
  ]);
  let plan: Plan;
  try {
    plan = decidePlan(deps, caller, body, facts, catalog, loaded, circuits);
  } catch (err) {
    if (loaded.moneyCached && err instanceof ApiError && err.status === 402)
      return planRoute(deps, caller, body, { freshMoney: true, facts });
    throw err instanceof ApiError ? await explainRefusedKeys(deps.db, caller.userId, err) : err;
  }
  if (loaded.moneyCached && moneyShaped(plan)) return planRoute(deps, caller, body, { freshMoney: true, facts });
  return plan;
}

/**
 * The request's own facts for routing: prompt estimate and bound (a tokenizer pass and a JSON
 * walk), max_tokens; for embeddings, how many inputs the bound spans (RouteInput.promptInputs).
 */
export type BodyFacts = {
  promptTokens: number;
  promptTokensBound: number;
  maxOutputTokens: number;
  promptInputs?: number;
};

/**
 * An embeddings request as routing sees it (lib/gateway/embeddings.ts builds it from
 * embeddings-request.ts): its routing fields and facts, worked out once. A class, so planRoute tells it from a chat body
 * (which may carry any field at all) by instanceof.
 */
export class EmbeddingsRoute {
  constructor(
    readonly request: RoutingRequest,
    readonly facts: BodyFacts,
  ) {}
}

function bodyFacts(body: ChatCompletionBody): BodyFacts {
  return {
    promptTokens: estimatePromptTokens(body.messages, body.tools ?? undefined),
    promptTokensBound: promptTokenBound(body),
    maxOutputTokens: requestedMaxTokens(body) ?? DEFAULT_MAX_OUTPUT_TOKENS,
  };
}

function moneyShaped(plan: Plan): boolean {
  return plan.decision.creditsShortAt !== null || plan.cappedMaxTokens !== null;
}

function decidePlan(
  deps: GatewayDeps,
  caller: Caller,
  body: ChatCompletionBody | EmbeddingsRoute,
  facts: BodyFacts,
  catalog: GatewayCatalog,
  loaded: LoadedCaller,
  circuits: CircuitSnapshot,
): Plan {
  const { promptTokens, promptTokensBound, maxOutputTokens } = facts;
  const fences = caller.fences;
  const route = routeFor(fences?.routingProfile);
  const input: RouteInput = {
    request: fencedRequest(
      body instanceof EmbeddingsRoute ? body.request : routingRequest(body),
      fences,
      catalog.prepared,
      loaded.state.preferredPowerLevel,
    ),
    promptTokens,
    promptTokensBound,
    promptInputs: facts.promptInputs,
    maxOutputTokens,
    catalog: catalog.prepared,
    health: healthMap(catalog, deps.breakers, circuits),
    caller: loaded.state,
    rules: catalog.rules,
  };
  const result = route(input);
  const skippedPrimary = result.ok ? skippedPrimaryOf(route, input, result, circuits) : null;
  const base = { catalog, caller: loaded, facts, promptTokens, promptTokensBound, circuits, skippedPrimary };
  if (result.ok) {
    // Credits did not cover the level asked for: a shorter reply at that level beats a silent
    // step down, so cap max_tokens when a minimal reply there is affordable.
    if (result.creditsShortAt && maxOutputTokens > MIN_REPLY_TOKENS) {
      const minimal = route({ ...input, maxOutputTokens: MIN_REPLY_TOKENS });
      if (minimal.ok && minimal.usedPowerLevel === result.creditsShortAt)
        return withPricedParams(body, cappedPlan(minimal, base, maxOutputTokens));
    }
    return withPricedParams(body, {
      ...base,
      decision: result,
      maxOutputTokens,
      upstreamMaxTokens: maxOutputTokens,
      cappedMaxTokens: null,
    });
  }

  // Short of credits for the full reply: rather than refuse, serve a shorter one if even a
  // minimal reply is affordable, with max_tokens capped to what the credits cover.
  if (result.code === "insufficient_credits" && maxOutputTokens > MIN_REPLY_TOKENS) {
    const minimal = route({ ...input, maxOutputTokens: MIN_REPLY_TOKENS });
    if (minimal.ok) return withPricedParams(body, cappedPlan(minimal, base, maxOutputTokens));
  }
  const fenced = fenceFailure(result, fences);
  if (fenced) throw fenced;
  // Nothing in the catalog can answer in JSON: no provider outage explains that, so not a 503.
  if (result.code === "no_candidate" && input.request.hasResponseFormat && !canAnswerJson(catalog.prepared))
    throw new ApiError(400, "model_not_supported", NO_JSON_MODEL, "response_format");
  // The key's monthly limit, not the account, is what ran out.
  const key = loaded.keySpend;
  if (key && result.code === "insufficient_credits" && keyRemaining(key) < loaded.creditsMicros)
    throw keyBudgetExhausted(key, nextUtcMonth());
  const param =
    result.code === "unknown_model" || result.code === "unsupported_by_model"
      ? "model"
      : result.code === "context_length_exceeded"
        ? body instanceof EmbeddingsRoute
          ? "input"
          : "messages"
        : null;
  let message = result.message;
  if (result.code === "insufficient_credits" && loaded.owedMicros > 0)
    message = `Your account owes ${formatMicros(loaded.owedMicros)}: a request cost more than was held. Add credits to use paid models again.`;
  const failure = new ApiError(result.status, FAILURE_CODES[result.code] ?? result.code, message, param);
  const noKey = [...new Set(result.excluded.filter((e) => e.reason.startsWith(NO_KEY_PREFIX)).map((e) => e.provider))];
  if (noKey.length) keylessFailures.set(failure, noKey);
  throw failure;
}

const NO_JSON_MODEL =
  'No enabled chat model can answer in JSON (response_format): an admin adds the "json" capability to a model whose API honours response_format, or send the request without it.';

/** Some enabled chat model has the "json" capability (only asked on a failure path). */
function canAnswerJson(cat: GatewayCatalog["prepared"]): boolean {
  for (let i = 0; i < cat.flags.length; i++) {
    const f = cat.flags[i]!;
    if (f & FLAG_ENABLED && f & FLAG_JSON && !(f & FLAG_EMBEDDINGS) && !(f & FLAG_INVALID)) return true;
  }
  return false;
}

const NO_KEY_PREFIX = "no key for ";
/** Failures where some providers were out for want of a key: the slugs, to say why if the caller's own key was refused. */
const keylessFailures = new WeakMap<ApiError, string[]>();

/**
 * A routing failure where the caller's own key for a provider was left out because the provider
 * refused it (marked invalid during traffic): say so, with when and why, instead of only "no key".
 * Costs a query on this failure path only.
 */
async function explainRefusedKeys(db: Db, userId: string, err: ApiError): Promise<ApiError> {
  const slugs = keylessFailures.get(err);
  if (!slugs) return err;
  const refused = await db.userProviderKey.findMany({
    where: { userId, invalidAt: { not: null }, provider: { slug: { in: slugs } } },
    select: { invalidAt: true, invalidReason: true, provider: { select: { slug: true } } },
  });
  if (refused.length === 0) return err;
  const why = refused
    .map(
      (k) =>
        `your key for ${k.provider.slug} was refused by the provider at ${k.invalidAt!.toISOString()} (${k.invalidReason ?? "no reason given"}); replace it on the Keys page`,
    )
    .join("; ");
  return new ApiError(err.status, err.code, `${err.message}. ${why}`, err.param, err.headers);
}

function cappedPlan(
  minimal: RouteDecision,
  base: Pick<
    Plan,
    "catalog" | "caller" | "facts" | "promptTokens" | "promptTokensBound" | "circuits" | "skippedPrimary"
  >,
  wanted: number,
): Plan {
  const capped = capToCredits(
    minimal,
    base.catalog,
    base.promptTokensBound,
    wanted,
    base.caller.state.availableCreditsMicros,
    base.caller.state.byokFeeBasisPoints ?? 0,
  );
  return {
    ...base,
    decision: capped.decision,
    maxOutputTokens: capped.maxTokens,
    upstreamMaxTokens: capped.maxTokens,
    cappedMaxTokens: capped.maxTokens,
  };
}

/**
 * Parameters that change the price or retention go only to the caller's own key: the chain keeps
 * its BYOK candidates, and a request no BYOK candidate can serve is refused naming the field.
 */
function withPricedParams(body: ChatCompletionBody | EmbeddingsRoute, plan: Plan): Plan {
  // An embeddings request sends the provider only fields whose cost the hold bounds.
  if (body instanceof EmbeddingsRoute) return plan;
  const priced = pricedParams(body);
  if (priced.length === 0) return plan;
  const chain = chainOf(plan.decision).filter((c) => c.byok);
  if (chain.length === 0) {
    throw new ApiError(
      400,
      "unsupported_parameter",
      `\`${priced[0]}\` changes what the provider bills or keeps, so it is accepted only when your own provider key (BYOK) serves the request`,
      priced[0]!,
    );
  }
  return { ...plan, decision: { ...plan.decision, primary: chain[0]!, fallbacks: chain.slice(1) } };
}

/**
 * The largest max_tokens the credits cover on the primary (never more than asked), with the
 * fallbacks that are affordable at that size and every estimate recomputed for it.
 */
function capToCredits(
  d: RouteDecision,
  catalog: GatewayCatalog,
  promptBound: number,
  wanted: number,
  availableMicros: number,
  byokFeeBp: number,
) {
  // The router's own prices (lib/router/catalog.ts): a prompt token at its dearest (cache write
  // may cost more than input), so the capped estimate stays the proven bound the hold must be.
  const cat = catalog.prepared;
  const prices = (c: RouteCandidate) => {
    const i = cat.models.findIndex((m) => m.src.id === c.modelId);
    return { prompt: cat.promptPrice[i]!, output: cat.outputPrice[i]! };
  };
  // The prompt part of the hold, as the router prices it: the bound, capped by the context window.
  const billable = (c: RouteCandidate) => Math.min(promptBound, c.contextTokens);
  const affordable = (c: RouteCandidate) => {
    if (c.byok || c.free) return wanted;
    const m = prices(c);
    const left = availableMicros * 1_000_000 - billable(c) * m.prompt;
    return m.output === 0 ? wanted : Math.min(wanted, Math.floor(left / m.output));
  };
  const maxTokens = Math.max(MIN_REPLY_TOKENS, affordable(d.primary));
  const resize = (c: RouteCandidate): RouteCandidate => {
    const m = prices(c);
    const cost = computeCostMicros(billable(c), maxTokens, m.prompt, m.output);
    return { ...c, providerCostMicros: cost, estimatedCostMicros: chargedCostMicros(cost, c.byok, byokFeeBp) };
  };
  const decision: RouteDecision = {
    ...d,
    primary: resize(d.primary),
    fallbacks: d.fallbacks.filter((f) => affordable(f) >= maxTokens).map(resize),
    reason: `${d.reason}; max_tokens capped to ${maxTokens} by available credits`,
  };
  return { decision, maxTokens };
}
