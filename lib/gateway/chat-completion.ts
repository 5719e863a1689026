import type { KeyRing } from "../crypto/secret-box.ts";
import type { Caller } from "../auth/caller.ts";
import { chainOf, type RouteCandidate } from "../router/types.ts";
import { UpstreamError, type ProviderAdapter, type ProviderConfig, type UpstreamEvent } from "../providers/types.ts";
import type { HealthRecorder } from "../health/recorder.ts";
import type { ServerTiming } from "../http/server-timing.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { CompletionAccumulator, isFirstToken } from "./accumulator.ts";
import { upstreamRequest, type ChatCompletionBody } from "./chat-request.ts";
import { KIND_FROM_DB } from "../catalog/provider-kinds.ts";
import type { GatewayDeps } from "./plan.ts";
import {
  asUpstreamError,
  claimTrial,
  markInvalid,
  noteFailure,
  noteSuccess,
  providerKey,
  shouldFallBack,
} from "./attempts.ts";
import { holdCredits, planWithinLimits } from "./admission.ts";
import { chatCompletionsDialect, type ReplyDialect, type ReplyMeta } from "./reply-dialect.ts";
import { RequestRun, type Outcome } from "./request-run.ts";
import type { GatewayLimits } from "../limits/gateway-limits.ts";
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
  markByokInvalid?: (
    keyId: string,
    reason: string,
    opts: { secrets: string[]; ciphertext: string },
  ) => Promise<unknown>;
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

type ChatRun = RequestRun<ChatCall>;

const dialectOf = (call: ChatCall): ReplyDialect => call.dialect ?? chatCompletionsDialect;

export { shouldFallBack };

/** A candidate that answered: its stream so far, and what its attempt owns. */
type OpenStream = {
  iterator: AsyncIterator<UpstreamEvent>;
  buffered: UpstreamEvent[];
  done: boolean;
  ttftMs: number;
  acc: CompletionAccumulator;
  ctrl: AbortController;
  attemptStart: number;
};

/**
 * One request end to end: route, hold credits, walk the candidates until one answers (falling
 * back transparently while nothing has reached the client), stream or aggregate the reply,
 * settle the real cost, and record usage and health.
 */
export async function chatCompletion(deps: ChatDeps, call: ChatCall): Promise<Response> {
  const started = (deps.now ?? Date.now)();
  const planned = await planWithinLimits(deps, call.caller, call.body);
  call.timing?.mark("route");
  // The hold covers the dearest candidate the walk may reach; settle charges what was used.
  const held = await holdCredits(deps, call.caller, call.requestId, planned, call.body);
  call.timing?.mark("hold");
  const run: ChatRun = new RequestRun(
    deps,
    call,
    held,
    started,
    dialectOf(call).name,
    call.body.stream === true,
    held.plan.promptTokens,
  );
  const { plan } = run;

  try {
    for (const candidate of chainOf(plan.decision)) {
      if (call.signal.aborted) break;
      // A provider whose shared circuit is half-open gets one request in the whole cluster.
      if (plan.circuits.trial.has(candidate.providerId) && !(await claimTrial(deps, candidate.providerId))) {
        run.trialTaken(candidate);
        continue;
      }
      const attemptStart = run.now();
      run.firstUpstreamAt ??= attemptStart;
      const ctrl = new AbortController();
      const onClientAbort = () => ctrl.abort();
      call.signal.addEventListener("abort", onClientAbort, { once: true });
      let streaming = false;
      const acc = new CompletionAccumulator();
      try {
        const opened = await openCandidate(run, candidate, ctrl, acc, attemptStart);
        call.timing?.mark("upstream");
        if (call.body.stream) {
          answered(run, candidate, opened);
          streaming = true; // the stream owns the abort listener from here on
          return streamResponse(run, candidate, opened);
        }
        // Not streaming to the client: nothing is sent until the end, so a stream that breaks
        // part-way can still fall back.
        if (!opened.done)
          for (let r = await opened.iterator.next(); !r.done; r = await opened.iterator.next()) acc.add(r.value);
        answered(run, candidate, opened);
        sample(run, candidate, opened, true, null, 200);
        const result = run.settle({ status: "success", error: null, candidate, acc, ttftMs: opened.ttftMs });
        return Response.json(dialectOf(call).body(replyMeta(run, candidate, acc), result), {
          headers: run.headers(candidate, result),
        });
      } catch (err) {
        // Settled already (the reply's own encoding or accounting threw after the upstream
        // answered): not the provider's failure, so no fallback and no second settle.
        if (run.finished) throw err;
        const e = asUpstreamError(err);
        if (call.signal.aborted) return run.cancelled(candidate, attemptStart, acc);
        run.failed(candidate, attemptStart, e, run.abandon(candidate, acc));
        if (candidate.byok && (e.status === 401 || e.status === 403))
          await markInvalid(deps, plan, call.caller.userId, candidate, e);
        if (!shouldFallBack(e.status)) run.rejected(candidate, e);
      } finally {
        if (!streaming) call.signal.removeEventListener("abort", onClientAbort);
      }
    }
    return run.exhausted();
  } catch (err) {
    run.failedUnexpectedly(err);
    throw err;
  }
}

