"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ApiClientError, api } from "@/components/api-client";
import { Alert, Badge, Card } from "@/components/ui/primitives";
import { formatUsd, usdToMicros } from "@/lib/money/units";
import type { ProviderHealthDetail } from "@/lib/health/provider-detail";
import { HEALTH_POLL_MS } from "./catalog-queries";
import { formatMs } from "./format";
import { HealthLegend } from "./health-badge";
import { HealthFigures, When } from "./health-figures";
import { ProviderHistoryChart } from "./provider-history-chart";

/** /admin/providers/:id — one provider's health: its card, 24 h chart, recent failures and last 50 requests, polled like the cards. */
export function ProviderDetail({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: ["admin-health", id],
    queryFn: () => api<ProviderHealthDetail>(`/api/admin/health/${encodeURIComponent(id)}`),
    refetchInterval: (q) =>
      q.state.error instanceof ApiClientError && q.state.error.status === 404 ? false : HEALTH_POLL_MS,
    staleTime: 1_000,
  });
  const back = (
    <Link
      href="/admin/providers"
      className="text-sm font-medium text-indigo-700 underline decoration-indigo-200 underline-offset-2 hover:decoration-indigo-500"
    >
      ← All providers
    </Link>
  );
  if (detail.isPending) return <p className="text-sm text-slate-500">Loading provider health…</p>;
  if (detail.error && !detail.data)
    return (
      <div className="space-y-3">
        <Alert>{detail.error.message}</Alert>
        {back}
      </div>
    );
  const d = detail.data!;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <h2 className="text-base font-semibold wrap-anywhere text-slate-900">
            {d.name} <span className="font-mono text-xs font-normal text-slate-500">{d.provider}</span>
          </h2>
          <p className="text-xs text-slate-500">
            Updated <When iso={new Date(detail.dataUpdatedAt).toISOString()} />
            {detail.error && <span className="text-red-700"> · refresh failed: {detail.error.message}</span>}
          </p>
        </div>
        {back}
      </div>

      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-[minmax(0,22rem)_1fr]">
        <Card title="Now">
          <div className="text-sm">
            <HealthFigures health={d} />
          </div>
        </Card>
        <Card title="Last 24 hours">
          <ProviderHistoryChart history={d.history} />
        </Card>
      </div>

      <HealthLegend />

      <Card title={`Recent failed calls (${d.recent_errors.length})`}>
        {d.recent_errors.length === 0 ? (
          <p className="text-sm text-slate-500">No failed calls in the last 2 hours.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" aria-label="Recent failed calls">
            {d.recent_errors.map((e, i) => (
              <li key={`${e.at}-${i}`} className="flex flex-wrap gap-x-3 gap-y-0.5 py-1.5">
                <When iso={e.at} />
                <Badge tone="red">{e.status ? `HTTP ${e.status}` : "no answer"}</Badge>
                <span className="min-w-0 flex-1 wrap-anywhere text-slate-800">{e.error ?? "no message"}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-2 text-xs text-slate-500">
          Every failed call to this provider, also those a fallback then served elsewhere.
        </p>
      </Card>

      <Card title={`Last ${d.requests.length} requests it served`}>
        {d.requests.length === 0 ? (
          <p className="text-sm text-slate-500">No requests yet.</p>
        ) : (
          <RequestsTable rows={d.requests} />
        )}
      </Card>
    </div>
  );
}

function RequestsTable({ rows }: { rows: ProviderHealthDetail["requests"] }) {
  return (
    <div className="-mx-4 overflow-x-auto px-4">
      <table className="w-full text-sm" aria-label="Last requests">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
            <th className="py-1.5 pr-3 font-medium">When</th>
            <th className="py-1.5 pr-3 font-medium">Request</th>
            <th className="py-1.5 pr-3 font-medium">Model</th>
            <th className="py-1.5 pr-3 font-medium">Level</th>
            <th className="py-1.5 pr-3 font-medium">Status</th>
            <th className="py-1.5 pr-3 text-right font-medium">Latency</th>
            <th className="py-1.5 pr-3 text-right font-medium">TTFT</th>
            <th className="py-1.5 pr-3 text-right font-medium">Tokens in / out</th>
            <th className="py-1.5 text-right font-medium">Charged</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.request_id}>
              <td className="py-1.5 pr-3 whitespace-nowrap">
                <When iso={r.at} />
              </td>
              <td className="max-w-[10rem] truncate py-1.5 pr-3 font-mono text-xs text-slate-600" title={r.request_id}>
                {r.request_id}
              </td>
              <td className="py-1.5 pr-3 whitespace-nowrap">{r.model ?? "–"}</td>
              <td className="py-1.5 pr-3 text-xs">{r.power_level ?? "–"}</td>
              <td className="py-1.5 pr-3">
                <Badge tone={r.status === "success" ? "green" : r.status === "error" ? "red" : "slate"}>
                  {r.status}
                </Badge>
                {r.fallbacks > 0 && (
                  <span className="ml-1 text-xs text-slate-500">
                    after {r.fallbacks} fallback{r.fallbacks === 1 ? "" : "s"}
                  </span>
                )}
                {r.error && <div className="mt-0.5 max-w-xs text-xs wrap-anywhere text-red-800">{r.error}</div>}
              </td>
              <td className="py-1.5 pr-3 text-right whitespace-nowrap tabular-nums">{formatMs(r.latency_ms)}</td>
              <td className="py-1.5 pr-3 text-right whitespace-nowrap tabular-nums">{formatMs(r.ttft_ms)}</td>
              <td className="py-1.5 pr-3 text-right whitespace-nowrap tabular-nums">
                {r.prompt_tokens.toLocaleString("en-US")} / {r.completion_tokens.toLocaleString("en-US")}
              </td>
              <td className="py-1.5 text-right whitespace-nowrap tabular-nums">
                {formatUsd(usdToMicros(r.charged_usd))}
                {r.byok && <span className="ml-1 text-xs text-slate-500">BYOK</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
