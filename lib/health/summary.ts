import type { Db } from "../db/client.ts";
import type { CircuitBreakers } from "./circuit-breaker.ts";
import { scrubSecrets } from "../security/scrub.ts";

export type ProviderHealthView = {
  provider: string;
  provider_id: string;
  enabled: boolean;
  state: "healthy" | "degraded" | "down" | "circuit_open" | "unknown" | "disabled" | "unconfigured";
  success_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  samples: number;
  last_error: string | null;
  last_error_at: string | null;
  checked_at: string | null;
  /** The last active check (lib/health/active-checks.ts): its model list, never a completion. */
  last_check: { at: string; outcome: "ok" | "failed" | "unconfigured"; status: number | null; error: string | null; latency_ms: number | null } | null;
};

/**
 * Per provider, over the recent window of samples from every app process (the database), plus
 * this process's circuit breaker state.
 */
export async function healthSummary(db: Db, breakers: CircuitBreakers, windowMinutes = 15): Promise<ProviderHealthView[]> {
  const since = new Date(Date.now() - windowMinutes * 60_000);
  const [providers, stats, lastErrors, checks] = await Promise.all([
    db.provider.findMany({ select: { id: true, slug: true, enabled: true }, orderBy: [{ priority: "desc" }, { slug: "asc" }] }),
    db.$queryRaw<{ provider_id: string; n: bigint; ok: bigint; p50: number | null; p95: number | null; last_at: Date }[]>`
      SELECT provider_id, count(*) AS n, count(*) FILTER (WHERE ok) AS ok,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ok) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE ok) AS p95,
             max(created_at) AS last_at
      FROM provider_health_samples WHERE created_at >= ${since} GROUP BY provider_id`,
    db.$queryRaw<{ provider_id: string; error: string | null; created_at: Date }[]>`
      SELECT DISTINCT ON (provider_id) provider_id, error, created_at
      FROM provider_health_samples WHERE NOT ok ORDER BY provider_id, created_at DESC`,
    db.providerCheck.findMany(),
  ]);
  const checkOf = new Map(checks.map((c) => [c.providerId, c]));
  const byProvider = new Map(stats.map((s) => [s.provider_id, s]));
  const errors = new Map(lastErrors.map((e) => [e.provider_id, e]));
  return providers.map((p) => {
    const s = byProvider.get(p.id);
    const n = s ? Number(s.n) : 0;
    const rate = s && n ? Number(s.ok) / n : null;
    const circuit = breakers.state(p.id);
    const c = checkOf.get(p.id);
    // One rule: disabled, then no key to call it with, then an open circuit, then a failed active
    // check, then what recent traffic says.
    const state: ProviderHealthView["state"] = !p.enabled ? "disabled" : c?.outcome === "unconfigured" ? "unconfigured" : circuit === "open" ? "circuit_open" : c?.outcome === "failed" ? "down" : rate === null ? (c?.outcome === "ok" ? "healthy" : "unknown") : rate >= 0.95 ? "healthy" : rate >= 0.5 ? "degraded" : "down";
    const err = errors.get(p.id);
    const lastCheck = c ? { at: c.checkedAt.toISOString(), outcome: c.outcome as "ok" | "failed" | "unconfigured", status: c.status, error: c.error ? scrubSecrets(c.error) : null, latency_ms: c.latencyMs } : null;
    return {
      provider: p.slug, provider_id: p.id, enabled: p.enabled, state, success_rate: rate,
      latency_p50_ms: s?.p50 == null ? null : Math.round(s.p50), latency_p95_ms: s?.p95 == null ? null : Math.round(s.p95),
      samples: n, last_error: err?.error ? scrubSecrets(err.error) : null, last_error_at: err?.created_at.toISOString() ?? null, checked_at: s?.last_at.toISOString() ?? null,
      last_check: lastCheck,
    };
  });
}
