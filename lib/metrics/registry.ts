/**
 * Prometheus metrics of this app process (prom-client), served by GET /api/metrics. Per-request
 * figures are recorded once, when a request finishes (lib/gateway/request-run.ts settle), through
 * label children cached per label set: a few map lookups and additions, no allocation once warm
 * (`npm run bench -- metrics` says how much). Gauges that describe the whole cluster (holds
 * outstanding, provider checks, the last ledger verify) are read when scraped, not kept.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256];

function build() {
  const registry = new Registry();
  const labels = ["provider", "model", "power_level", "status"] as const;
  return {
    registry,
    requests: new Counter({
      name: "switchyard_requests_total",
      help: "Gateway chat requests by provider, model, power level and outcome (success, error, cancelled).",
      labelNames: labels,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: "switchyard_fallbacks_total",
      help: "Fallbacks: candidates tried after the first, over all requests.",
      labelNames: ["provider"],
      registers: [registry],
    }),
    tokens: new Counter({
      name: "switchyard_tokens_total",
      help: "Tokens billed, by direction (prompt, completion).",
      labelNames: ["provider", "model", "direction"],
      registers: [registry],
    }),
    charged: new Counter({
      name: "switchyard_charged_micros_total",
      help: "Micro-USD charged to callers' credits.",
      labelNames: ["provider", "model"],
      registers: [registry],
    }),
    providerCost: new Counter({
      name: "switchyard_provider_cost_micros_total",
      help: "Micro-USD the platform owes providers for the requests (0 for BYOK).",
      labelNames: ["provider", "model"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "switchyard_request_duration_seconds",
      help: "Whole request, arrival to last byte.",
      labelNames: ["provider", "stream"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    ttft: new Histogram({
      name: "switchyard_time_to_first_token_seconds",
      help: "Upstream call start to its first token.",
      labelNames: ["provider"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    overhead: new Histogram({
      name: "switchyard_gateway_overhead_seconds",
      help: "Gateway time before the first upstream call: auth, limits, routing, the hold.",
      buckets: OVERHEAD_BUCKETS,
      registers: [registry],
    }),
    circuit: new Gauge({
      name: "switchyard_circuit_open",
      help: "1 while this process's circuit for the provider is open.",
      labelNames: ["provider"],
      registers: [registry],
    }),
    health: new Gauge({
      name: "switchyard_provider_health",
      help: "1 for the provider's current state (the admin cards' rule), 0 for the others.",
      labelNames: ["provider", "state"],
      registers: [registry],
    }),
    holds: new Gauge({
      name: "switchyard_holds_outstanding",
      help: "Credit holds of requests in flight (cluster-wide).",
      registers: [registry],
    }),
    holdsMicros: new Gauge({
      name: "switchyard_holds_outstanding_micros",
      help: "Micro-USD held by requests in flight (cluster-wide).",
      registers: [registry],
    }),
    // Registered on the first verdict (collect.ts): absent, not 0, before any `ledger verify` ran.
    verifyOk: new Gauge({
      name: "switchyard_ledger_verify_ok",
      help: "1 if the last `ledger verify` found the books clean, 0 if not; absent before the first run.",
      registers: [],
    }),
    verifyAt: new Gauge({
      name: "switchyard_ledger_verify_timestamp_seconds",
      help: "When the last `ledger verify` ran (Unix time).",
      registers: [],
    }),
  };
}

export type Metrics = ReturnType<typeof build>;

// On globalThis: the fast path (scripts/serve.ts) and Next's bundles load separate copies of lib/
// in one process, and the route that serves the metrics must see what the gateway recorded.
const holder = globalThis as unknown as { switchyardMetrics?: Metrics };

export function metrics(): Metrics {
  holder.switchyardMetrics ??= build();
  return holder.switchyardMetrics;
}

/** One finished gateway request, as the usage row records it. */
export type RequestFigures = {
  provider: string;
  model: string;
  powerLevel: string;
  status: string;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  chargedMicros: number;
  providerCostMicros: number;
  fallbacks: number;
  latencyMs: number;
  ttftMs: number | null;
  overheadMs: number | null;
};

type Inc = { inc(value?: number): void };
type Observe = { observe(value: number): void };
/** One provider and model's label children, made once: prom-client hashes labels on every labels() call. */
type Children = {
  prompt: Inc;
  completion: Inc;
  charged: Inc;
  providerCost: Inc;
  fallbacks: Inc;
  latency: [Observe, Observe];
  ttft: Observe;
  requests: Map<string, Inc>;
};

const childrenOf = new Map<string, Children>();
const MAX_LABEL_SETS = 10_000;

function children(m: Metrics, provider: string, model: string): Children {
  const key = `${provider}\u0000${model}`;
  let c = childrenOf.get(key);
  if (!c) {
    // Bounded like the catalog; past it (a catalog churning through ids) start over rather than grow.
    if (childrenOf.size >= MAX_LABEL_SETS) childrenOf.clear();
    c = {
      prompt: m.tokens.labels(provider, model, "prompt"),
      completion: m.tokens.labels(provider, model, "completion"),
      charged: m.charged.labels(provider, model),
      providerCost: m.providerCost.labels(provider, model),
      fallbacks: m.fallbacks.labels(provider),
      latency: [m.latency.labels(provider, "false"), m.latency.labels(provider, "true")],
      ttft: m.ttft.labels(provider),
      requests: new Map(),
    };
    childrenOf.set(key, c);
  }
  return c;
}

export function recordRequest(r: RequestFigures): void {
  const m = metrics();
  const c = children(m, r.provider, r.model);
  const outcome = `${r.powerLevel}\u0000${r.status}`;
  let requests = c.requests.get(outcome);
  if (!requests) c.requests.set(outcome, (requests = m.requests.labels(r.provider, r.model, r.powerLevel, r.status)));
  requests.inc();
  if (r.fallbacks > 0) c.fallbacks.inc(r.fallbacks);
  if (r.promptTokens) c.prompt.inc(r.promptTokens);
  if (r.completionTokens) c.completion.inc(r.completionTokens);
  if (r.chargedMicros) c.charged.inc(r.chargedMicros);
  if (r.providerCostMicros) c.providerCost.inc(r.providerCostMicros);
  c.latency[r.stream ? 1 : 0].observe(r.latencyMs / 1000);
  if (r.ttftMs !== null) c.ttft.observe(r.ttftMs / 1000);
  if (r.overheadMs !== null) m.overhead.observe(r.overheadMs / 1000);
}
