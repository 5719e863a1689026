import type { Caller } from "../auth/caller.ts";
import type { RequestFigures } from "../metrics/registry.ts";
import { microsToUsd } from "../money/units.ts";
import { log } from "./logger.ts";

/**
 * The one line each gateway request leaves (info; a failed one at warn): ids, names and numbers
 * only — no prompt, no reply, no key (the key's shown prefix), no upstream error text (it may echo
 * the prompt; the usage row keeps the scrubbed message, found by the same request id).
 */
export function logRequest(
  requestId: string,
  caller: Caller,
  r: RequestFigures,
  lastUpstreamStatus: number | null,
): void {
  const logger = log();
  const level = r.status === "error" ? "warn" : "info";
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      request_id: requestId,
      user_id: caller.userId,
      key_prefix: caller.keyPrefix ?? null,
      provider: r.provider,
      model: r.model,
      power_level: r.powerLevel,
      status: r.status,
      upstream_status: lastUpstreamStatus,
      stream: r.stream,
      latency_ms: r.latencyMs,
      ttft_ms: r.ttftMs,
      overhead_ms: r.overheadMs,
      fallbacks: r.fallbacks,
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      cost_usd: microsToUsd(r.chargedMicros),
    },
    "gateway request",
  );
}
