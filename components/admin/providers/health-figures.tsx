import type { ReactNode } from "react";
import type { HealthView } from "./catalog-types";
import { AvailabilitySparkline } from "./availability-sparkline";
import { formatAgo, formatMs, formatPercent } from "./format";
import { HealthBadge } from "./health-badge";

export function When({ iso }: { iso: string }) {
  return (
    <time className="text-slate-500" dateTime={iso} title={new Date(iso).toLocaleString()}>
      {formatAgo(iso)}
    </time>
  );
}

export function lastCheckText(check: NonNullable<HealthView["last_check"]>): string {
  if (check.outcome === "ok")
    return `model list answered${check.latency_ms !== null ? ` in ${formatMs(check.latency_ms)}` : ""}`;
  if (check.outcome === "unconfigured") return "not called: no platform key";
  return `failed${check.status ? ` (${check.status})` : ""}${check.error ? `: ${check.error}` : ""}`;
}

/** A provider's health as the card and the detail page show it: one set of words and figures. */
export function HealthFigures({ health, modelCount }: { health: HealthView | undefined; modelCount?: number }) {
  const h = health;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
      <Row label="Health">
        <HealthBadge state={h?.state} />
      </Row>
      <Row label="Success (15 min)">
        {h && h.samples > 0 ? (
          <>
            <span data-testid="success-rate">{formatPercent(h.success_rate)}</span>
            <span className="ml-1 text-xs text-slate-500">
              of {h.samples.toLocaleString("en-US")} call{h.samples === 1 ? "" : "s"}
            </span>
          </>
        ) : (
          <span className="text-slate-500">no calls</span>
        )}
      </Row>
      <Row label="Latency">
        p50 {formatMs(h?.latency_p50_ms ?? null)} · p95 {formatMs(h?.latency_p95_ms ?? null)}
      </Row>
      <Row label="First token">
        p50 {formatMs(h?.ttft_p50_ms ?? null)} · p95 {formatMs(h?.ttft_p95_ms ?? null)}
      </Row>
      <Row label="Last hour">
        <span data-testid="requests-last-hour">
          {h ? `${h.requests_last_hour.toLocaleString("en-US")} request${h.requests_last_hour === 1 ? "" : "s"}` : "–"}
        </span>
      </Row>
      <Row label="24 h">{h ? <AvailabilitySparkline hours={h.hourly} /> : "–"}</Row>
      <Row label="Last check">
        {h?.last_check ? (
          <span data-testid="last-check">
            {lastCheckText(h.last_check)} (<When iso={h.last_check.at} />)
          </span>
        ) : (
          <span className="text-slate-500">not checked yet</span>
        )}
      </Row>
      <Row label="Last error">
        {h?.last_error ? (
          <span data-testid="last-error" className="wrap-anywhere text-red-800">
            {h.last_error}
            {h.last_error_at && (
              <>
                {" "}
                (<When iso={h.last_error_at} />)
              </>
            )}
          </span>
        ) : (
          <span className="text-slate-500">none in the last 2 hours</span>
        )}
      </Row>
      <Row label="Models served">
        {h ? `${h.models_served}${modelCount !== undefined ? ` of ${modelCount}` : ""} enabled` : (modelCount ?? "–")}
      </Row>
    </dl>
  );
}

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-800">{children}</dd>
    </>
  );
}
