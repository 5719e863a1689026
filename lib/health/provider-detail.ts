/**
 * GET /api/admin/health/:id — one provider for the admin's detail page: its card, the last 24
 * hours (lib/health/history.ts), its recent failed calls and the last 50 requests it served.
 */
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import { notFound } from "../http/errors.ts";
import { scrubSecrets } from "../security/scrub.ts";
import type { CircuitBreakers } from "./circuit-breaker.ts";
import { msOf } from "./card-queries.ts";
import { providerHistory } from "./history.ts";
import { healthSummary } from "./summary.ts";

// Anything that cannot be a provider id names no provider: a 404, like an id nobody has.
export const providerIdParam = z.object({ id: z.string().trim().min(1).max(200) });

const RECENT_ERRORS = 20;
const RECENT_REQUESTS = 50;

type ErrorRow = { at: number; status_code: number | null; error: string | null; latency_ms: number | null };
type RequestRow = {
  id: string;
  at: number;
  model_name: string | null;
  power_level: string | null;
  status: string;
  latency_ms: number | null;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  charged_micros: string;
  error_message: string | null;
  fallback_count: number;
  byok: boolean;
};

/** Exact decimal dollars from micro-dollars ("0.001023"), as a string so no float rounds it. */
export function microsToUsdString(micros: bigint): string {
  const sign = micros < 0n ? "-" : "";
  const abs = micros < 0n ? -micros : micros;
  return `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

export async function providerHealthDetail(
  db: Db,
  breakers: Pick<CircuitBreakers, "state">,
  params: unknown,
  now: Date = new Date(),
) {
  const parsed = providerIdParam.safeParse(params);
  if (!parsed.success) throw notFound("No provider with this id");
  const id = parsed.data.id;
  const [card] = await healthSummary(db, breakers, { now, providerId: id });
  if (!card) throw notFound("No provider with this id");
  const [history, errors, requests] = await Promise.all([
    providerHistory(db, id, now),
    // Every failed call to it, also those a fallback then served elsewhere (raw samples: 2 h).
    sqlRows<ErrorRow>(
      db,
      "sy_hc_errors",
      `SELECT ${msOf("created_at")} AS at, status_code, error, latency_ms FROM provider_health_samples
       WHERE provider_id = $1 AND NOT ok ORDER BY created_at DESC LIMIT ${RECENT_ERRORS}`,
      [id],
    ),
    sqlRows<RequestRow>(
      db,
      "sy_hc_requests",
      `SELECT id, ${msOf("created_at")} AS at, model_name, power_level::text AS power_level, status, latency_ms, ttft_ms,
              prompt_tokens, completion_tokens, charged_micros::text AS charged_micros, error_message, fallback_count, byok
       FROM usage_logs WHERE provider_slug = $1 ORDER BY created_at DESC LIMIT ${RECENT_REQUESTS}`,
      [card.provider],
    ),
  ]);
  return {
    ...card,
    history,
    recent_errors: errors.map((e) => ({
      at: new Date(e.at).toISOString(),
      status: e.status_code,
      error: e.error ? scrubSecrets(e.error) : null,
      latency_ms: e.latency_ms,
    })),
    requests: requests.map((r) => ({
      at: new Date(r.at).toISOString(),
      request_id: r.id,
      model: r.model_name,
      power_level: r.power_level,
      status: r.status,
      latency_ms: r.latency_ms,
      ttft_ms: r.ttft_ms,
      prompt_tokens: r.prompt_tokens,
      completion_tokens: r.completion_tokens,
      charged_usd: microsToUsdString(BigInt(r.charged_micros)),
      fallbacks: r.fallback_count,
      byok: r.byok,
      error: r.error_message ? scrubSecrets(r.error_message) : null,
    })),
  };
}

export type ProviderHealthDetail = Awaited<ReturnType<typeof providerHealthDetail>>;
