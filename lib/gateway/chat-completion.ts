import type { Caller } from "../auth/caller.ts";
import type { KeyRing } from "../crypto/secret-box.ts";
import { ApiError } from "../http/errors.ts";
import { microsToUsd } from "../money/units.ts";
import { chainOf, type RouteCandidate } from "../router/types.ts";
import { UpstreamError, type ProviderAdapter, type ProviderConfig, type UpstreamEvent } from "../providers/types.ts";
import type { HealthRecorder } from "../health/recorder.ts";
import type { ServerTiming } from "../http/server-timing.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { CompletionAccumulator, isFirstToken } from "./accumulator.ts";
import { upstreamRequest, type ChatCompletionBody } from "./chat-request.ts";
import { KIND_FROM_DB } from "../catalog/provider-kinds.ts";
import type { GatewayDeps, Plan } from "./plan.ts";
import { addCosts, NO_COST, servedCost, tokenCounts } from "./invoice.ts";
import type { InvoiceCost } from "../router/cost.ts";
import type { AttemptRecord } from "./usage-log.ts";
import { buildReceipt } from "./receipt.ts";
import { asUpstreamError, claimTrial, markInvalid, noteFailure, noteSuccess, providerKey, shouldFallBack } from "./attempts.ts";
import { holdCredits, planWithinLimits } from "./admission.ts";
import { precisionCost } from "./precision-cost.ts";
import { routeHeaders } from "./route-headers.ts";
import { chatCompletionsDialect, type ReplyDialect } from "./reply-dialect.ts";
import { budgetState, byokFeeMicros } from "../router/money.ts";
import type { GatewayLimits } from "../limits/gateway-limits.ts";
import { recordRequest } from "../metrics/registry.ts";
import { logRequest } from "../log/request-line.ts";
import { log } from "../log/logger.ts";

export type ChatDeps = GatewayDeps & {
  adapterFor: (config: ProviderConfig) => ProviderAdapter;
  masterKey: () => Buffer | KeyRing;
  healthRecorder?: HealthRecorder;
  /** Rate limits per user and key; admitted in parallel with routing, tokens counted at settle. */
  limits?: GatewayLimits;
  /**
   * Marks a BYOK key the provider refused (401/403) during real traffic (lib/byok): routing stops
   * using it at once. The reason is scrubbed before it gets here.
   */
  markByokInvalid?: (keyId: string, reason: string, opts: { secrets: string[]; ciphertext: string }) => Promise<unknown>;
  now?: () => number;
};

export type ChatCall = {
  caller: Caller;
  body: ChatCompletionBody;
  requestId: string;
  signal: AbortSignal;
  timing?: ServerTiming;
  /** How the reply is written (default: OpenAI chat completions). */
  dialect?: ReplyDialect;
};

const dialectOf = (call: ChatCall): ReplyDialect => call.dialect ?? chatCompletionsDialect;

export { shouldFallBack };

type OpenStream = { iterator: AsyncIterator<UpstreamEvent>; buffered: UpstreamEvent[]; done: boolean; ttftMs: number };

type Finished = { chargedMicros: number; availableMicros: number; promptTokens: number; completionTokens: number };

type Outcome = {
  status: "success" | "error" | "cancelled";
  error: string | null;
  candidate: RouteCandidate | null;
  acc: CompletionAccumulator | null;
  ttftMs: number | null;
};

/**
 * One request end to end: route, hold credits, walk the candidates until one answers (falling
 * back transparently while nothing has reached the client), stream or aggregate the reply,
 * settle the real cost, and record usage and health.
 */
