/**
 * One gateway request's shared state, whatever its API (chat completions and its dialects,
 * embeddings): the plan and the hold it walks under, the attempts so far, what abandoned attempts
 * cost, and the settle that hands the charge and usage row to the ledger exactly once. One object
 * per request, so the candidate walk and a streamed reply share it without closures.
 */
import type { Caller } from "../auth/caller.ts";
import { ApiError } from "../http/errors.ts";
import { log } from "../log/logger.ts";
import { logRequest } from "../log/request-line.ts";
import { recordRequest } from "../metrics/registry.ts";
import { microsToUsd } from "../money/units.ts";
import type { UpstreamError } from "../providers/types.ts";
import type { InvoiceCost } from "../router/cost.ts";
import { budgetState, byokFeeMicros } from "../router/money.ts";
import type { RouteCandidate } from "../router/types.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { CompletionAccumulator } from "./accumulator.ts";
import type { Held } from "./admission.ts";
import { noteFailure } from "./attempts.ts";
import type { ChatDeps } from "./chat-completion.ts";
import { addCosts, NO_COST, servedCost, tokenCounts, type TokenCounts } from "./invoice.ts";
import type { Plan } from "./plan.ts";
import { precisionCost } from "./precision-cost.ts";
import { buildReceipt } from "./receipt.ts";
import type { ReplyResult } from "./reply-dialect.ts";
import { routeHeaders } from "./route-headers.ts";
import type { AttemptRecord, GatewayApi } from "./usage-log.ts";

/** What a run needs of its call, whatever the API. */
export type RunCall = { caller: Caller; requestId: string; signal: AbortSignal };

export type Outcome = {
  status: "success" | "error" | "cancelled";
  error: string | null;
  candidate: RouteCandidate | null;
  acc: CompletionAccumulator | null;
  ttftMs: number | null;
};

const CLIENT_CLOSED = "client closed the request";
const TRIAL_TAKEN = "not tried: its provider is down and another request is its half-open trial";

export class RequestRun<C extends RunCall = RunCall> {
  readonly plan: Plan;
  readonly hold: number;
  /** What stays spendable while the request runs (available minus the hold). */
  readonly availableAfterHold: number;
  readonly now: () => number;
  readonly attempts: AttemptRecord[] = [];
  /** When the first upstream call began: what came before is the gateway's own overhead. */
  firstUpstreamAt: number | null = null;
  finished = false;
  // What failed attempts cost the platform after their provider had started billing (it reported
  // usage or produced tokens before the stream broke or timed out): the provider bills them, so
  // finance sees them in provider cost; the caller, who got nothing from them, is not charged.
  private abandoned: InvoiceCost = NO_COST;

  /**
   * `promptEstimate`: our count of the prompt, for the receipt and (chat) for billing a reply
   * that produced tokens without the provider reporting its own count.
   */
  constructor(
    readonly deps: ChatDeps,
    readonly call: C,
    held: Held,
    readonly started: number,
    readonly api: GatewayApi,
    readonly stream: boolean,
    private readonly promptEstimate: number,
  ) {
    this.plan = held.plan;
    this.hold = held.hold;
    this.availableAfterHold = held.availableAfterHold;
    this.now = deps.now ?? Date.now;
  }

  recordAttempt(
    candidate: RouteCandidate,
    ok: boolean,
    status: number | null,
    error: string | null,
    latencyMs: number,
    ttftMs: number | null,
    providerCostMicros = 0,
  ): void {
    const attempt: AttemptRecord = {
      provider: candidate.provider,
      model: candidate.model,
      ok,
      status,
      error,
      latency_ms: latencyMs,
      ttft_ms: ttftMs,
    };
    if (providerCostMicros) attempt.provider_cost_micros = providerCostMicros;
    this.attempts.push(attempt);
  }

  /**
   * A provider whose shared circuit is half-open gets one request in the whole cluster; another
   * request has it. Recorded as an attempt (503, nothing sent) so the receipt and the fallback
   * count say so.
   */
  trialTaken(candidate: RouteCandidate): void {
    this.recordAttempt(candidate, false, 503, TRIAL_TAKEN, 0, null);
  }

