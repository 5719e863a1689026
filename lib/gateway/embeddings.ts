/**
 * POST /api/v1/embeddings end to end, on the chat pipeline's accounting path: admitted by the
 * rate limits and routed among "embeddings" models (admission.ts, plan.ts), credits held for the
 * dearest candidate, the candidates walked with fallback, breakers, the shared circuits' trial and
 * health samples as chat walks them (attempts.ts), and the charge and usage row (api
 * "embeddings") handed to the ledger once by the same RequestRun (request-run.ts). Nothing is
 * streamed: an attempt that fails can always fall back.
 */
import type { Caller } from "../auth/caller.ts";
import { ApiError } from "../http/errors.ts";
import type { ServerTiming } from "../http/server-timing.ts";
import {
  UpstreamError,
  type ProviderAdapter,
  type UpstreamEmbeddings,
  type UpstreamEmbeddingsRequest,
} from "../providers/types.ts";
import { chainOf } from "../router/types.ts";
import { holdCredits, planWithinLimits } from "./admission.ts";
import { asUpstreamError, claimTrial, markInvalid, noteSuccess, providerKey, shouldFallBack } from "./attempts.ts";
import type { GatewayProvider } from "./catalog-store.ts";
import type { ChatDeps } from "./chat-completion.ts";
import {
  countInputTokens,
  embeddingsFacts,
  embeddingsRoutingRequest,
  type EmbeddingsBody,
} from "./embeddings-request.ts";
import { embeddingsReply } from "./embeddings-reply.ts";
import type { TokenCounts } from "./invoice.ts";
import { EmbeddingsRoute } from "./plan.ts";
import { RequestRun } from "./request-run.ts";

export type EmbeddingsCall = {
  caller: Caller;
  body: EmbeddingsBody;
  requestId: string;
  signal: AbortSignal;
  timing?: ServerTiming;
};

type Embedder = ProviderAdapter & Required<Pick<ProviderAdapter, "embed">>;
const canEmbed = (adapter: ProviderAdapter | null): adapter is Embedder => typeof adapter?.embed === "function";

export async function createEmbeddings(deps: ChatDeps, call: EmbeddingsCall): Promise<Response> {
  const now = deps.now ?? Date.now;
  const started = now();
  const facts = embeddingsFacts(call.body.input);
  const route = new EmbeddingsRoute(embeddingsRoutingRequest(call.body), facts);
  const planned = await planWithinLimits(deps, call.caller, route).catch((err: unknown) => {
    throw inputTooLong(err, facts.promptTokens);
  });
  call.timing?.mark("route");
  const held = await holdCredits(deps, call.caller, call.requestId, planned, route);
  call.timing?.mark("hold");
  // Settled as chat settles (one charge and usage row, handed to the ledger at once), with the
  // inputs' estimated tokens on the receipt; nothing is streamed.
  const run = new RequestRun(deps, call, held, started, "embeddings", false, facts.estimatedTokens);
  const { plan } = run;

  try {
    for (const candidate of chainOf(plan.decision)) {
      if (call.signal.aborted) break;
      // A provider whose shared circuit is half-open gets one request in the whole cluster.
      if (plan.circuits.trial.has(candidate.providerId) && !(await claimTrial(deps, candidate.providerId))) {
        run.trialTaken(candidate);
        continue;
      }
      const attemptStart = now();
      try {
        const provider = plan.catalog.providers.get(candidate.providerId);
        // Inside the attempt, as chat opens a candidate: a key that cannot be decrypted fails this
        // candidate (and falls back), not the request.
        const adapter = provider
          ? deps.adapterFor({
              slug: provider.slug,
              kind: provider.kind,
              baseUrl: provider.baseUrl,
              apiKey: providerKey(deps, plan, call.caller.userId, candidate),
              simulation: provider.simulation,
            })
          : null;
        // The router gives embeddings models only of providers that serve them; an admin may still
        // have labelled a model of one that cannot (Anthropic): skipped like a 404, the provider's
        // breaker and health untouched (nothing is wrong with it).
        if (!provider || !canEmbed(adapter)) {
          const error = provider
            ? `${candidate.provider} has no embeddings API`
            : `provider ${candidate.provider} was removed`;
          run.recordAttempt(candidate, false, 404, error, 0, null);
          continue;
        }
        run.firstUpstreamAt ??= attemptStart;
        const result = await embedWithin(
          deps,
          provider,
          adapter,
          upstreamRequest(call.body, candidate.upstreamId),
          call.signal,
        );
        call.timing?.mark("upstream");
        const latency = now() - attemptStart;
        run.recordAttempt(candidate, true, 200, null, latency, null);
        // The whole answer is the provider's "first token": its latency is what the breaker ranks by.
        noteSuccess(deps, plan, candidate.providerId, latency);
        deps.healthRecorder?.record({
          providerId: candidate.providerId,
          ok: true,
          latencyMs: latency,
          ttftMs: null,
          statusCode: 200,
          error: null,
        });
        // Billed as the provider bills: its own count; ours (exact, never sampled) when it gave none.
        const promptTokens = result.usage?.prompt_tokens ?? countInputTokens(call.body.input);
        const tokens: TokenCounts = {
          promptTokens,
          completionTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        };
        const settled = run.settle({ status: "success", error: null, candidate, acc: null, ttftMs: null }, tokens);
        return Response.json(
          embeddingsReply(result.data, candidate.model, promptTokens, call.body.encoding_format ?? "float"),
          { headers: run.headers(candidate, settled) },
        );
      } catch (err) {
        if (run.finished) throw err;
        const e = asUpstreamError(err);
        // Nothing was served: settled with no tokens (no accumulator to read them from).
        if (call.signal.aborted) return run.cancelled(candidate, attemptStart, null);
        run.failed(candidate, attemptStart, e, 0);
        if (candidate.byok && (e.status === 401 || e.status === 403))
          await markInvalid(deps, plan, call.caller.userId, candidate, e);
        if (!shouldFallBack(e.status)) run.rejected(candidate, e);
      }
    }
    return run.exhausted();
  } catch (err) {
    run.failedUnexpectedly(err);
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
async function embedWithin(
  deps: ChatDeps,
  provider: GatewayProvider,
  adapter: Embedder,
  request: UpstreamEmbeddingsRequest,
  clientSignal: AbortSignal,
): Promise<UpstreamEmbeddings> {
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
    if (result.data.length !== request.input.length)
      throw new UpstreamError(`upstream sent ${result.data.length} embeddings for ${request.input.length} inputs`, 502);
    return result;
  } catch (err) {
    if (timedOut && !clientSignal.aborted)
      throw new UpstreamError(`no answer within ${provider.firstTokenTimeoutMs} ms`, 408);
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
  return new ApiError(
    400,
    err.code,
    `The longest input has about ${longestInputTokens} tokens, more than the context window of any embeddings model that could serve it. Each input must fit the window on its own: shorten or split it.`,
    "input",
    err.headers,
  );
}
