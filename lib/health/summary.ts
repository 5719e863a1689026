import type { Db } from "../db/client.ts";
import type { CircuitBreakers } from "./circuit-breaker.ts";
import { scrubSecrets } from "../security/scrub.ts";
import { hourlyRows, lastErrors, providerRows, windowRows, type ProviderRow, type WindowRow } from "./card-queries.ts";
import { mergeHistograms, quantile } from "./histogram.ts";
import { firstHour, hourlyCounts, type HourCount } from "./hours.ts";
import { minuteFloor } from "./rollup.ts";
import { healthState, type HealthState } from "./state.ts";

export type { HealthState } from "./state.ts";

export type ProviderHealthView = {
  provider: string;
  provider_id: string;
  name: string;
  enabled: boolean;
  state: HealthState;
  /**
   * Over the last 15 minutes (`samples` calls), from every app process. Percentiles of the
   * successful calls come from fixed-bucket histograms (lib/health/histogram.ts): within one
   * bucket's width of the exact value.
   */
  success_rate: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  samples: number;
  requests_last_hour: number;
  /** Enabled models of this provider. */
  models_served: number;
  /** The last 24 UTC hours, oldest first, the current hour last; zeros for hours without calls. */
  hourly: HourCount[];
  last_error: string | null;
  last_error_at: string | null;
  /** The latest call in the window: exact once raw, to the minute once rolled up. */
  checked_at: string | null;
  /** The last active check (lib/health/active-checks.ts): its model list, never a completion. */
  last_check: {
    at: string;
    outcome: "ok" | "failed" | "unconfigured";
    status: number | null;
    error: string | null;
    latency_ms: number | null;
  } | null;
};

export type SummaryOptions = { now?: Date; windowMinutes?: number; providerId?: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Per provider: the recent window of samples from every app process (the database), the last 24
 * hours from rollups and raw samples, the last active check, and this process's circuit breaker.
 * `providerId` narrows it to one provider (the detail page).
 */
export async function healthSummary(
  db: Db,
  breakers: Pick<CircuitBreakers, "state">,
  opts: SummaryOptions = {},
): Promise<ProviderHealthView[]> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - (opts.windowMinutes ?? 15) * 60_000);
  const hourAgo = minuteFloor(now.getTime() - 3_600_000);
  const [providers, window, errors, hours] = await Promise.all([
    providerRows(db, opts.providerId),
    windowRows(db, since, now, opts.providerId),
    lastErrors(db, opts.providerId),
    hourlyRows(db, firstHour(now), hourAgo, now, opts.providerId),
  ]);
  const windowOf = groupBy(window, (w) => w.provider_id);
  const errorOf = new Map(errors.map((e) => [e.provider_id, e]));
  const hoursOf = groupBy(hours, (h) => h.provider_id);
  return providers.map((p) => {
    const w = windowFigures(windowOf.get(p.id) ?? []);
    const check = lastCheck(p);
    const err = errorOf.get(p.id);
    const own = hoursOf.get(p.id) ?? [];
    return {
      provider: p.slug,
      provider_id: p.id,
      name: p.name,
      enabled: p.enabled,
      state: healthState({
        enabled: p.enabled,
        check: check?.outcome ?? null,
        circuit: breakers.state(p.id),
        successRate: w.rate,
      }),
      success_rate: w.rate,
      latency_p50_ms: quantile(w.latency, 0.5),
      latency_p95_ms: quantile(w.latency, 0.95),
      ttft_p50_ms: quantile(w.ttft, 0.5),
      ttft_p95_ms: quantile(w.ttft, 0.95),
      samples: w.requests,
      requests_last_hour: own.reduce((n, h) => n + h.last_hour, 0),
      models_served: p.models_served,
      hourly: hourlyCounts(
        own.map((h) => ({ hour: new Date(h.hour), requests: h.requests, ok: h.ok })),
        now,
      ),
      last_error: err?.error ? scrubSecrets(err.error) : null,
      last_error_at: iso(err?.at ?? null),
      checked_at: iso(w.lastAt),
      last_check: check,
    };
  });
}

/** A provider's window rows (rolled-up minutes and the raw part) as one set of figures. */
function windowFigures(rows: readonly WindowRow[]) {
  const requests = rows.reduce((n, r) => n + r.requests, 0);
  const ok = rows.reduce((n, r) => n + r.ok, 0);
  const lastAt = rows.length ? Math.max(...rows.map((r) => r.last_at)) : null;
  return {
    requests,
    rate: requests ? ok / requests : null,
    latency: mergeHistograms(rows.map((r) => r.latency_hist)),
    ttft: mergeHistograms(rows.map((r) => r.ttft_hist)),
    lastAt,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

function lastCheck(p: ProviderRow): ProviderHealthView["last_check"] {
  if (p.check_at === null || p.check_outcome === null) return null;
  return {
    at: new Date(p.check_at).toISOString(),
    outcome: p.check_outcome as "ok" | "failed" | "unconfigured",
    status: p.check_status,
    error: p.check_error ? scrubSecrets(p.check_error) : null,
    latency_ms: p.check_latency_ms,
  };
}
