/**
 * POST /api/v1/embeddings end to end, on the chat pipeline's accounting path: admitted by the
 * rate limits and routed among "embeddings" models (admission.ts, plan.ts), credits held for the
 * dearest candidate, the candidates walked with fallback, breakers, the shared circuits' trial and
 * health samples as chat walks them (attempts.ts), and the charge and usage row (api
 * "embeddings") handed to the ledger once. Nothing is streamed: an attempt that fails can always
 * fall back.
 */
import type { Caller } from "../auth/caller.ts";
import { ApiError } from "../http/errors.ts";
import type { ServerTiming } from "../http/server-timing.ts";
import { log } from "../log/logger.ts";
import { logRequest } from "../log/request-line.ts";
import { recordRequest } from "../metrics/registry.ts";
import { microsToUsd } from "../money/units.ts";
import { UpstreamError, type ProviderAdapter, type UpstreamEmbeddings, type UpstreamEmbeddingsRequest } from "../providers/types.ts";
import { budgetState, byokFeeMicros } from "../router/money.ts";
import { chainOf, type RouteCandidate } from "../router/types.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { holdCredits, planWithinLimits } from "./admission.ts";
import { asUpstreamError, claimTrial, markInvalid, noteFailure, noteSuccess, providerKey, shouldFallBack } from "./attempts.ts";
import type { GatewayProvider } from "./catalog-store.ts";
import type { ChatDeps } from "./chat-completion.ts";
import { countInputTokens, embeddingsFacts, embeddingsRoutingRequest, type EmbeddingsBody } from "./embeddings-request.ts";
import { embeddingsReply } from "./embeddings-reply.ts";
import { servedCost, type TokenCounts } from "./invoice.ts";
import { EmbeddingsRoute } from "./plan.ts";
import { precisionCost } from "./precision-cost.ts";
import { buildReceipt } from "./receipt.ts";
import { routeHeaders } from "./route-headers.ts";
import type { AttemptRecord } from "./usage-log.ts";

export type EmbeddingsCall = {
  caller: Caller;
  body: EmbeddingsBody;
  requestId: string;
  signal: AbortSignal;
  timing?: ServerTiming;
};

type Outcome = {
  status: "success" | "error" | "cancelled";
  error: string | null;
  candidate: RouteCandidate | null;
  /** What the provider billed (its count, or ours when it gave none); 0 when nothing was served. */
  promptTokens: number;
};

type Settled = { chargedMicros: number; availableMicros: number };

type Embedder = ProviderAdapter & Required<Pick<ProviderAdapter, "embed">>;
const canEmbed = (adapter: ProviderAdapter | null): adapter is Embedder => typeof adapter?.embed === "function";

