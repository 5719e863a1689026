// What recording one finished request in the Prometheus metrics costs the hot path
// (lib/metrics/registry.ts recordRequest): the per-request part of GET /api/metrics. Label sets
// as in real traffic (a few providers and models, both outcomes); prints ns per request.
import { performance } from "node:perf_hooks";
import { metrics, recordRequest, type RequestFigures } from "../lib/metrics/registry.ts";

const providers = ["openai", "anthropic", "groq", "local"];
const figures: RequestFigures[] = Array.from({ length: 64 }, (_, i) => ({
  provider: providers[i % 4]!,
  model: `${providers[i % 4]}/model-${i % 6}`,
  powerLevel: ["ECO", "BALANCED", "PRECISION"][i % 3]!,
  status: i % 17 === 0 ? "error" : "success",
  stream: i % 2 === 0,
  promptTokens: 120 + i,
  completionTokens: 40 + i,
  chargedMicros: 1_000 + i,
  providerCostMicros: 900 + i,
  fallbacks: i % 11 === 0 ? 1 : 0,
  latencyMs: 200 + i,
  ttftMs: 50 + i,
  overheadMs: 2,
}));

const N = 1_000_000;
for (let i = 0; i < 50_000; i++) recordRequest(figures[i & 63]!);
const runs: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) recordRequest(figures[i & 63]!);
  runs.push(((performance.now() - t) * 1e6) / N);
}
runs.sort((a, b) => a - b);
console.log(
  `recordRequest: median ${runs[2]!.toFixed(0)} ns per request (runs: ${runs.map((r) => r.toFixed(0)).join(", ")} ns; ${N.toLocaleString("en-US")} requests each)`,
);
const t = performance.now();
const text = await metrics().registry.metrics();
console.log(
  `one scrape's text (no database part): ${(performance.now() - t).toFixed(1)} ms, ${(text.length / 1024).toFixed(0)} KiB for ${figures.length} label sets`,
);