  /** A failed attempt the provider had started billing: its cost joins the provider cost of the request, and is returned. */
  abandon(candidate: RouteCandidate, acc: CompletionAccumulator): number {
    const reported = acc.reportedUsage();
    if (!reported && !acc.produced) return 0;
    const model = this.plan.catalog.models.find((m) => m.id === candidate.modelId);
    const cost = servedCost(
      model,
      tokenCounts(reported, acc.produced ? this.plan.promptTokens : 0, acc.completionTokens()),
      candidate.byok,
    );
    this.abandoned = addCosts(this.abandoned, cost);
    return cost.total;
  }

  /** The attempt failed before anything reached the client: recorded, its breaker (and the cluster's circuit) and health told. */
  failed(candidate: RouteCandidate, attemptStart: number, e: UpstreamError, lostMicros: number): void {
    this.recordAttempt(candidate, false, e.status, e.message, this.now() - attemptStart, null, lostMicros);
    noteFailure(this.deps, this.plan, candidate.providerId, e.message);
    this.deps.healthRecorder?.record({
      providerId: candidate.providerId,
      ok: false,
      latencyMs: null,
      ttftMs: null,
      statusCode: e.status,
      error: e.message,
    });
  }

  /** The client went away during the attempt: the breaker is not blamed, what was produced is still accounted. */
  cancelled(candidate: RouteCandidate, attemptStart: number, acc: CompletionAccumulator | null): Response {
    this.deps.breakers.abandon(candidate.providerId);
    this.recordAttempt(candidate, false, 499, CLIENT_CLOSED, this.now() - attemptStart, null);
    this.settle({ status: "cancelled", error: CLIENT_CLOSED, candidate, acc, ttftMs: null });
    return new Response(null, { status: 499 });
  }

  /** A failure another candidate would not fix: settled, and the client told. */
  rejected(candidate: RouteCandidate, e: UpstreamError): never {
    const message = `${candidate.provider} rejected the request: ${e.message}`;
    this.settle({ status: "error", error: message, candidate, acc: null, ttftMs: null });
    throw new ApiError(e.status >= 400 && e.status < 500 ? e.status : 502, "upstream_rejected", message);
  }

  /** The walk ended without an answer: the client left (499), or no candidate could serve it. */
  exhausted(): Response {
    if (this.call.signal.aborted) {
      this.settle({ status: "cancelled", error: CLIENT_CLOSED, candidate: null, acc: null, ttftMs: null });
      return new Response(null, { status: 499 });
    }
    const tried = this.attempts
      .map((a) => `${a.model} (${a.status === 0 ? "unreachable" : a.status}: ${a.error})`)
      .join("; ");
    const message = `No provider could serve the request. Tried: ${tried}`;
    this.settle({ status: "error", error: message, candidate: null, acc: null, ttftMs: null });
    const allBusy = this.attempts.every((a) => a.status === 429 || a.status === 503 || a.status === 529);
    throw new ApiError(allBusy ? 503 : 502, "no_provider_available", message);
  }

  /** Anything unexpected before the response: release the hold rather than leave it stuck. */
  failedUnexpectedly(err: unknown): void {
    if (this.finished) return;
    try {
      this.settle({
        status: "error",
        error: err instanceof Error ? err.message : String(err),
        candidate: null,
        acc: null,
        ttftMs: null,
      });
    } catch (e) {
      log().error({ request_id: this.call.requestId, err: scrubSecrets(String(e)) }, "accounting failed");
    }
  }

  /**
   * Billed as the provider bills: its own counts when it gave any (a stream that broke or was
   * cancelled after it started is billed for its prompt and what it produced), else our estimate
   * of the prompt once anything was produced. An attempt that failed before its first token never
   * reaches here (the next candidate's accumulator does).
   */
  private tokensOf(acc: CompletionAccumulator | null): TokenCounts {
    return tokenCounts(
      acc?.reportedUsage() ?? null,
      acc?.produced ? this.plan.promptTokens : 0,
      acc?.completionTokens() ?? 0,
    );
  }