export async function createEmbeddings(deps: ChatDeps, call: EmbeddingsCall): Promise<Response> {
  const now = deps.now ?? Date.now;
  const started = now();
  const facts = embeddingsFacts(call.body.input);
  const route = new EmbeddingsRoute(embeddingsRoutingRequest(call.body), facts);
  let plan = await planWithinLimits(deps, call.caller, route).catch((err: unknown) => {
    throw inputTooLong(err, facts.promptTokens);
  });
  call.timing?.mark("route");
  const held = await holdCredits(deps, call.caller, call.requestId, plan, route);
  plan = held.plan;
  const { hold, availableAfterHold } = held;
  call.timing?.mark("hold");
  const attempts: AttemptRecord[] = [];
  /** When the first upstream call began: what came before is the gateway's own overhead. */
  let firstUpstreamAt: number | null = null;
  let finished = false;

  /** The charge and usage row, handed to the ledger at once and written in the background (as chat's finish). */
  const finish = (outcome: Outcome): Settled => {
    if (finished) throw new Error("request finished twice");
    finished = true;
    const candidate = outcome.candidate;
    const model = candidate ? plan.catalog.models.find((m) => m.id === candidate.modelId) : undefined;
    const tokens: TokenCounts = { promptTokens: outcome.promptTokens, completionTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    const byok = candidate?.byok ?? false;
    const cost = servedCost(model, tokens, byok);
    // With the caller's own key the provider bills them; the platform charges only its BYOK fee.
    const fee = byok ? byokFeeMicros(servedCost(model, tokens, false).total, plan.caller.state.byokFeeBasisPoints ?? 0) : 0;
    const charged = cost.total + fee;
    const precisionMicros = precisionCost(plan, outcome.promptTokens, 0, "embeddings");
    const availableMicros = Math.max(0, (hold > 0 ? availableAfterHold + hold : plan.caller.state.availableCreditsMicros) - charged);
    const provider = candidate?.provider ?? plan.decision.primary.provider;
    const modelName = candidate?.model ?? plan.decision.primary.model;
    const powerLevel = candidate?.powerLevel ?? plan.decision.usedPowerLevel;
    const latencyMs = now() - started;
    void deps.billing.finish({
      userId: call.caller.userId,
      requestId: call.requestId,
      chargeMicros: charged,
      reference: `request ${call.requestId}`,
      movesMoney: hold > 0 || charged > 0,
      usage: {
        id: call.requestId,
        userId: call.caller.userId,
        apiKeyId: call.caller.apiKeyId,
        providerId: candidate?.providerId ?? null,
        modelId: candidate?.modelId ?? null,
        providerSlug: provider,
        modelName,
        powerLevel,
        taskType: plan.decision.taskType,
        ...tokens,
        chargedMicros: charged,
        providerCostMicros: cost.total,
        inputCostMicros: cost.input,
        cacheReadCostMicros: 0,
        cacheWriteCostMicros: 0,
        outputCostMicros: 0,
        precisionCostMicros: precisionMicros,
        latencyMs,
        ttftMs: null,
        status: outcome.status,
        errorMessage: outcome.error,
        fallbackCount: Math.max(0, attempts.length - 1),
        byok,
        stream: false,
        api: "embeddings",
        attempts,
        receipt: buildReceipt({
          decision: plan.decision, catalogVersion: plan.catalog.version, rules: plan.catalog.rules, attempts, servedBy: candidate,
          maxTokens: 0, cappedMaxTokens: null, promptTokens: facts.estimatedTokens, budgetPercent: budgetState(plan.caller.state.budget).percent,
          heldMicros: hold, settledMicros: charged, precisionMicros, skippedPrimary: plan.skippedPrimary,
        }),
      },
    });
    const figures = {
      provider,
      model: modelName,
      powerLevel,
      status: outcome.status,
      stream: false,
      promptTokens: outcome.promptTokens,
      completionTokens: 0,
      chargedMicros: charged,
      providerCostMicros: cost.total,
      fallbacks: Math.max(0, attempts.length - 1),
      latencyMs,
      ttftMs: null,
      overheadMs: firstUpstreamAt === null ? null : firstUpstreamAt - started,
    };
    recordRequest(figures);
    logRequest(call.requestId, call.caller, figures, attempts.at(-1)?.ok === false ? attempts.at(-1)!.status : null);
    deps.limits?.spent(call.caller, outcome.promptTokens).catch((err: unknown) => log().error({ request_id: call.requestId, err: scrubSecrets(String(err)) }, "token count for rate limits failed"));
    return { chargedMicros: charged, availableMicros };
  };

  try {
    for (const candidate of chainOf(plan.decision)) {
      if (call.signal.aborted) break;
      // A provider whose shared circuit is half-open gets one request in the whole cluster.
      if (plan.circuits.trial.has(candidate.providerId) && !(await claimTrial(deps, candidate.providerId))) {
        attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: 503, error: "not tried: its provider is down and another request is its half-open trial", latency_ms: 0, ttft_ms: null });
        continue;
      }
      const attemptStart = now();
      try {
        const provider = plan.catalog.providers.get(candidate.providerId);
        // Inside the attempt, as chat opens a candidate: a key that cannot be decrypted fails this
        // candidate (and falls back), not the request.
        const adapter = provider ? deps.adapterFor({ slug: provider.slug, kind: provider.kind, baseUrl: provider.baseUrl, apiKey: providerKey(deps, plan, call.caller.userId, candidate), simulation: provider.simulation }) : null;
        // The router gives embeddings models only of providers that serve them; an admin may still
        // have labelled a model of one that cannot (Anthropic): skipped like a 404, the provider's
        // breaker and health untouched (nothing is wrong with it).
        if (!provider || !canEmbed(adapter)) {
          const error = provider ? `${candidate.provider} has no embeddings API` : `provider ${candidate.provider} was removed`;
          attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: 404, error, latency_ms: 0, ttft_ms: null });
          continue;
        }
        firstUpstreamAt ??= attemptStart;
        const result = await embedWithin(deps, provider, adapter, upstreamRequest(call.body, candidate.upstreamId), call.signal);
        call.timing?.mark("upstream");
        const latency = now() - attemptStart;
        attempts.push({ provider: candidate.provider, model: candidate.model, ok: true, status: 200, error: null, latency_ms: latency, ttft_ms: null });
        // The whole answer is the provider's "first token": its latency is what the breaker ranks by.
        noteSuccess(deps, plan, candidate.providerId, latency);
        deps.healthRecorder?.record({ providerId: candidate.providerId, ok: true, latencyMs: latency, ttftMs: null, statusCode: 200, error: null });
        // Billed as the provider bills: its own count; ours (exact, never sampled) when it gave none.
        const promptTokens = result.usage?.prompt_tokens ?? countInputTokens(call.body.input);
        const settled = finish({ status: "success", error: null, candidate, promptTokens });
        return Response.json(embeddingsReply(result.data, candidate.model, promptTokens, call.body.encoding_format ?? "float"), {
          headers: { ...routeHeaders(plan, candidate, attempts, settled.availableMicros, call.requestId), "X-Cost-Incurred": String(microsToUsd(settled.chargedMicros)) },
        });
      } catch (err) {
        if (finished) throw err;
        const e = asUpstreamError(err);
        if (call.signal.aborted) {
          deps.breakers.abandon(candidate.providerId);
          attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: 499, error: "client closed the request", latency_ms: now() - attemptStart, ttft_ms: null });
          finish({ status: "cancelled", error: "client closed the request", candidate, promptTokens: 0 });
          return new Response(null, { status: 499 });
        }
        attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: e.status, error: e.message, latency_ms: now() - attemptStart, ttft_ms: null });
        noteFailure(deps, plan, candidate.providerId, e.message);
        deps.healthRecorder?.record({ providerId: candidate.providerId, ok: false, latencyMs: null, ttftMs: null, statusCode: e.status, error: e.message });
        if (candidate.byok && (e.status === 401 || e.status === 403)) await markInvalid(deps, plan, call.caller.userId, candidate, e);
        if (!shouldFallBack(e.status)) {
          const message = `${candidate.provider} rejected the request: ${e.message}`;
          finish({ status: "error", error: message, candidate, promptTokens: 0 });
          throw new ApiError(e.status >= 400 && e.status < 500 ? e.status : 502, "upstream_rejected", message);
        }
      }
    }
    if (call.signal.aborted) {
      finish({ status: "cancelled", error: "client closed the request", candidate: null, promptTokens: 0 });
      return new Response(null, { status: 499 });
    }
    const tried = attempts.map((a) => `${a.model} (${a.status === 0 ? "unreachable" : a.status}: ${a.error})`).join("; ");
    const message = `No provider could serve the request. Tried: ${tried}`;
    finish({ status: "error", error: message, candidate: null, promptTokens: 0 });
    const allBusy = attempts.every((a) => a.status === 429 || a.status === 503 || a.status === 529);
    throw new ApiError(allBusy ? 503 : 502, "no_provider_available", message);
  } catch (err) {
    // Anything unexpected before the response: release the hold rather than leave it stuck.
    if (!finished) {
      try {
        finish({ status: "error", error: err instanceof Error ? err.message : String(err), candidate: null, promptTokens: 0 });
      } catch (e) {
        log().error({ request_id: call.requestId, err: scrubSecrets(String(e)) }, "accounting failed");
      }
    }
    throw err;
  }
}