export async function chatCompletion(deps: ChatDeps, call: ChatCall): Promise<Response> {
  const now = deps.now ?? Date.now;
  const started = now();
  let plan = await planWithinLimits(deps, call.caller, call.body);
  call.timing?.mark("route");
  const created = Math.floor(started / 1000);
  const completionId = `chatcmpl-${call.requestId}`;
  const attempts: AttemptRecord[] = [];

  // The hold covers the dearest candidate the walk may reach; settle charges what was used.
  const held = await holdCredits(deps, call.caller, call.requestId, plan, call.body);
  plan = held.plan;
  const { hold, availableAfterHold } = held;
  call.timing?.mark("hold");
  const chain = chainOf(plan.decision);

  let finished = false;
  /** When the first upstream call began: what came before is the gateway's own overhead. */
  let firstUpstreamAt: number | null = null;
  // What failed attempts cost the platform after their provider had started billing (it reported
  // usage or produced tokens before the stream broke or timed out): the provider bills them, so
  // finance sees them in provider cost; the caller, who got nothing from them, is not charged.
  let abandoned: InvoiceCost = NO_COST;
  const abandon = (candidate: RouteCandidate, acc: CompletionAccumulator): number => {
    const reported = acc.reportedUsage();
    if (!reported && !acc.produced) return 0;
    const model = plan.catalog.models.find((m) => m.id === candidate.modelId);
    const cost = servedCost(model, tokenCounts(reported, acc.produced ? plan.promptTokens : 0, acc.completionTokens()), candidate.byok);
    abandoned = addCosts(abandoned, cost);
    return cost.total;
  };
  /**
   * Works out the request's cost and hands the charge and usage row to the ledger, which journals
   * them at once and writes them in the background: nothing here waits on the database, so the
   * reply's last bytes leave right after (lib/ledger/settlements.ts says why that is safe).
   */
  const finish = (outcome: Outcome): Finished => {
    if (finished) throw new Error("request finished twice");
    finished = true;
    const model = outcome.candidate ? plan.catalog.models.find((m) => m.id === outcome.candidate!.modelId) : undefined;
    // Billed as the provider bills: its own counts when it gave any (a stream that broke or was
    // cancelled after it started is billed for its prompt and what it produced), else our
    // estimate of the prompt once anything was produced. An attempt that failed before its
    // first token never reaches here (the next candidate's accumulator does).
    const tokens = tokenCounts(outcome.acc?.reportedUsage() ?? null, outcome.acc?.produced ? plan.promptTokens : 0, outcome.acc?.completionTokens() ?? 0);
    const { promptTokens, completionTokens } = tokens;
    const byok = outcome.candidate?.byok ?? false;
    const served = servedCost(model, tokens, byok);
    const cost = addCosts(served, abandoned);
    // With the caller's own key the provider bills them; the platform charges only its BYOK fee.
    const fee = byok ? byokFeeMicros(servedCost(model, tokens, false).total, plan.caller.state.byokFeeBasisPoints ?? 0) : 0;
    const precisionMicros = precisionCost(plan, promptTokens, completionTokens);
    // The whole cost is charged, never capped (a cost past the hold becomes owed): what the ledger
    // will record is known here, so the reply can state it before the statement runs. BYOK: the
    // caller's key paid the provider, so both are 0.
    const charged = served.total + fee;
    const availableMicros = Math.max(0, (hold > 0 ? availableAfterHold + hold : plan.caller.state.availableCreditsMicros) - charged);
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
        providerId: outcome.candidate?.providerId ?? null,
        modelId: outcome.candidate?.modelId ?? null,
        providerSlug: outcome.candidate?.provider ?? plan.decision.primary.provider,
        modelName: outcome.candidate?.model ?? plan.decision.primary.model,
        powerLevel: outcome.candidate?.powerLevel ?? plan.decision.usedPowerLevel,
        taskType: plan.decision.taskType,
        ...tokens,
        chargedMicros: charged,
        providerCostMicros: cost.total,
        inputCostMicros: cost.input,
        cacheReadCostMicros: cost.cacheRead,
        cacheWriteCostMicros: cost.cacheWrite,
        outputCostMicros: cost.output,
        precisionCostMicros: precisionMicros,
        latencyMs: now() - started,
        ttftMs: outcome.ttftMs,
        status: outcome.status,
        errorMessage: outcome.error,
        fallbackCount: Math.max(0, attempts.length - 1),
        byok: outcome.candidate?.byok ?? false,
        stream: call.body.stream === true,
        api: dialectOf(call).name,
        attempts,
        receipt: buildReceipt({
          decision: plan.decision, catalogVersion: plan.catalog.version, rules: plan.catalog.rules, attempts, servedBy: outcome.candidate,
          maxTokens: plan.upstreamMaxTokens, cappedMaxTokens: plan.cappedMaxTokens, promptTokens: plan.promptTokens, budgetPercent: budgetState(plan.caller.state.budget).percent,
          heldMicros: hold, settledMicros: charged, precisionMicros, skippedPrimary: plan.skippedPrimary,
        }),
      },
    });
    const figures = {
      provider: outcome.candidate?.provider ?? plan.decision.primary.provider,
      model: outcome.candidate?.model ?? plan.decision.primary.model,
      powerLevel: outcome.candidate?.powerLevel ?? plan.decision.usedPowerLevel,
      status: outcome.status,
      stream: call.body.stream === true,
      promptTokens,
      completionTokens,
      chargedMicros: charged,
      providerCostMicros: cost.total,
      fallbacks: Math.max(0, attempts.length - 1),
      latencyMs: now() - started,
      ttftMs: outcome.ttftMs,
      overheadMs: firstUpstreamAt === null ? null : firstUpstreamAt - started,
    };
    recordRequest(figures);
    logRequest(call.requestId, call.caller, figures, attempts.at(-1)?.ok === false ? attempts.at(-1)!.status : null);
    deps.limits?.spent(call.caller, promptTokens + completionTokens).catch((err: unknown) => log().error({ request_id: call.requestId, err: scrubSecrets(String(err)) }, "token count for rate limits failed"));
    return { chargedMicros: charged, availableMicros, promptTokens, completionTokens };
  };

  try {
    for (const candidate of chain) {
      if (call.signal.aborted) break;
      // A provider whose shared circuit is half-open gets one request in the whole cluster.
      // Recorded as an attempt (503, nothing sent) so the receipt and the fallback count say so.
      if (plan.circuits.trial.has(candidate.providerId) && !(await claimTrial(deps, candidate.providerId))) {
        attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: 503, error: "not tried: its provider is down and another request is its half-open trial", latency_ms: 0, ttft_ms: null });
        continue;
      }
      const attemptStart = now();
      firstUpstreamAt ??= attemptStart;
      const ctrl = new AbortController();
      const onClientAbort = () => ctrl.abort();
      call.signal.addEventListener("abort", onClientAbort, { once: true });
      let streaming = false;
      const acc = new CompletionAccumulator();
      try {
        const opened = await openCandidate(deps, plan, call, candidate, ctrl, acc);
        call.timing?.mark("upstream");
        // The health sample's latency is the whole attempt (a stream's is taken when it ends).
        const sample = (ok: boolean, error: string | null, status: number | null) =>
          deps.healthRecorder?.record({ providerId: candidate.providerId, ok, latencyMs: now() - attemptStart, ttftMs: opened.ttftMs, statusCode: status, error });
        const record = (ok: boolean, error: string | null, status: number | null) => {
          attempts.push({ provider: candidate.provider, model: candidate.model, ok, status, error, latency_ms: now() - attemptStart, ttft_ms: opened.ttftMs });
          if (ok) noteSuccess(deps, plan, candidate.providerId, opened.ttftMs);
          if (!call.body.stream) sample(ok, error, status);
        };
        if (call.body.stream) {
          record(true, null, 200);
          streaming = true; // the stream owns the abort listener from here on
          return streamResponse(deps, plan, call, candidate, opened, acc, ctrl, finish, { completionId, created, attempts, availableMicros: availableAfterHold, sample });
        }
        // Not streaming to the client: nothing is sent until the end, so a stream that breaks
        // part-way can still fall back.
        if (!opened.done) for (let r = await opened.iterator.next(); !r.done; r = await opened.iterator.next()) acc.add(r.value);
        record(true, null, 200);
        const result = finish({ status: "success", error: null, candidate, acc, ttftMs: opened.ttftMs });
        return Response.json(
          dialectOf(call).body({ requestId: call.requestId, completionId, created, model: candidate.model, acc }, result),
          { headers: { ...routeHeaders(plan, candidate, attempts, result.availableMicros, call.requestId), "X-Cost-Incurred": String(microsToUsd(result.chargedMicros)) } },
        );
      } catch (err) {
        const e = asUpstreamError(err);
        if (call.signal.aborted) {
          deps.breakers.abandon(candidate.providerId);
          attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: 499, error: "client closed the request", latency_ms: now() - attemptStart, ttft_ms: null });
          finish({ status: "cancelled", error: "client closed the request", candidate, acc, ttftMs: null });
          return new Response(null, { status: 499 });
        }
        const lost = abandon(candidate, acc);
        attempts.push({ provider: candidate.provider, model: candidate.model, ok: false, status: e.status, error: e.message, latency_ms: now() - attemptStart, ttft_ms: null, ...(lost ? { provider_cost_micros: lost } : {}) });
        noteFailure(deps, plan, candidate.providerId, e.message);
        deps.healthRecorder?.record({ providerId: candidate.providerId, ok: false, latencyMs: null, ttftMs: null, statusCode: e.status, error: e.message });
        if (candidate.byok && (e.status === 401 || e.status === 403)) await markInvalid(deps, plan, call.caller.userId, candidate, e);
        if (!shouldFallBack(e.status)) {
          const message = `${candidate.provider} rejected the request: ${e.message}`;
          finish({ status: "error", error: message, candidate, acc: null, ttftMs: null });
          throw new ApiError(e.status >= 400 && e.status < 500 ? e.status : 502, "upstream_rejected", message);
        }
      } finally {
        if (!streaming) call.signal.removeEventListener("abort", onClientAbort);
      }
    }
    if (call.signal.aborted) {
      finish({ status: "cancelled", error: "client closed the request", candidate: null, acc: null, ttftMs: null });
      return new Response(null, { status: 499 });
    }
    const tried = attempts.map((a) => `${a.model} (${a.status === 0 ? "unreachable" : a.status}: ${a.error})`).join("; ");
    const message = `No provider could serve the request. Tried: ${tried}`;
    finish({ status: "error", error: message, candidate: null, acc: null, ttftMs: null });
    const allBusy = attempts.every((a) => a.status === 429 || a.status === 503 || a.status === 529);
    throw new ApiError(allBusy ? 503 : 502, "no_provider_available", message);
  } catch (err) {
    // Anything unexpected before the response: release the hold rather than leave it stuck.
    if (!finished) {
      try {
        finish({ status: "error", error: err instanceof Error ? err.message : String(err), candidate: null, acc: null, ttftMs: null });
      } catch (e) {
        log().error({ request_id: call.requestId, err: scrubSecrets(String(e)) }, "accounting failed");
      }
    }
    throw err;
  }
}

