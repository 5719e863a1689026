"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Alert, Badge } from "@/components/ui/primitives";
import { Modal } from "@/components/ui/modal";
import { ReceiptDetails } from "@/components/usage/receipt-details";
import { count, utcMoment } from "@/components/finance/format";
import { formatUsdAmount } from "@/lib/money/units";
import type { AdminRequestDetail } from "@/lib/usage/admin-requests";
import { StatusBadge } from "./status-badge";

const ms = (v: number | null) => (v === null ? "—" : `${count(v)} ms`);

/** One request opened from the log: what happened, every attempt in order, and its routing receipt. */
export function RequestDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const detail = useQuery({
    queryKey: ["admin-request", id],
    queryFn: () => api<AdminRequestDetail>(`/api/admin/requests/${encodeURIComponent(id)}`),
    staleTime: Infinity,
    retry: false,
  });
  const r = detail.data;
  return (
    <Modal title="Request" onClose={onClose}>
      {detail.isPending ? (
        <p className="text-sm text-slate-500">Loading the request…</p>
      ) : detail.error || !r ? (
        <Alert>{detail.error?.message ?? "The request could not be loaded."}</Alert>
      ) : (
        <div className="space-y-4 text-sm" data-testid="request-detail">
          <p className="font-mono text-xs break-all text-slate-500">{r.id}</p>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3">
            <Fact label="When" value={utcMoment(r.created_at)} />
            <Fact label="User" value={r.user_email ?? r.user_id} />
            <Fact
              label="Key"
              value={
                r.key_prefix ? `${r.key_prefix}… (${r.key_name})` : r.api_key_id ? "deleted key" : "signed-in session"
              }
            />
            <Fact label="Model" value={r.model ?? "not served"} />
            <Fact label="Provider" value={r.provider ?? "—"} />
            <Fact label="Level / task" value={`${r.power_level ?? "—"} / ${r.task_type}`} />
            <div>
              <dt className="text-xs text-slate-500">Status</dt>
              <dd className="mt-0.5 flex flex-wrap gap-1">
                <StatusBadge status={r.status} />
                {r.byok && <Badge tone="indigo">BYOK</Badge>}
                {r.stream && <Badge>stream</Badge>}
              </dd>
            </div>
            <Fact label="Latency / first token" value={`${ms(r.latency_ms)} / ${ms(r.ttft_ms)}`} />
            <Fact label="Fallbacks" value={String(r.fallback_count)} />
            <Fact
              label="Prompt tokens"
              value={`${count(r.prompt_tokens)}${r.cache_read_tokens || r.cache_write_tokens ? ` (cache read ${count(r.cache_read_tokens)}, write ${count(r.cache_write_tokens)})` : ""}`}
            />
            <Fact
              label="Completion tokens"
              value={`${count(r.completion_tokens)}${r.reasoning_tokens ? ` (${count(r.reasoning_tokens)} reasoning)` : ""}`}
            />
            <Fact
              label="Charged / provider cost"
              value={`${formatUsdAmount(r.charged_usd)} / ${formatUsdAmount(r.provider_cost_usd)}`}
            />
          </dl>
          {r.error && <Alert>{r.error}</Alert>}

          <section aria-labelledby="request-attempts">
            <h3 id="request-attempts" className="mb-1.5 text-sm font-semibold text-slate-800">
              Attempts
            </h3>
            {r.attempts.length === 0 ? (
              <p className="text-slate-600">
                No provider was called
                {r.error ? "" : " (nothing to route to, or the request was refused before routing)"}.
              </p>
            ) : (
              <ol className="space-y-1.5 text-xs" data-testid="request-attempts">
                {r.attempts.map((a, i) => (
                  <li key={i} className="rounded bg-white p-2 ring-1 ring-slate-200">
                    <div className="flex flex-wrap items-center gap-1.5">
                      <Badge tone={i === 0 ? "indigo" : "slate"}>{i === 0 ? "first" : `fallback ${i}`}</Badge>
                      <span className="font-mono break-all">{a.model}</span>
                      <Badge tone={a.ok ? "green" : a.status === 499 ? "amber" : "red"}>
                        {a.ok ? "answered" : a.status === 499 ? "cancelled" : "failed"}
                      </Badge>
                      {a.status !== null && (
                        <span className="text-slate-500">{a.status === 0 ? "unreachable" : `HTTP ${a.status}`}</span>
                      )}
                      <span className="ml-auto text-slate-600 tabular-nums">
                        {ms(a.latency_ms)}
                        {a.ttft_ms !== null ? `, first token ${ms(a.ttft_ms)}` : ""}
                      </span>
                    </div>
                    {a.error && <p className="mt-1 break-words text-red-800">{a.error}</p>}
                    {a.provider_cost_usd !== undefined && (
                      <p className="mt-1 text-slate-600">Cost the platform {formatUsdAmount(a.provider_cost_usd)}</p>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>

          <section aria-labelledby="request-receipt">
            <h3 id="request-receipt" className="mb-1.5 text-sm font-semibold text-slate-800">
              Routing receipt
            </h3>
            {r.receipt ? (
              <ReceiptDetails
                receipt={r.receipt}
                subject="this request"
                byokLabel="user's key"
                testId="request-receipt"
              />
            ) : (
              <p className="text-slate-600">
                No routing receipt was recorded: this request was served before receipts existed.
              </p>
            )}
          </section>
        </div>
      )}
    </Modal>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium break-words text-slate-800">{value}</dd>
    </div>
  );
}
