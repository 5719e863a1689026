"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Alert, Badge } from "@/components/ui/primitives";
import { formatCost } from "@/lib/catalog/model-table";
import type { ChatBody } from "./types";

type Candidate = {
  model: string;
  provider: string;
  power_level: string;
  estimated_cost_usd: number;
  byok: boolean;
  scores: { composite: number; cost: number; latency: number; quality: number };
};

type RouteView = {
  primary: Candidate;
  fallbacks: Candidate[];
  excluded: { model: string; reason: string }[];
  reason: string;
  task_type: string;
  task_type_inferred: boolean;
  power_level: string;
  requested_power_level: string;
  stepped_down_to_eco: boolean;
  applied_rules: string[];
  weights: { cost: number; latency: number; quality: number };
  estimated_prompt_tokens: number;
  max_output_tokens: number;
};

const pct = (n: number) => n.toFixed(2);

/** POST /api/v1/route with the reply's own request: the router's reasoning, without calling a provider. */
export function RouteExplanation({ body }: { body: ChatBody }) {
  const route = useQuery({
    queryKey: ["route", body],
    queryFn: () => api<RouteView>("/api/v1/route", { body }),
    staleTime: Infinity,
    retry: false,
  });
  if (route.isPending) return <p className="text-xs text-slate-500">Asking the router…</p>;
  if (route.error) return <Alert>{route.error.message}</Alert>;
  const r = route.data;
  return (
    <div className="space-y-3 rounded-md bg-slate-50 p-3 text-xs text-slate-700 ring-1 ring-slate-200" data-testid="route-explanation">
      <p className="text-slate-500">The router&apos;s decision for this same request, made again now (credits and provider health may have changed since the reply).</p>
      <p className="text-sm text-slate-800">{r.reason}</p>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
        <Fact label="Task" value={`${r.task_type}${r.task_type_inferred ? " (inferred)" : ""}`} />
        <Fact label="Power level" value={r.requested_power_level === r.power_level ? r.power_level : `${r.requested_power_level} → ${r.power_level}`} />
        <Fact label="Weights" value={`cost ${pct(r.weights.cost)} · latency ${pct(r.weights.latency)} · quality ${pct(r.weights.quality)}`} />
        <Fact label="Tokens (est.)" value={`${r.estimated_prompt_tokens} in, up to ${r.max_output_tokens} out`} />
      </dl>
      {r.stepped_down_to_eco && <p className="text-amber-800">Stepped down to ECO: most of your monthly budget is spent.</p>}
      {r.applied_rules.length > 0 && <p>Routing rules applied: {r.applied_rules.length}</p>}

      <ol className="space-y-1.5">
        {[r.primary, ...r.fallbacks].map((c, i) => (
          <li key={`${c.model}-${i}`} className="rounded bg-white p-2 ring-1 ring-slate-200">
            <div className="flex flex-wrap items-center gap-1.5">
              <Badge tone={i === 0 ? "indigo" : "slate"}>{i === 0 ? "primary" : `fallback ${i}`}</Badge>
              <span className="font-mono">{c.model}</span>
              <span className="text-slate-500">{c.power_level}</span>
              {c.byok && <Badge tone="green">your key</Badge>}
              <span className="ml-auto tabular-nums">est. {formatCost(c.estimated_cost_usd)}</span>
            </div>
            <div className="mt-1 tabular-nums text-slate-500">
              score {pct(c.scores.composite)}: cost {pct(c.scores.cost)} · latency {pct(c.scores.latency)} · quality {pct(c.scores.quality)}
            </div>
          </li>
        ))}
      </ol>

      {r.excluded.length > 0 && (
        <details>
          <summary className="cursor-pointer text-slate-600">{r.excluded.length} models excluded</summary>
          <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto">
            {r.excluded.map((e, i) => <li key={`${e.model}-${i}`}><span className="font-mono">{e.model}</span>: {e.reason}</li>)}
          </ul>
        </details>
      )}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium text-slate-800">{value}</dd>
    </div>
  );
}