/** What the provider is sent: the inputs as a list, float vectors (the reply is encoded here), no routing fields. */
function upstreamRequest(body: EmbeddingsBody, upstreamModel: string): UpstreamEmbeddingsRequest {
  const request: UpstreamEmbeddingsRequest = { model: upstreamModel, input: body.input };
  if (body.dimensions != null) request.dimensions = body.dimensions;
  if (body.user != null) request.user = body.user;
  return request;
}

/**
 * One call within the provider's first-token timeout: an embeddings reply arrives whole, so the
 * whole of it is what the timeout waits for. The client going away aborts the call at once.
 */
async function embedWithin(deps: ChatDeps, provider: GatewayProvider, adapter: Embedder, request: UpstreamEmbeddingsRequest, clientSignal: AbortSignal): Promise<UpstreamEmbeddings> {
  const ctrl = new AbortController();
  const onClientAbort = () => ctrl.abort();
  clientSignal.addEventListener("abort", onClientAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, provider.firstTokenTimeoutMs);
  deps.breakers.begin(provider.id);
  try {
    const result = await adapter.embed(request, ctrl.signal);
    // An adapter's own checks aside: a reply that is not one vector per input is not an answer.
    if (result.data.length !== request.input.length) throw new UpstreamError(`upstream sent ${result.data.length} embeddings for ${request.input.length} inputs`, 502);
    return result;
  } catch (err) {
    if (timedOut && !clientSignal.aborted) throw new UpstreamError(`no answer within ${provider.firstTokenTimeoutMs} ms`, 408);
    throw err;
  } finally {
    clearTimeout(timer);
    clientSignal.removeEventListener("abort", onClientAbort);
  }
}

/**
 * The router's context failure speaks of messages and max_tokens; for embeddings it is an input
 * too long for the window of every embeddings model that could serve it (each input must fit on
 * its own, however many there are).
 */
function inputTooLong(err: unknown, longestInputTokens: number): unknown {
  if (!(err instanceof ApiError) || err.code !== "context_length_exceeded") return err;
  return new ApiError(400, err.code, `The longest input has about ${longestInputTokens} tokens, more than the context window of any embeddings model that could serve it. Each input must fit the window on its own: shorten or split it.`, "input", err.headers);
}