/** The candidate answered: its attempt recorded and its breaker told (the health sample is taken once the reply is read). */
function answered(run: ChatRun, candidate: RouteCandidate, opened: OpenStream): void {
  run.recordAttempt(candidate, true, 200, null, run.now() - opened.attemptStart, opened.ttftMs);
  noteSuccess(run.deps, run.plan, candidate.providerId, opened.ttftMs);
}

/** The health sample's latency is the whole attempt (a stream's is taken when it ends). */
function sample(
  run: ChatRun,
  candidate: RouteCandidate,
  opened: OpenStream,
  ok: boolean,
  error: string | null,
  status: number | null,
): void {
  run.deps.healthRecorder?.record({
    providerId: candidate.providerId,
    ok,
    latencyMs: run.now() - opened.attemptStart,
    ttftMs: opened.ttftMs,
    statusCode: status,
    error,
  });
}

function replyMeta(run: ChatRun, candidate: RouteCandidate, acc: CompletionAccumulator): ReplyMeta {
  return {
    requestId: run.call.requestId,
    completionId: `chatcmpl-${run.call.requestId}`,
    created: Math.floor(run.started / 1000),
    model: candidate.model,
    acc,
  };
}

/** Starts the candidate and reads until its first real token, within the provider's first-token timeout. */
async function openCandidate(
  run: ChatRun,
  candidate: RouteCandidate,
  ctrl: AbortController,
  acc: CompletionAccumulator,
  attemptStart: number,
): Promise<OpenStream> {
  const { deps, plan, call } = run;
  const provider = plan.catalog.providers.get(candidate.providerId);
  if (!provider) throw new UpstreamError(`provider ${candidate.provider} was removed`, 404);
  const config: ProviderConfig = {
    slug: provider.slug,
    kind: provider.kind,
    baseUrl: provider.baseUrl,
    apiKey: providerKey(deps, plan, call.caller.userId, candidate),
    simulation: provider.simulation,
  };
  const request = upstreamRequest(
    call.body,
    candidate.upstreamId,
    plan.upstreamMaxTokens,
    KIND_FROM_DB[provider.kind],
    candidate.byok,
  );
  const started = run.now();
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
    let done = false;
    for (;;) {
      const r = await iterator.next();
      if (r.done) {
        done = true;
        break;
      }
      buffered.push(r.value);
      // Folded in as read, so an attempt that dies before its first token still shows what the
      // provider had reported (Anthropic's prompt counts arrive first) for its cost.
      acc.add(r.value);
      if (isFirstToken(r.value)) break;
    }
    return { iterator, buffered, done, ttftMs: run.now() - started, acc, ctrl, attemptStart };
  } catch (err) {
    if (timedOut && !call.signal.aborted)
      throw new UpstreamError(`no first token within ${provider.firstTokenTimeoutMs} ms`, 408);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function streamResponse(run: ChatRun, candidate: RouteCandidate, opened: OpenStream): Response {
  const { call } = run;
  const acc = opened.acc;
  const reply = dialectOf(call).stream(replyMeta(run, candidate, acc));
  // Settled once: whichever of the end, a failure or the client's cancel comes first.
  const end = (status: Outcome["status"], error: string | null) =>
    run.finished ? null : run.settle({ status, error, candidate, acc, ttftMs: opened.ttftMs });

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const e of opened.buffered) reply.push(e).forEach((f) => controller.enqueue(f));
    },
    async pull(controller) {
      try {
        // A pull that enqueues nothing leaves the reader waiting forever (Streams spec), so read
        // past events that produce no frame (the upstream's usage) until one does or the stream ends.
        while (!opened.done) {
          const r = await opened.iterator.next();
          if (r.done) break;
          acc.add(r.value);
          const frames = reply.push(r.value);
          if (frames.length) {
            frames.forEach((f) => controller.enqueue(f));
            return;
          }
        }
        sample(run, candidate, opened, true, null, 200);
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
        if (run.finished) {
          // Accounting itself failed after the reply was complete: say so rather than hang the stream.
          log().error({ request_id: call.requestId, err: scrubSecrets(String(err)) }, "accounting failed");
          reply
            .fail(`accounting failed (request ${call.requestId})`, "internal_error", null)
            .forEach((f) => controller.enqueue(f));
          controller.close();
          return;
        }
        // Content already reached the client: no fallback now. End with an explicit error event,
        // never a silently truncated 200.
        const e = asUpstreamError(err);
        const message = `${candidate.provider} stream failed after the response started: ${e.message}`;
        noteFailure(run.deps, run.plan, candidate.providerId, e.message);
        sample(run, candidate, opened, false, e.message, e.status);
        reply.fail(message, "upstream_stream_broken", end("error", message)).forEach((f) => controller.enqueue(f));
        controller.close();
      }
    },
    async cancel() {
      // The client went away: stop the upstream at once; what was produced is still accounted.
      opened.ctrl.abort();
      end("cancelled", "client closed the request");
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
      ...run.headers(candidate),
    },
  });
}
