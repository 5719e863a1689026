/**
 * Step 5, latency SLO. The typical first-token time is the model's catalog `latencyMs`: health
 * reports p50 per provider, which mixes a provider's fast and slow models (gpt-4o-mini and o1 on
 * one endpoint), so it would wrongly admit or drop individual models. Admins keep latencyMs
 * current; a provider that is actually failing is handled by its circuit and success rate.
 */
import type { ReasonCode } from "./reasons.ts";
import { describeReason, emptyDetails, REASON } from "./reasons.ts";
import type { LatencySlo } from "./types.ts";

/** First token must be strictly under this; null = no filter. */
export const LATENCY_SLO_LIMIT_MS: Readonly<Record<LatencySlo, number | null>> = {
  instant: 500,
  fast: 1000,
  normal: null,
  slow: null,
};

export function latencyLimitMs(slo: LatencySlo | null | undefined): number | null {
  return slo ? LATENCY_SLO_LIMIT_MS[slo] : null;
}

/** LATENCY or OK. */
export function latencyCode(latencyMs: number, limitMs: number | null): ReasonCode {
  return limitMs !== null && latencyMs >= limitMs ? REASON.LATENCY : REASON.OK;
}

export function latencyExclusionReason(latencyMs: number, slo: LatencySlo | null | undefined): string | null {
  const limit = latencyLimitMs(slo);
  if (latencyCode(latencyMs, limit) === REASON.OK) return null;
  const d = emptyDetails();
  d.latencyMs = latencyMs;
  d.latencySlo = slo ?? null;
  d.latencyLimitMs = limit;
  return describeReason(REASON.LATENCY, d);
}