/** Starts the candidate and reads until its first real token, within the provider's first-token timeout. */
async function openCandidate(deps: ChatDeps, plan: Plan, call: ChatCall, candidate: RouteCandidate, ctrl: AbortController, acc: CompletionAccumulator): Promise<OpenStream> {
  const provider = plan.catalog.providers.get(candidate.providerId);
  if (!provider) throw new UpstreamError(`provider ${candidate.provider} was removed`, 404);
  const config: ProviderConfig = { slug: provider.slug, kind: provider.kind, baseUrl: provider.baseUrl, apiKey: providerKey(deps, plan, call.caller.userId, candidate), simulation: provider.simulation };
  const request = upstreamRequest(call.body, candidate.upstreamId, plan.upstreamMaxTokens, KIND_FROM_DB[provider.kind], candidate.byok);
  const started = (deps.now ?? Date.now)();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, provider.firstTokenTimeoutMs);
  deps.breakers.begin(candidate.providerId);
  try {
    const iterable = await deps.adapterFor(config).stream(request, ctrl.signal);
    const iterator = iterable[Symbol.asyncIterator]();
    const buffered: UpstreamEvent[] = [];
    for (;;) {
      const r = await iterator.next();
      if (r.done) return { iterator, buffered, done: true, ttftMs: (deps.now ?? Date.now)() - started };
      buffered.push(r.value);
      // Folded in as read, so an attempt that dies before its first token still shows what the
      // provider had reported (Anthropic's prompt counts arrive first) for its cost.
      acc.add(r.value);
      if (isFirstToken(r.value)) return { iterator, buffered, done: false, ttftMs: (deps.now ?? Date.now)() - started };
    }
  } catch (err) {
    if (timedOut && !call.signal.aborted) throw new UpstreamError(`no first token within ${provider.firstTokenTimeoutMs} ms`, 408);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function streamResponse(
  deps: ChatDeps,
  plan: Plan,
  call: ChatCall,
  candidate: RouteCandidate,
  opened: OpenStream,
  acc: CompletionAccumulator,
  ctrl: AbortController,
  finish: (o: Outcome) => Finished,
  meta: { completionId: string; created: number; attempts: readonly AttemptRecord[]; availableMicros: number; sample: (ok: boolean, error: string | null, status: number | null) => void },
): Response {
  const reply = dialectOf(call).stream({ requestId: call.requestId, completionId: meta.completionId, created: meta.created, model: candidate.model, acc });
  const toFrames = (e: UpstreamEvent) => reply.push(e);
  let ended = false;
  const end = (status: Outcome["status"], error: string | null) => {
    if (ended) return null;
    ended = true;
    return finish({ status, error, candidate, acc, ttftMs: opened.ttftMs });
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const e of opened.buffered) toFrames(e).forEach((f) => controller.enqueue(f));
    },
    async pull(controller) {
      try {
        // A pull that enqueues nothing leaves the reader waiting forever (Streams spec), so read
        // past events that produce no frame (the upstream's usage) until one does or the stream ends.
        while (!opened.done) {
          const r = await opened.iterator.next();
          if (r.done) break;
          acc.add(r.value);
          const frames = toFrames(r.value);
          if (frames.length) {
            frames.forEach((f) => controller.enqueue(f));
            return;
          }
        }
        meta.sample(true, null, 200);
        reply.end(end("success", null)).forEach((f) => controller.enqueue(f));
        controller.close();
      } catch (err) {
        if (call.signal.aborted) {
          try {
            end("cancelled", "client closed the request");
          } catch (e) {
            log().error({ request_id: call.requestId, err: scrubSecrets(String(e)) }, "accounting failed");
          }
          return;
        }
        if (ended) {
          // Accounting itself failed after the reply was complete: say so rather than hang the stream.
          log().error({ request_id: call.requestId, err: scrubSecrets(String(err)) }, "accounting failed");
          reply.fail(`accounting failed (request ${call.requestId})`, "internal_error", null).forEach((f) => controller.enqueue(f));
          controller.close();
          return;
        }
        // Content already reached the client: no fallback now. End with an explicit error event,
        // never a silently truncated 200.
        const e = asUpstreamError(err);
        const message = `${candidate.provider} stream failed after the response started: ${e.message}`;
        noteFailure(deps, plan, candidate.providerId, e.message);
        meta.sample(false, e.message, e.status);
        reply.fail(message, "upstream_stream_broken", end("error", message)).forEach((f) => controller.enqueue(f));
        controller.close();
      }
    },
    async cancel() {
      // The client went away: stop the upstream at once; what was produced is still accounted.
      ctrl.abort();
      end("cancelled", "client closed the request");
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
      ...routeHeaders(plan, candidate, meta.attempts, meta.availableMicros, call.requestId),
    },
  });
}