  /**
   * Works out the request's cost and hands the charge and usage row to the ledger, which journals
   * them at once and writes them in the background: nothing here waits on the database, so the
   * reply's last bytes leave right after (lib/ledger/settlements.ts says why that is safe).
   * `tokens`: what the provider billed, when the outcome has no accumulator to read it from (embeddings).
   */
  settle(outcome: Outcome, tokens: TokenCounts = this.tokensOf(outcome.acc)): ReplyResult {
    if (this.finished) throw new Error("request finished twice");
    this.finished = true;
    const { plan, call, hold, attempts } = this;
    const candidate = outcome.candidate;
    const model = candidate ? plan.catalog.models.find((m) => m.id === candidate.modelId) : undefined;
    const { promptTokens, completionTokens } = tokens;
    const byok = candidate?.byok ?? false;
    const served = servedCost(model, tokens, byok);
    const cost = addCosts(served, this.abandoned);
    // With the caller's own key the provider bills them; the platform charges only its BYOK fee.
    const fee = byok
      ? byokFeeMicros(servedCost(model, tokens, false).total, plan.caller.state.byokFeeBasisPoints ?? 0)
      : 0;
    // An embeddings request is compared with embeddings models.
    const precisionMicros = precisionCost(
      plan,
      promptTokens,
      completionTokens,
      this.api === "embeddings" ? "embeddings" : undefined,
    );
    // The whole cost is charged, never capped (a cost past the hold becomes owed): what the ledger
    // will record is known here, so the reply can state it before the statement runs. BYOK: the
    // caller's key paid the provider, so both are 0.
    const charged = served.total + fee;
    const availableMicros = Math.max(
      0,
      (hold > 0 ? this.availableAfterHold + hold : plan.caller.state.availableCreditsMicros) - charged,
    );
    const provider = candidate?.provider ?? plan.decision.primary.provider;
    const modelName = candidate?.model ?? plan.decision.primary.model;
    const powerLevel = candidate?.powerLevel ?? plan.decision.usedPowerLevel;
    const latencyMs = this.now() - this.started;
    const fallbacks = Math.max(0, attempts.length - 1);
    void this.deps.billing.finish({
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
        cacheReadCostMicros: cost.cacheRead,
        cacheWriteCostMicros: cost.cacheWrite,
        outputCostMicros: cost.output,
        precisionCostMicros: precisionMicros,
        latencyMs,
        ttftMs: outcome.ttftMs,
        status: outcome.status,
        errorMessage: outcome.error,
        fallbackCount: fallbacks,
        byok,
        stream: this.stream,
        api: this.api,
        attempts,
        receipt: buildReceipt({
          decision: plan.decision,
          catalogVersion: plan.catalog.version,
          rules: plan.catalog.rules,
          attempts,
          servedBy: candidate,
          maxTokens: plan.upstreamMaxTokens,
          cappedMaxTokens: plan.cappedMaxTokens,
          promptTokens: this.promptEstimate,
          budgetPercent: budgetState(plan.caller.state.budget).percent,
          heldMicros: hold,
          settledMicros: charged,
          precisionMicros,
          skippedPrimary: plan.skippedPrimary,
        }),
      },
    });
    const figures = {
      provider,
      model: modelName,
      powerLevel,
      status: outcome.status,
      stream: this.stream,
      promptTokens,
      completionTokens,
      chargedMicros: charged,
      providerCostMicros: cost.total,
      fallbacks,
      latencyMs,
      ttftMs: outcome.ttftMs,
      overheadMs: this.firstUpstreamAt === null ? null : this.firstUpstreamAt - this.started,
    };
    recordRequest(figures);
    logRequest(call.requestId, call.caller, figures, attempts.at(-1)?.ok === false ? attempts.at(-1)!.status : null);
    this.deps.limits
      ?.spent(call.caller, promptTokens + completionTokens)
      .catch((err: unknown) =>
        log().error(
          { request_id: call.requestId, err: scrubSecrets(String(err)) },
          "token count for rate limits failed",
        ),
      );
    return { chargedMicros: charged, availableMicros, promptTokens, completionTokens };
  }

  /**
   * The routing headers: a streamed reply's (before it settled) say what stays spendable while it
   * runs; a settled reply's say what is left and what it cost.
   */
  headers(candidate: RouteCandidate, settled?: ReplyResult): Record<string, string> {
    if (!settled)
      return routeHeaders(this.plan, candidate, this.attempts, this.availableAfterHold, this.call.requestId);
    const headers = routeHeaders(this.plan, candidate, this.attempts, settled.availableMicros, this.call.requestId);
    headers["X-Cost-Incurred"] = String(microsToUsd(settled.chargedMicros));
    return headers;
  }
}
